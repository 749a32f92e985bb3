"""Conversion between the profile slots and :class:`bot.profile.model.Profile`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot.profile.describe import SKIPPED
from bot.profile.model import CAUTIOUS_PROFILE, Profile
from bot.profile.parse import parse_answers
from bot.profile.settled import corrected_number
from bot.profile.slots import ParsedAnswer

# Required by the profile form, in the order asked.
FORM_SLOTS = (
    "experience",
    "age",
    "conditions",
    "location",
    "goal",
    "minutes_per_session",
    "days_per_week",
)
OPTIONAL_SLOTS = ("weight_kg", "regularly_active")
PROFILE_SLOTS = FORM_SLOTS + OPTIONAL_SLOTS
# What the plan is made from (the weight is for calorie estimates only).
PLAN_INPUTS = (*FORM_SLOTS, "regularly_active")

# What a skipped answer means (documented in the README): the coach's cautious default.
SKIP_DEFAULTS: dict[str, Any] = {
    slot: getattr(CAUTIOUS_PROFILE, slot)
    for slot in (*FORM_SLOTS, "weight_kg")
    if slot != "conditions"  # never skipped: it keeps people safe
}


def _value(tracker: Tracker, slot: str) -> Any:
    value = tracker.get_slot(slot)
    return SKIP_DEFAULTS.get(slot) if value == SKIPPED else value


def profile_complete(tracker: Tracker) -> bool:
    """True when every form slot has an answer (or was skipped)."""
    return all(tracker.get_slot(slot) is not None for slot in FORM_SLOTS)


def profile_from_slots(tracker: Tracker, clinician_cleared: bool = False) -> Profile:
    """Build a Profile from the slots; missing or skipped answers take the cautious default."""
    defaults = CAUTIOUS_PROFILE
    age = _value(tracker, "age")
    weight = _value(tracker, "weight_kg")
    return Profile(
        experience=_value(tracker, "experience") or defaults.experience,
        age=int(age) if age is not None else None,
        conditions=tuple(str(c) for c in (_value(tracker, "conditions") or ())),
        location=_value(tracker, "location") or defaults.location,
        goal=_value(tracker, "goal") or defaults.goal,
        minutes_per_session=int(
            _value(tracker, "minutes_per_session") or defaults.minutes_per_session
        ),
        days_per_week=int(_value(tracker, "days_per_week") or defaults.days_per_week),
        weight_kg=float(weight) if weight is not None else None,
        regularly_active=tracker.get_slot("regularly_active"),
        clinician_cleared=clinician_cleared,
    )


def answers_so_far(tracker: Tracker) -> dict[str, Any]:
    """The profile answers in the conversation's slots (None where not given yet)."""
    return {slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS}


def slots_from_profile(profile: Profile) -> list[EventType]:
    """SlotSet events that load a stored profile into the conversation."""
    data = profile.to_dict()
    return [SlotSet(slot, data.get(slot)) for slot in PROFILE_SLOTS]


def with_number_correction(
    text: str, answers: list[ParsedAnswer], tracker: Tracker
) -> list[ParsedAnswer]:
    """Add the answer a bare "72 not 70" corrects (the known answer that was 70)."""
    fix = corrected_number(text, {slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS})
    if fix is None or any(answer.slot == fix[0] for answer in answers):
        return answers
    fixed, _ = parse_answers(fix[1], asked=fix[0])
    return [*answers, *(answer for answer in fixed if answer.slot == fix[0])]
