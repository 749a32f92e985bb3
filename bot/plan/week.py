"""One week of a plan: its session's segments, the treadmill setting, what changed.

The plain data of a week (no rules, no text): :class:`Segment`, :class:`Session`,
:class:`TreadmillSetting` and :class:`Week`, with the segment and progression kinds they use.
The whole plan is :class:`bot.plan.model.Plan`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.nlp.units import KMH_PER_MPH

SegmentKind = Literal["warmup", "backward", "forward", "supported_steps", "cooldown"]
ProgressionKind = Literal["start", "duration", "speed", "incline", "hold", "consolidate"]

SEGMENT_KINDS: tuple[SegmentKind, ...] = (
    "warmup",
    "backward",
    "forward",
    "supported_steps",
    "cooldown",
)
PROGRESSIONS: tuple[ProgressionKind, ...] = (
    "start",
    "duration",
    "speed",
    "incline",
    "hold",
    "consolidate",
)


@dataclass(frozen=True)
class Segment:
    """One part of a session.

    Attributes:
        kind: warmup, backward, forward (recovery), supported_steps or cooldown.
        minutes: Minutes allotted.
        cue: What to do, in plain words.
        steps: Backward steps in the segment, for step-counted segments.
    """

    kind: SegmentKind
    minutes: float
    cue: str
    steps: int | None = None


class _Timed(Protocol):
    """A segment as the plan or the session payload holds it."""

    @property
    def kind(self) -> str: ...

    @property
    def minutes(self) -> float: ...


def backward_minutes(segments: Iterable[_Timed]) -> float:
    """Minutes of free backward walking (supported steps are counted separately)."""
    return sum(s.minutes for s in segments if s.kind == "backward")


def total_minutes(segments: Iterable[_Timed]) -> float:
    """Minutes of the whole session, warm-up and cool-down included."""
    return sum(s.minutes for s in segments)


@dataclass(frozen=True)
class Session:
    """One session: its segments in order."""

    segments: tuple[Segment, ...]

    @property
    def backward_minutes(self) -> float:
        """Minutes of free backward walking (:func:`backward_minutes`)."""
        return backward_minutes(self.segments)

    @property
    def total_minutes(self) -> float:
        """Minutes of the whole session (:func:`total_minutes`)."""
        return total_minutes(self.segments)

    @property
    def supported_steps(self) -> int:
        """Backward steps taken holding a counter or wall."""
        return sum(s.steps or 0 for s in self.segments if s.kind == "supported_steps")


@dataclass(frozen=True)
class TreadmillSetting:
    """Treadmill speed and incline for the backward bouts."""

    speed_mph: float
    incline_pct: float

    @property
    def speed_kmh(self) -> float:
        """The speed in km/h."""
        return self.speed_mph * KMH_PER_MPH


@dataclass(frozen=True)
class Week:
    """One week of a plan.

    Attributes:
        number: Week number, from 1.
        sessions: Sessions this week.
        session: What each session looks like.
        technique_focus: The technique cue to practise this week (§4).
        treadmill: Treadmill setting, or None when not on a treadmill.
        progression: What changed from the week before.
        notes: Safety and progression notes for this week.
    """

    number: int
    sessions: int
    session: Session
    technique_focus: str
    treadmill: TreadmillSetting | None
    progression: ProgressionKind
    notes: tuple[str, ...] = ()
