"""Answer "Is that proven?" / "What's the source?" for the previous FAQ answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import last_answered_faq
from bot.evidence import NO_TOPIC_MESSAGE, default_topics, evidence_message, topic_key


class ActionExplainEvidence(Action):
    """Give the evidence level and citations behind the last FAQ answer."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_explain_evidence"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Look up the last answered topic and utter its evidence."""
        answered = last_answered_faq(tracker)
        topic = default_topics().get(topic_key(answered)) if answered else None
        if topic is None:
            dispatcher.utter_message(text=NO_TOPIC_MESSAGE)
        else:
            dispatcher.utter_message(text=evidence_message(topic))
        return []
