"""Show and edit the stored profile outside the form."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.profile_slots import PROFILE_SLOTS, profile_complete, profile_from_slots
from actions.store import storage
from bot.profile_parsing import describe_profile, parse_answers
from bot.safety.advice import condition_disclaimer

NO_PROFILE = (
    "I don't have a profile for you yet. Say \"make me a plan\" and I'll ask a few quick questions."
)


class ActionShowProfile(Action):
    """Show what the coach knows about the user."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_show_profile"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utter the stored profile, with how to change it."""
        profile = storage().get_profile(tracker.sender_id)
        if profile is None:
            dispatcher.utter_message(text=NO_PROFILE)
            return []
        dispatcher.utter_message(
            text=f"{describe_profile(profile)}\n\nTo change something, just tell me, for "
            'example "I\'m 72 now" or "I walk on a treadmill now".'
        )
        return []


def update_profile(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Apply the profile answers in the latest message and store them."""
    message = tracker.latest_message or {}
    answers, rejections = parse_answers(
        str(message.get("text") or ""), message.get("entities") or []
    )
    for rejection in rejections:
        dispatcher.utter_message(text=rejection.reason)
    changes = [a for a in answers if a.slot in PROFILE_SLOTS]
    if not changes:
        if not rejections:
            dispatcher.utter_message(
                text='What would you like to change? For example "I\'m 72 now", "I can '
                'walk 4 days a week" or "I now walk on a treadmill".'
            )
        return []
    events: list[EventType] = [SlotSet(a.slot, a.value) for a in changes]
    tracker.add_slots(events)
    stored = storage().get_profile(tracker.sender_id)
    if stored is None and not profile_complete(tracker):
        dispatcher.utter_message(
            text="Got it. Say \"make me a plan\" when you're ready and I'll ask the rest."
        )
        return events
    cleared = bool(stored and stored.clinician_cleared)
    storage().save_profile(tracker.sender_id, profile_from_slots(tracker, cleared))
    described = ", ".join(f"{a.slot.replace('_', ' ')}: {a.text}" for a in changes)
    dispatcher.utter_message(
        text=f'Updated your profile ({described}). Say "make me a plan" to rebuild your '
        "plan with it."
    )
    conditions = [c for a in changes if a.slot == "conditions" for c in a.value]
    if conditions:
        dispatcher.utter_message(text=condition_disclaimer(conditions))
    return events


class ActionUpdateProfile(Action):
    """Change stored details: "I'm 72 now", "I can do 4 days a week now"."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_update_profile"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Parse and store the changes."""
        return update_profile(dispatcher, tracker)
