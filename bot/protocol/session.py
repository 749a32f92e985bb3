"""The ``retrowalk_session`` payload: one session to walk, as the bot sends it.

On the wire (``custom`` of a bot message; every key always sent by the bot)::

    {"type": "retrowalk_session", "starter": false, "week": 2, "day": 3, "sessions": 3,
     "plan_weeks": 8, "template": "B", "technique_focus": "Stand tall, eyes up.",
     "treadmill": {"speed_mph": 1.0, "incline_pct": 0} | null,
     "segments": [{"kind": "warmup", "minutes": 5, "cue": "...", "steps": null}, ...],
     "backward_minutes": 5, "total_minutes": 23}

``week`` and the segments are required when reading; ``day``, ``sessions``, ``plan_weeks``,
``starter``, ``backward_minutes`` and ``total_minutes`` may be absent (a session kept by an
older client), and the two totals, when present, must equal the segments' sums.
:class:`SessionPayload` is built from the bot's plan by :mod:`bot.protocol.plan_sessions`
and read by every client (the voice coach's :class:`voice.session.WalkSession`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.plan import week
from bot.plan.week import SEGMENT_KINDS
from bot.protocol import SESSION_TYPE
from bot.protocol.fields import (
    PayloadError,
    expect_object,
    expect_type,
    flag,
    number,
    optional_whole,
    text,
    whole,
)

PAYLOAD = "session"
# Segment kinds in which the walker moves backward (supported steps: holding a counter).
BACKWARD_KINDS = frozenset({"backward", "supported_steps"})
MAX_SEGMENT_MINUTES = 180.0
MAX_SESSION_MINUTES = 240.0
MAX_SEGMENTS = 200
MAX_SPEED_MPH = 10.0
MAX_INCLINE_PCT = 30.0
_SUM_TOLERANCE = 0.01


def _bad(field: str, problem: str, value: Any) -> PayloadError:
    return PayloadError(PAYLOAD, field, problem, value)


@dataclass(frozen=True)
class Segment:
    """One part of the session, as the plan gives it.

    Attributes:
        kind: warmup, backward, forward, supported_steps or cooldown
            (:data:`bot.plan.week.SEGMENT_KINDS`).
        minutes: Minutes allotted.
        cue: The plan's instruction for it.
        steps: Backward steps, for step-counted segments.
    """

    kind: str
    minutes: float
    cue: str
    steps: int | None = None

    @property
    def seconds(self) -> float:
        """Length in seconds."""
        return self.minutes * 60.0

    def to_payload(self) -> dict[str, Any]:
        """The segment as JSON."""
        return {"kind": self.kind, "minutes": self.minutes, "cue": self.cue, "steps": self.steps}

    @classmethod
    def from_payload(cls, raw: Any, field: str = "segment") -> Segment:
        """Read one segment; ``field`` is its path in error messages (``segments[1]``).

        Raises:
            PayloadError: If it is malformed.
        """
        data = expect_object(PAYLOAD, raw, field)
        kind = data.get("kind")
        if kind not in SEGMENT_KINDS:
            raise _bad(f"{field}.kind", f"must be one of {', '.join(SEGMENT_KINDS)}", kind)
        minutes = number(
            PAYLOAD,
            data.get("minutes"),
            f"{field}.minutes",
            0.0,
            MAX_SEGMENT_MINUTES,
            low_open=True,
        )
        steps = data.get("steps")
        if steps is not None and (
            isinstance(steps, bool) or not isinstance(steps, int) or steps < 0
        ):
            raise _bad(f"{field}.steps", "must be a whole number or null", steps)
        return cls(str(kind), minutes, text(PAYLOAD, data.get("cue", ""), f"{field}.cue"), steps)


@dataclass(frozen=True)
class Treadmill:
    """Treadmill setting for the backward bouts."""

    speed_mph: float
    incline_pct: float

    def to_payload(self) -> dict[str, Any]:
        """The setting as JSON."""
        return {"speed_mph": self.speed_mph, "incline_pct": self.incline_pct}

    @classmethod
    def from_payload(cls, raw: Any) -> Treadmill | None:
        """Read the ``treadmill`` field (None off a treadmill).

        Raises:
            PayloadError: If it is malformed.
        """
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            raise _bad("treadmill", "must be an object or null", raw)
        return cls(
            speed_mph=number(
                PAYLOAD,
                raw.get("speed_mph"),
                "treadmill.speed_mph",
                0.0,
                MAX_SPEED_MPH,
                low_open=True,
            ),
            incline_pct=number(
                PAYLOAD,
                raw.get("incline_pct", 0.0),
                "treadmill.incline_pct",
                0.0,
                MAX_INCLINE_PCT,
                low_open=False,
            ),
        )


@dataclass(frozen=True)
class SessionPayload:
    """A ``retrowalk_session`` payload.

    Attributes:
        week: Plan week, from 1 (1 for the starter session).
        day: Session number within the week, from 1; None for the starter session.
        segments: The parts in order.
        technique_focus: The week's technique cue, in the plan's words.
        treadmill: Treadmill setting, or None off a treadmill.
        starter: The bot's starter session for someone with no plan yet.
        sessions: Sessions planned per week, when known.
        plan_weeks: Number of weeks in the plan, when known.
        template: The plan template's name, when known.
    """

    week: int
    day: int | None
    segments: tuple[Segment, ...]
    technique_focus: str = ""
    treadmill: Treadmill | None = None
    starter: bool = False
    sessions: int | None = None
    plan_weeks: int | None = None
    template: str = ""

    @property
    def backward_minutes(self) -> float:
        """Minutes of free backward walking, as the plan counts them."""
        return week.backward_minutes(self.segments)

    @property
    def total_minutes(self) -> float:
        """Minutes of the whole session, warm-up and cool-down included."""
        return week.total_minutes(self.segments)

    def to_payload(self) -> dict[str, Any]:
        """The payload as the bot sends it (every key, in the wire order)."""
        return {
            "type": SESSION_TYPE,
            "starter": self.starter,
            "week": self.week,
            "day": self.day,
            "sessions": self.sessions,
            "plan_weeks": self.plan_weeks,
            "template": self.template,
            "technique_focus": self.technique_focus,
            "treadmill": self.treadmill.to_payload() if self.treadmill else None,
            "segments": [s.to_payload() for s in self.segments],
            "backward_minutes": self.backward_minutes,
            "total_minutes": self.total_minutes,
        }

    @classmethod
    def from_payload(cls, payload: Any) -> SessionPayload:
        """Read a ``retrowalk_session`` payload as decoded from JSON.

        Raises:
            PayloadError: If it is malformed; the message names the bad field.
        """
        data = expect_object(PAYLOAD, payload)
        expect_type(PAYLOAD, data, SESSION_TYPE)
        raw_segments = data.get("segments")
        if not isinstance(raw_segments, list) or not raw_segments:
            raise _bad("segments", "must be a non-empty list", raw_segments)
        if len(raw_segments) > MAX_SEGMENTS:
            raise _bad("segments", f"must have at most {MAX_SEGMENTS} items", len(raw_segments))
        segments = tuple(
            Segment.from_payload(raw, f"segments[{i}]") for i, raw in enumerate(raw_segments)
        )
        total = sum(s.minutes for s in segments)
        if total > MAX_SESSION_MINUTES:
            raise _bad("segments", f"must add up to at most {MAX_SESSION_MINUTES:g} minutes", total)
        for name, wanted in (
            ("total_minutes", total),
            ("backward_minutes", sum(s.minutes for s in segments if s.kind == "backward")),
        ):
            stated = data.get(name)
            if stated is None:
                continue
            low_open = name == "total_minutes"
            value = number(PAYLOAD, stated, name, 0.0, MAX_SESSION_MINUTES, low_open=low_open)
            if abs(value - wanted) > _SUM_TOLERANCE:
                raise _bad(name, f"must equal the segments' sum ({wanted:g})", stated)
        week = whole(PAYLOAD, data.get("week"), "week")
        plan_weeks = optional_whole(PAYLOAD, data.get("plan_weeks"), "plan_weeks")
        if plan_weeks is not None and week > plan_weeks:
            raise _bad("week", f"must be within the plan's {plan_weeks} weeks", week)
        sessions = optional_whole(PAYLOAD, data.get("sessions"), "sessions")
        day = optional_whole(PAYLOAD, data.get("day"), "day")
        if day is not None and sessions is not None and day > sessions:
            raise _bad("day", f"must be within the week's {sessions} sessions", day)
        return cls(
            week=week,
            day=day,
            segments=segments,
            technique_focus=text(PAYLOAD, data.get("technique_focus", ""), "technique_focus"),
            treadmill=Treadmill.from_payload(data.get("treadmill")),
            starter=flag(PAYLOAD, data.get("starter", False), "starter"),
            sessions=sessions,
            plan_weeks=plan_weeks,
            template=text(PAYLOAD, data.get("template", ""), "template"),
        )
