"""Helpers that read what the user said from a rasa-sdk tracker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from rasa_sdk import Tracker

from bot.profile.proxy import as_the_walker, speaks_for_someone

HEALTH_ENTITY_TYPES = ("condition", "symptom")


def latest_intent(tracker: Tracker) -> str | None:
    """The intent name of the latest user message, if any."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    return str(name) if name else None


def user_events_since_start(tracker: Tracker) -> list[dict[str, Any]]:
    """The user-message events since the conversation (re)started, oldest first (a deletion
    restarts the conversation: nothing said before it counts)."""
    events: list[dict[str, Any]] = []
    for event in tracker.events:
        if event.get("event") in ("restart", "session_started"):
            events = []
        elif event.get("event") == "user":
            events.append(event)
    return events


def walker_words(tracker: Tracker) -> Callable[[str], str]:
    """How to read a message of this conversation as the walker's own words: made first
    person when someone types for them ("I'm typing for my mother. She's 79" -> "I'm 79";
    :mod:`bot.profile.proxy`), as it is otherwise."""
    texts = (str(event.get("text") or "") for event in user_events_since_start(tracker))
    return as_the_walker if speaks_for_someone(texts) else str


def walker_text(tracker: Tracker, text: str) -> str:
    """``text`` as the walker's own words (:func:`walker_words`)."""
    return walker_words(tracker)(text)


def health_mentions(tracker: Tracker) -> list[str]:
    """Condition, injury and symptom values from the latest message, in order, de-duplicated."""
    values: list[str] = []
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") in HEALTH_ENTITY_TYPES:
            value = str(entity.get("value") or "").strip()
            if value and value not in values:
                values.append(value)
    return values


def entity_values(tracker: Tracker, kinds: tuple[str, ...]) -> dict[str, Any]:
    """The first value of each wanted entity type in the latest message."""
    values: dict[str, Any] = {}
    for entity in (tracker.latest_message or {}).get("entities") or []:
        kind = entity.get("entity")
        if kind in kinds and kind not in values:
            values[kind] = entity.get("value")
    return values


def user_events_newest_first(tracker: Tracker) -> Iterator[dict[str, Any]]:
    """The user-message events of the loaded conversation, newest first."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            yield event


def faq_key_of(event: dict[str, Any]) -> str | None:
    """The FAQ sub-intent (``faq/<key>``) a user event was answered with, if any."""
    return faq_key_in(event.get("parse_data") or {})


def faq_key_in(parse_data: dict[str, Any]) -> str | None:
    """The FAQ sub-intent (``faq/<key>``) a message's parse data reads it as, if any."""
    if (parse_data.get("intent") or {}).get("name") != "faq":
        return None
    selector = (parse_data.get("response_selector") or {}).get("faq") or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    return str(key) if key else None


def last_answered_faq(tracker: Tracker) -> str | None:
    """The most recent FAQ sub-intent answered in the loaded conversation window."""
    for event in user_events_newest_first(tracker):
        key = faq_key_of(event)
        if key:
            return key
    return None
