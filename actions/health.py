"""Disclaimers for mentioned conditions, and the stop-now answer to red-flag symptoms."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import health_mentions, latest_intent
from bot.safety import condition_disclaimer, detect_red_flag, red_flag_message


class ActionHealthMentions(Action):
    """Attach a disclaimer naming the condition and who to consult.

    Runs after every FAQ answer (silent unless a condition, injury or symptom was
    mentioned) and on the ``mention_condition`` intent (always answers).
    """

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_health_mentions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utter the disclaimer when there is something to disclaim."""
        mentions = health_mentions(tracker)
        if mentions or latest_intent(tracker) == "mention_condition":
            dispatcher.utter_message(text=condition_disclaimer(mentions))
        return []


class ActionRedFlag(Action):
    """Tell the person to stop, get medical help, and how to reach emergency services."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_red_flag"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utter the stop-now message, specific to the symptom when it is recognised."""
        text = str((tracker.latest_message or {}).get("text") or "")
        dispatcher.utter_message(text=red_flag_message(detect_red_flag(text)))
        return []
