"""Delete my data: confirm, then remove profile, plans, logs and conversation history."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.store import storage


class ActionAskDeleteConfirmation(Action):
    """Ask before deleting anything."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_ask_delete_confirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Ask, and remember that a yes/no is expected."""
        dispatcher.utter_message(response="utter_confirm_delete")
        return [SlotSet("awaiting", "delete_data")]


def delete_data(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Delete everything stored about the user and restart the conversation.

    The conversation history is deleted in the same database transaction as the profile,
    plans and logs. Rasa stores this turn's events after the action returns; the
    ``Restarted`` event makes them the start of a fresh conversation with no profile.
    """
    report = storage().delete_user(tracker.sender_id)
    dispatcher.utter_message(
        text=f"Done. I've deleted your profile, {report.plans} plan(s), {report.walk_logs} "
        "walk log(s) and our conversation history. If you come back, we'll start fresh."
    )
    return [Restarted()]


class ActionDeleteData(Action):
    """Delete the user's data (after confirmation)."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_delete_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Delete."""
        return delete_data(dispatcher, tracker)
