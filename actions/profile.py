"""Show and edit the stored profile outside the form."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.plan import screen_and_plan, stored_plan
from actions.profile_slots import (
    PLAN_INPUTS,
    PROFILE_SLOTS,
    answers_so_far,
    profile_complete,
    profile_from_slots,
    with_number_correction,
)
from actions.store import storage
from bot.profile.describe import describe_answers, describe_changes, describe_profile
from bot.profile.parse import parse_answers
from bot.safety.advice import condition_disclaimer

NO_PROFILE = (
    "I don't have a profile for you yet. Say \"make me a plan\" and I'll ask a few quick questions."
)


# "make me a plan", "a programme", "set me up": a request for a plan inside a message that
# the classifier read as answers ("Make me a plan. I'm 45, never done it, treadmill...").
PLAN_REQUEST = re.compile(r"\b(plans?|programmes?|programs?|schedule|routine|set me up)\b", re.I)


class ActionShowProfile(Action):
    """Show what the coach knows about the user."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_show_profile"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utter the stored profile, or the answers given so far, with how to change it."""
        profile = storage().get_profile(tracker.sender_id)
        if profile is not None:
            summary = describe_profile(profile)
        elif any(value is not None for value in answers_so_far(tracker).values()):
            summary = describe_answers(answers_so_far(tracker))
            summary += '\n\nSay "make me a plan" to carry on where we stopped.'
        else:
            dispatcher.utter_message(text=NO_PROFILE)
            return []
        dispatcher.utter_message(
            text=f"{summary}\n\nTo change something, just tell me, for "
            'example "I\'m 72 now" or "I walk on a treadmill now".'
        )
        return []


def wants_plan(tracker: Tracker) -> bool:
    """Whether the latest message asks for a plan, whatever else it says."""
    message = tracker.latest_message or {}
    if PLAN_REQUEST.search(str(message.get("text") or "")):
        return True
    ranking = message.get("intent_ranking") or []
    return any(
        item.get("name") == "start_plan" and float(item.get("confidence") or 0.0) >= 0.2
        for item in ranking[:2]
    )


def update_profile(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Apply the profile answers in the latest message and store them.

    With no plan yet, answers that complete the profile make the plan at once, and answers
    that come with a request for a plan start the questions for what is missing.
    """
    message = tracker.latest_message or {}
    text = str(message.get("text") or "")
    answers, rejections = parse_answers(text, message.get("entities") or [])
    # "can we do 3 days not 4": the answer that was 4
    answers = with_number_correction(text, answers, tracker)
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
    described = describe_changes({a.slot: a.value for a in changes})
    stored = storage().get_profile(tracker.sender_id)
    current = stored_plan(tracker.sender_id)
    has_plan = current is not None
    if not has_plan and profile_complete(tracker):
        cleared = bool(stored and stored.clinician_cleared)
        dispatcher.utter_message(text=f"Got it: {described}.")
        profile = profile_from_slots(tracker, clinician_cleared=cleared)
        return [*events, *screen_and_plan(dispatcher, tracker.sender_id, profile)]
    if not has_plan and wants_plan(tracker):
        # The form asks for what is missing; it reads this message again, so its answers
        # and any condition disclaimer are given once, by the form.
        return [*events, FollowupAction("profile_form")]
    if stored is None:
        dispatcher.utter_message(
            text=f"Got it: {described}. Say \"make me a plan\" when you're ready and I'll "
            "ask the rest."
        )
        return events
    cleared = stored.clinician_cleared
    replans = any(a.slot in PLAN_INPUTS for a in changes)
    if current is not None and replans and profile_complete(tracker):
        # "make that 4 days a week, not 3": the plan is rebuilt with it, from the same week
        dispatcher.utter_message(text=f"Updated your profile ({described}). Your plan, rebuilt:")
        profile = profile_from_slots(tracker, clinician_cleared=cleared)
        return [*events, *screen_and_plan(dispatcher, tracker.sender_id, profile, current[1])]
    storage().save_profile(tracker.sender_id, profile_from_slots(tracker, cleared))
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
