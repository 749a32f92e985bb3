"""Disclaimers for mentioned conditions, and the stop-now answer to red-flag symptoms.

Both read the message with the one safety assessment (:func:`bot.safety.assessment.assess`)
that every client uses; the stop decision goes out as text and as a ``retrowalk_safety``
custom payload, so clients obey it without re-reading the text.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.profile_form import stated_facts
from actions.tracker_reading import latest_intent
from bot.safety.assessment import MessageContext, assess
from bot.safety.conditions import label_disclaimer
from bot.safety.stop_message import Setting, stop_message, stop_payload


def message_setting(tracker: Tracker) -> Setting:
    """Where the user is, from the message metadata the voice walk sends (else ``chat``)."""
    metadata = (tracker.latest_message or {}).get("metadata")
    if not metadata:
        last_user: dict[str, Any] = next(
            (e for e in reversed(tracker.events) if e.get("event") == "user"), {}
        )
        metadata = last_user.get("metadata")
    setting = metadata.get("setting") if isinstance(metadata, dict) else None
    return setting if setting in ("walking", "treadmill") else "chat"


def message_context(tracker: Tracker) -> MessageContext:
    """The assessment context: the conditions question, a walk, or chat."""
    if tracker.get_slot("requested_slot") == "conditions":
        return "conditions_answer"
    return message_setting(tracker)


class ActionHealthMentions(Action):
    """Attach a disclaimer naming the condition and who to consult.

    Runs after every FAQ answer (silent unless an ongoing condition was named, not denied and
    not someone else's family history) and on the ``mention_condition`` intent (always
    answers).
    """

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_health_mentions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utter the disclaimer when there is something to disclaim; keep the age or weight
        the message states about the speaker (:func:`actions.profile_form.stated_facts`)."""
        text = str((tracker.latest_message or {}).get("text") or "")
        labels = assess(text, message_context(tracker)).conditions
        if labels or latest_intent(tracker) == "mention_condition":
            dispatcher.utter_message(text=label_disclaimer(labels))
        return stated_facts(tracker)


class ActionRedFlag(Action):
    """Tell the person to stop, get medical help, and how to reach emergency services.

    The reply is the stop message (for where the user is, with one emergency number) and
    the same decision as a ``retrowalk_safety`` payload.
    """

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_red_flag"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utter the stop message and its payload."""
        text = str((tracker.latest_message or {}).get("text") or "")
        flag = assess(text, message_context(tracker)).acute
        message = stop_message(flag, message_setting(tracker))
        dispatcher.utter_message(text=message.text)
        dispatcher.utter_message(json_message=stop_payload(flag, message))
        return []
