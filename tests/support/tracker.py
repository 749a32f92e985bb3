"""A conversation's tracker read from the live coach, and waiting until it holds what a test
expects.

Rasa stores a conversation's tracker at the end of a turn, after the replies went out (and
the Slack channel processes a message in the background), so a test that reads the tracker
as soon as it has its reply can be early. Rasa announces the store to no one a test could
listen to, so :func:`wait_for_tracker` reads the tracker through the HTTP API every 0.1 s
until a condition holds, and fails with a message naming the conversation, what was awaited
and what the tracker held when the deadline passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import quote

import requests

from bot.settings import Settings

TRACKER_WAIT_S = 30.0
POLL_S = 0.1

Events = list[dict[str, Any]]


class RunningCoach(Protocol):
    """What these helpers need of a running coach (``tests.conftest.LiveCoach`` has it)."""

    @property
    def settings(self) -> Settings:
        """Where it runs (:attr:`Settings.rasa_url`)."""
        ...

    @property
    def token(self) -> str:
        """Its HTTP API token."""
        ...


def tracker_events(
    coach: RunningCoach, sender: str, *, include_events: str | None = None
) -> Events:
    """The events of ``sender``'s conversation, read once (the read must succeed).

    Args:
        coach: The live coach.
        sender: The conversation id.
        include_events: Rasa's ``include_events`` (e.g. ``"ALL"``); default: Rasa's own
            (the events after the last restart).

    Returns:
        The events, oldest first.
    """
    # Rasa's routes match the raw path (no unquoting): "+" and ":" of phone ids stay as they are.
    url = f"{coach.settings.rasa_url}/conversations/{quote(sender, safe='+:')}/tracker"
    params = {"token": coach.token}
    if include_events is not None:
        params["include_events"] = include_events
    reply = requests.get(url, params=params, timeout=30)
    assert reply.status_code == 200, f"GET {sender}'s tracker: {reply.status_code} {reply.text}"
    events = reply.json()["events"]
    assert isinstance(events, list), events
    return events


def user_texts(events: Events, *, distinct: bool = False) -> list[str]:
    """The texts of the user messages among ``events``.

    Args:
        events: Tracker events.
        distinct: Each text once, in the order it first came (a message the coach was not
            sure of is logged again when the fallback replays it).
    """
    texts = [event.get("text") or "" for event in events if event.get("event") == "user"]
    return list(dict.fromkeys(texts)) if distinct else texts


def wait_for_tracker(
    coach: RunningCoach,
    sender: str,
    until: Callable[[Events], bool],
    *,
    what: str,
    timeout_s: float = TRACKER_WAIT_S,
    include_events: str | None = None,
) -> Events:
    """Read ``sender``'s tracker until ``until(events)`` holds; return those events.

    Args:
        coach: The live coach.
        sender: The conversation id.
        until: The condition on the events.
        what: What is awaited, for the failure message ("2 user messages").
        timeout_s: The deadline, in seconds from the call.
        include_events: Passed to :func:`tracker_events`.

    Raises:
        AssertionError: The condition did not hold by the deadline; the message says what
            was awaited and which user messages the tracker held.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        events = tracker_events(coach, sender, include_events=include_events)
        if until(events):
            return events
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"the tracker of conversation {sender!r} did not hold {what} within "
                f"{timeout_s:g} s; it holds {len(events)} events, user messages: "
                f"{user_texts(events)!r}"
            )
        time.sleep(POLL_S)


def wait_for_user_texts(
    coach: RunningCoach,
    sender: str,
    at_least: int,
    *,
    distinct: bool = False,
    timeout_s: float = TRACKER_WAIT_S,
) -> list[str]:
    """The user messages of ``sender``'s conversation, once at least ``at_least`` are stored.

    Args:
        coach: The live coach.
        sender: The conversation id.
        at_least: How many user messages to wait for (0: read once, wait for nothing).
        distinct: Count and return each text once (see :func:`user_texts`).
        timeout_s: The deadline, in seconds from the call.

    Returns:
        Every user message the tracker holds (possibly more than ``at_least``).

    Raises:
        AssertionError: Fewer than ``at_least`` were stored by the deadline.
    """
    events = wait_for_tracker(
        coach,
        sender,
        lambda events: len(user_texts(events, distinct=distinct)) >= at_least,
        what=f"{at_least} {'distinct ' if distinct else ''}user messages",
        timeout_s=timeout_s,
    )
    return user_texts(events, distinct=distinct)
