"""Start of a conversation session: carry slots over and show the not-medical-advice notice."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.profile_slots import slots_from_profile
from actions.store import storage


class ActionSessionStart(Action):
    """Begin a session: the not-medical-advice notice, the stored profile, carried slots."""

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
        profile = storage().get_profile(tracker.sender_id)
        if profile is not None:
            events.extend(slots_from_profile(profile))
        dispatcher.utter_message(response="utter_session_notice")
        events.append(ActionExecuted("action_listen"))
        return events
