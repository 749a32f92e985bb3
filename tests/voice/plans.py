"""Real plans and the bot's session payloads for them, for the session and cue tests."""

from __future__ import annotations

from typing import Any

from bot.plan.generate import generate_plan
from bot.plan.model import Plan
from bot.profile.model import Profile
from bot.protocol.plan_sessions import plan_session

OUTDOOR = Profile(
    experience="none", age=45, location="outdoor", goal="fitness", minutes_per_session=30
)
TREADMILL = Profile(
    experience="some", age=30, location="treadmill", goal="fitness", minutes_per_session=40
)
KNEE = Profile(experience="none", age=55, conditions=("knee osteoarthritis",), goal="joints")
OLDER = Profile(experience="none", age=72, location="indoor_support", minutes_per_session=25)
PROFILES = (OUTDOOR, TREADMILL, KNEE, OLDER)
PROFILE_IDS = ("outdoor", "treadmill", "knee", "older")


def plan_for(profile: Profile) -> Plan:
    """The bot's 8-week plan for ``profile``."""
    return generate_plan(profile, weeks=8)


def payload(profile: Profile, week: int = 1, day: int | None = 1) -> dict[str, Any]:
    """The ``retrowalk_session`` payload the bot sends for a week of ``profile``'s plan."""
    return plan_session(plan_for(profile), week, day).to_payload()


def segment(kind: str, minutes: float, cue: str = "Go.") -> dict[str, Any]:
    """One segment of a hand-made session payload."""
    return {"kind": kind, "minutes": minutes, "cue": cue, "steps": None}


def hand_made(*segments: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A hand-made ``retrowalk_session`` payload (week 1) with ``segments``."""
    return {
        "type": "retrowalk_session",
        "week": 1,
        "technique_focus": "Stand tall, eyes up.",
        "treadmill": None,
        "segments": list(segments),
        **extra,
    }
