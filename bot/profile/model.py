"""The walker's profile: what the coach knows about a user. Plain Python, no Rasa import."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

Experience = Literal["none", "some", "regular"]
Location = Literal["treadmill", "outdoor", "indoor_support"]
Goal = Literal["balance", "joints", "fitness", "rehab", "curiosity"]

EXPERIENCES: tuple[Experience, ...] = ("none", "some", "regular")
LOCATIONS: tuple[Location, ...] = ("treadmill", "outdoor", "indoor_support")
GOALS: tuple[Goal, ...] = ("balance", "joints", "fitness", "rehab", "curiosity")

# Plausible ranges; values outside them are asked again, never used.
AGE_RANGE = (5, 110)
WEIGHT_KG_RANGE = (25.0, 300.0)
MINUTES_RANGE = (5, 120)
DAYS_RANGE = (1, 7)


@dataclass(frozen=True)
class Profile:
    """A walker's answers to the profile questions.

    Attributes:
        experience: Retro-walking experience: none, some, or regular.
        age: Age in years, if given.
        conditions: Injuries and health conditions (canonical values or free text).
        location: Where they will walk: treadmill, outdoor track/path, or indoors with support.
        goal: Main goal.
        minutes_per_session: Minutes available per session (whole session).
        days_per_week: Days per week available.
        weight_kg: Body weight, optional (calories only).
        regularly_active: Whether they are used to regular activity (None: not asked).
        clinician_cleared: They confirmed a clinician cleared them for this activity.
    """

    experience: Experience = "none"
    age: int | None = None
    conditions: tuple[str, ...] = ()
    location: Location = "outdoor"
    goal: Goal = "curiosity"
    minutes_per_session: int = 20
    days_per_week: int = 3
    weight_kg: float | None = None
    regularly_active: bool | None = None
    clinician_cleared: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["conditions"] = list(self.conditions)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Rebuild a profile from :meth:`to_dict` output (unknown keys are ignored)."""
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["conditions"] = tuple(values.get("conditions") or ())
        return cls(**values)


CAUTIOUS_PROFILE: Final = Profile(
    experience="none",
    location="indoor_support",
    goal="curiosity",
    minutes_per_session=20,
    days_per_week=3,
)
"""The coach's one cautious default: what it assumes for any profile answer it does not have
(skipped, missing) and the profile of the starter session. New to it, indoors with a counter
or wall to hold, curious, 20 minutes, 3 days a week; no age, no conditions."""

STARTER_SESSION_MINUTES: Final = 10
"""The starter session (no plan yet) is this long: the cautious default, kept short."""


@dataclass(frozen=True)
class WalkLog:
    """One logged walk.

    Attributes:
        day: ISO date (YYYY-MM-DD) of the walk.
        backward_minutes: Minutes of backward walking done.
        feel: How it felt: easy, ok or hard.
        rpe: Rating of perceived exertion on the Borg 6-20 scale, if given.
        pain: Whether there was pain.
        note: Free text (e.g. where the pain was).
        completed: Whether the planned session was completed.
        plan_week: The plan week the walk belonged to, if known.
    """

    day: str
    backward_minutes: float
    feel: Literal["easy", "ok", "hard"] = "ok"
    rpe: int | None = None
    pain: bool = False
    note: str = ""
    completed: bool = True
    plan_week: int | None = None
