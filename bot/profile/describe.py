"""What the coach knows about a walker, in plain words: the full profile or the answers so far.

Plain Python, no Rasa import. Values are shown clean ("45", "3 days a week", "on a
treadmill"), never as the words the person typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from bot.profile.model import Profile

SKIPPED: Final = "skipped"

_EXPERIENCE_TEXT: Final[dict[str, str]] = {
    "none": "new to backward walking",
    "some": "tried it a few times",
    "regular": "walks backwards regularly",
}
_LOCATION_TEXT: Final[dict[str, str]] = {
    "treadmill": "on a treadmill",
    "outdoor": "outdoors, on a flat track or path",
    "indoor_support": "indoors, next to a wall or rail for support",
}
_GOAL_TEXT: Final[dict[str, str]] = {
    "balance": "better balance and steadiness",
    "joints": "easier knees and joints",
    "fitness": "general fitness",
    "rehab": "rehab and recovery",
    "curiosity": "curiosity: just trying it out",
}
# Profile fields in the order the plan questions ask them, with their labels.
LABELS: Final[dict[str, str]] = {
    "experience": "Experience",
    "age": "Age",
    "conditions": "Health",
    "location": "Where",
    "goal": "Goal",
    "minutes_per_session": "Time per session",
    "days_per_week": "Days a week",
    "weight_kg": "Weight",
    "regularly_active": "Regular activity",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _weight_line(weight: float | None) -> str:
    if weight is None:
        return "not given (only used to estimate calories)"
    return f"{weight:.1f}".rstrip("0").rstrip(".") + " kg"


def _active_line(active: bool | None) -> str | None:
    if active is None:
        return None
    return "yes, regularly active" if active else "not regularly active at the moment"


def _clearance_line(profile: Profile) -> str | None:
    if profile.clinician_cleared:
        return "confirmed"
    return "not confirmed yet" if profile.conditions else None


def describe_value(field: str, value: Any) -> str | None:
    """One profile answer in plain words, or None when there is nothing to show.

    Args:
        field: A profile field name (``age``, ``days_per_week``...).
        value: Its value as stored in the profile or the dialogue slot.

    Returns:
        "45", "3 days a week", "on a treadmill", "none"; "skipped" for a skipped question.
    """
    if value is None:
        return None
    if value == SKIPPED:
        return "skipped"
    if field == "experience":
        return _EXPERIENCE_TEXT.get(str(value), str(value))
    if field == "location":
        return _LOCATION_TEXT.get(str(value), str(value))
    if field == "goal":
        return _GOAL_TEXT.get(str(value), str(value))
    if field == "conditions":
        return ", ".join(str(c) for c in value) if value else "none"
    if field == "minutes_per_session":
        return f"{_plural(int(value), 'minute')} a session"
    if field == "days_per_week":
        return f"{_plural(int(value), 'day')} a week"
    if field == "weight_kg":
        return _weight_line(float(value))
    if field == "regularly_active":
        return _active_line(bool(value))
    return str(value)


def describe_changes(values: Mapping[str, Any]) -> str:
    """Answers just given, for an acknowledgement: "age 72, 3 days a week".

    Args:
        values: Field name to new value, in the order given.
    """
    parts = []
    for field, value in values.items():
        text = describe_value(field, value)
        if text is None:
            continue
        label = LABELS.get(field, field.replace("_", " ")).lower()
        bare = field in ("minutes_per_session", "days_per_week")
        parts.append(text if bare else f"{label}: {text}")
    return ", ".join(parts)


def describe_answers(values: Mapping[str, Any]) -> str:
    """The answers given so far, before a profile is complete (after "stop", for example).

    Args:
        values: Field name to value; fields not answered yet are None or missing.

    Returns:
        A heading and one "- Label: value" line per answer; a short sentence when none.
    """
    body = [
        f"- {label}: {text}"
        for field, label in LABELS.items()
        if (text := describe_value(field, values.get(field))) is not None
    ]
    if not body:
        return "You haven't told me anything about yourself yet."
    return "\n".join(["Here's what you've told me so far:", *body])


def describe_profile(profile: Profile) -> str:
    """A friendly multi-line summary of a profile, for "show my profile".

    Args:
        profile: The walker's profile.

    Returns:
        One heading line and one "- Label: value" line per item (activity and clinician
        clearance only when known or relevant). How to change something is left to the
        caller (``action_show_profile`` adds it).
    """
    lines = [
        ("Experience", _EXPERIENCE_TEXT.get(profile.experience, str(profile.experience))),
        ("Age", str(profile.age) if profile.age is not None else "not given"),
        ("Health", ", ".join(profile.conditions) if profile.conditions else "nothing mentioned"),
        ("Where", _LOCATION_TEXT.get(profile.location, str(profile.location))),
        ("Goal", _GOAL_TEXT.get(profile.goal, str(profile.goal))),
        (
            "Time",
            f"{_plural(profile.minutes_per_session, 'minute')} a session, "
            f"{_plural(profile.days_per_week, 'day')} a week",
        ),
        ("Weight", _weight_line(profile.weight_kg)),
        ("Regular activity", _active_line(profile.regularly_active)),
        ("Clinician clearance", _clearance_line(profile)),
    ]
    body = [f"- {label}: {value}" for label, value in lines if value is not None]
    return "\n".join(["Here's what I know about you:", *body])
