"""The session the voice coach walks: the bot's session laid out on a timeline of phases.

The session comes from the bot: the ``retrowalk_session`` payload of
``action_todays_session`` (read by :mod:`bot.protocol.session`), which is the starter session
for someone with no plan yet. Offline the coach walks the last session the bot gave it
(:mod:`voice.last_session`), or, when it never had one, the bot's own starter session
(:meth:`WalkSession.starter`, taken from :mod:`bot.protocol.plan_sessions`), so the voice
coach never invents a workout of its own and imports nothing from the plan generator.

What is said when lives elsewhere: the cue placement in :mod:`voice.cue_scheduler`, the wording
in :mod:`voice.spoken_texts`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from bot.protocol import plan_sessions
from bot.protocol.session import (
    BACKWARD_KINDS,
    SEGMENT_KINDS,
    Segment,
    SessionPayload,
    Treadmill,
)

SessionSource = Literal["plan", "starter", "week_day"]
SESSION_SOURCES: tuple[SessionSource, ...] = get_args(SessionSource)

_PHASE_NAMES = {
    "warmup": "Warm-up",
    "backward": "Backward",
    "forward": "Forward",
    "supported_steps": "Supported steps",
    "cooldown": "Cool-down",
}
FINISHED_PHASE = "Finished"


@dataclass(frozen=True)
class Phase:
    """A segment placed on the timeline.

    Attributes:
        index: Position in the session, from 0.
        kind: The segment kind.
        label: Shown on the status line, e.g. ``"Backward 2/3"``.
        start_s: Start, seconds from the beginning.
        end_s: End, seconds from the beginning.
        cue: The plan's instruction for it.
    """

    index: int
    kind: str
    label: str
    start_s: float
    end_s: float
    cue: str

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.end_s - self.start_s

    @property
    def backward(self) -> bool:
        """Whether the walker moves backward in this phase."""
        return self.kind in BACKWARD_KINDS


@dataclass(frozen=True)
class WalkSession:
    """The session to walk.

    Attributes:
        week: Plan week, from 1 (1 for the starter session of a user without a plan).
        day: Session number within the week, from 1, when known.
        segments: The parts in order.
        technique_focus: The week's technique cue, in the plan's words.
        treadmill: Treadmill setting, or None off a treadmill.
        source: ``plan`` (today's session), ``week_day`` (asked for by week and day) or
            ``starter`` (the bot's starter session for someone with no plan yet).
        plan_weeks: Number of weeks in the plan, when known.
        sessions_per_week: Sessions planned per week, when known.
        template: The plan template's name, when known.
    """

    week: int
    day: int | None
    segments: tuple[Segment, ...]
    technique_focus: str
    treadmill: Treadmill | None
    source: str
    plan_weeks: int | None = None
    sessions_per_week: int | None = None
    template: str = ""
    _phases: tuple[Phase, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Check the fields and lay the segments out on the timeline."""
        if self.source not in SESSION_SOURCES:
            raise ValueError(f"source must be one of {SESSION_SOURCES}, not {self.source!r}")
        if not self.segments:
            raise ValueError("a session needs at least one segment")
        for segment in self.segments:
            if segment.kind not in SEGMENT_KINDS:
                raise ValueError(f"unknown segment kind {segment.kind!r}")
            if not (math.isfinite(segment.minutes) and segment.minutes > 0):
                raise ValueError(f"segment minutes must be positive, got {segment.minutes!r}")
        object.__setattr__(self, "_phases", _lay_out(self.segments))

    # -- construction -----------------------------------------------------------------

    @classmethod
    def from_protocol(cls, payload: SessionPayload, source: str) -> WalkSession:
        """The session the bot sent (:class:`bot.protocol.session.SessionPayload`).

        Args:
            payload: The session as read from the bot's payload.
            source: ``plan``, ``week_day`` or ``starter``.

        Raises:
            ValueError: If ``source`` is not one of :data:`SESSION_SOURCES`.
        """
        return cls(
            week=payload.week,
            day=payload.day,
            segments=payload.segments,
            technique_focus=payload.technique_focus,
            treadmill=payload.treadmill,
            source=source,
            plan_weeks=payload.plan_weeks,
            sessions_per_week=payload.sessions,
            template=payload.template,
        )

    @classmethod
    def from_payload(cls, payload: Any, source: str = "plan") -> WalkSession:
        """Read the bot's ``retrowalk_session`` payload (:mod:`bot.protocol.session`).

        Args:
            payload: The ``custom`` message as decoded from JSON.
            source: ``plan``, ``week_day`` or ``starter``.

        Returns:
            The session.

        Raises:
            ValueError: If ``source`` is unknown, or the payload is malformed
                (:class:`bot.protocol.fields.PayloadError`, naming the bad field).
        """
        if source not in SESSION_SOURCES:
            raise ValueError(f"a bot payload's source is one of {SESSION_SOURCES}, not {source!r}")
        return cls.from_protocol(SessionPayload.from_payload(payload), source)

    @classmethod
    def starter(cls) -> WalkSession:
        """The bot's starter session (:func:`bot.protocol.plan_sessions.starter_session`), for
        a walk offline when the bot never gave this device a session: a warm-up, rounds of
        supported backward steps at a counter or wall, and a cool-down."""
        return cls.from_protocol(plan_sessions.starter_session(), source="starter")

    def to_protocol(self) -> SessionPayload:
        """The session as the protocol's :class:`~bot.protocol.session.SessionPayload`."""
        return SessionPayload(
            week=self.week,
            day=self.day,
            segments=self.segments,
            technique_focus=self.technique_focus,
            treadmill=self.treadmill,
            starter=self.source == "starter",
            sessions=self.sessions_per_week,
            plan_weeks=self.plan_weeks,
            template=self.template,
        )

    def to_payload(self) -> dict[str, Any]:
        """The session as a ``retrowalk_session`` payload (what :meth:`from_payload` reads;
        the voice coach keeps the last one to walk offline)."""
        return self.to_protocol().to_payload()

    # -- timeline ---------------------------------------------------------------------

    @property
    def total_s(self) -> float:
        """Length of the whole session in seconds."""
        return self._phases[-1].end_s

    @property
    def backward_s(self) -> float:
        """Seconds of backward walking planned (supported steps included)."""
        return sum(p.duration_s for p in self._phases if p.backward)

    def phases(self) -> list[Phase]:
        """The segments on the timeline, in order."""
        return list(self._phases)

    def phase_at(self, t: float) -> Phase | None:
        """The phase under way at ``t`` seconds (None at or after the end)."""
        for phase in self._phases:
            if phase.start_s <= t < phase.end_s:
                return phase
        return None

    def next_phase_start(self, t: float) -> float:
        """Start of the first phase that begins after ``t`` (the end if none)."""
        return next((p.start_s for p in self._phases if p.start_s > t), self.total_s)

    def backward_seconds_within(self, spans: Sequence[tuple[float, float]]) -> float:
        """Seconds of backward phases covered by ``spans`` (``(start, end)`` pairs)."""
        total = 0.0
        for start, end in spans:
            for phase in self._phases:
                if phase.backward:
                    total += max(0.0, min(end, phase.end_s) - max(start, phase.start_s))
        return total

    def label_at(self, t: float) -> str:
        """Phase label at ``t``, or ``"Finished"`` at the end."""
        phase = self.phase_at(t)
        return phase.label if phase else FINISHED_PHASE


def _lay_out(segments: Sequence[Segment]) -> tuple[Phase, ...]:
    counts: dict[str, int] = {}
    for segment in segments:
        counts[segment.kind] = counts.get(segment.kind, 0) + 1
    seen: dict[str, int] = {}
    phases = []
    start = 0.0
    for index, segment in enumerate(segments):
        seen[segment.kind] = seen.get(segment.kind, 0) + 1
        label = _PHASE_NAMES[segment.kind]
        if counts[segment.kind] > 1:
            label += f" {seen[segment.kind]}/{counts[segment.kind]}"
        end = start + segment.seconds
        phases.append(Phase(index, segment.kind, label, start, end, segment.cue))
        start = end
    return tuple(phases)
