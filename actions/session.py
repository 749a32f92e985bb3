"""Start of a conversation session: carry slots over and show the not-medical-advice notice."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionSessionStart(Action):
    """Begin a session with a one-line notice that the coach gives no medical advice."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Emit SessionStarted, carried-over slots, the notice, then listen."""
        events: list[EventType] = [SessionStarted()]
        if (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True):
            events.extend(
                SlotSet(key=name, value=value)
                for name, value in tracker.current_slot_values().items()
                if value is not None and name != "session_started_metadata"
            )
        dispatcher.utter_message(response="utter_session_notice")
        events.append(ActionExecuted("action_listen"))
        return events
