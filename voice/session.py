"""A guided walk: the session to walk and the spoken cues placed on its timeline.

The session comes from the bot: the ``retrowalk_session`` payload of
``action_todays_session``, which is the starter session for someone with no plan yet.
Offline the coach walks the last session the bot gave it, or, when it never had one, the
bot's own starter session (:func:`starter_session`, the same ``bot/`` function), so the voice
coach never invents a workout of its own. Cue
texts repeat what the plan says (its segment cues and technique focus, which trace to the
fact sheet) plus plain timing words ("Halfway.", "One minute left.").

Cue placement (:func:`build_cues`):

* Anchored cues sit exactly on segment boundaries and never move: the first segment's cue
  at 0 s (with a short introduction: week, day, minutes, treadmill setting), ``turn_around``
  at the start of every backward bout (and every supported-steps round), ``interval``
  ("switch to forward") at every forward recovery segment, ``cooldown`` at the cool-down and
  ``finish`` (with a summary) at the end. A boundary closer to the previous anchored cue
  than that cue's speaking time (see below) is merged into it: its text is appended and the
  earlier cue's time and kind are kept. Plan sessions never need this (segments last at
  least a minute); it only happens for hand-made sessions with very short segments.
* Flexible cues are placed after the anchors, in priority order: ``halfway`` at
  ``total / 2``, ``one_minute_left`` at ``total - 60`` (only when the session is longer
  than two minutes), then ``technique`` cues during long backward bouts. A flexible cue
  that would overlap another cue is shifted to the nearest free time within
  ``max_shift_s`` (later wins a tie) and inside the session; a ``halfway`` or
  ``one_minute_left`` that finds no such time is merged into the nearest cue's text, and
  a technique cue that finds none is dropped (it is optional).
* Two cues overlap when the later one starts before the earlier one has been spoken: a
  cue is taken to occupy ``max(min_gap_s, words / words_per_s)`` seconds from its time.

The ``start`` kind is kept for the lead's coach (e.g. an introduction spoken before the walk
clock starts); :func:`build_cues` folds the introduction into the first cue at 0 s.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from bot.env import env_float
from bot.plan.generate import starter_plan
from bot.plan.model import Plan
from bot.plan.week import SEGMENT_KINDS, Week
from bot.protocol import SESSION_TYPE

CueKind = Literal[
    "start",
    "warmup",
    "turn_around",
    "technique",
    "interval",
    "halfway",
    "one_minute_left",
    "cooldown",
    "finish",
]
CUE_KINDS: tuple[CueKind, ...] = get_args(CueKind)
SessionSource = Literal["plan", "starter", "week_day"]
SESSION_SOURCES: tuple[SessionSource, ...] = get_args(SessionSource)

# Segment kinds in which the walker moves backward (supported steps: holding a counter).
BACKWARD_KINDS = frozenset({"backward", "supported_steps"})
MAX_SEGMENT_MINUTES = 180.0
MAX_SESSION_MINUTES = 240.0
MAX_SEGMENTS = 200
MAX_SPEED_MPH = 10.0
MAX_INCLINE_PCT = 30.0

_PHASE_NAMES = {
    "warmup": "Warm-up",
    "backward": "Backward",
    "forward": "Forward",
    "supported_steps": "Supported steps",
    "cooldown": "Cool-down",
}
FINISHED_PHASE = "Finished"


@dataclass(frozen=True)
class CueSettings:
    """How cues are spaced and how often technique cues come.

    Attributes:
        min_gap_s: The least time a cue is taken to occupy, however short its text. Env
            ``RETROWALK_CUE_MIN_GAP_S``, default 4.
        words_per_s: Speaking rate used to estimate how long a cue takes to say. Env
            ``RETROWALK_CUE_WORDS_PER_S``, default 2.5 (150 words a minute).
        max_shift_s: Furthest a halfway, one-minute or technique cue may move from its time
            to avoid another cue. Env ``RETROWALK_CUE_MAX_SHIFT_S``, default 30.
        technique_min_bout_s: Backward bouts at least this long get technique cues. Env
            ``RETROWALK_TECHNIQUE_MIN_BOUT_S``, default 120.
        technique_first_s: First technique cue this long into a bout. Env
            ``RETROWALK_TECHNIQUE_FIRST_S``, default 60.
        technique_every_s: Then one every this many seconds. Env
            ``RETROWALK_TECHNIQUE_EVERY_S``, default 90.
        technique_end_margin_s: No technique cue closer than this to the bout's end. Env
            ``RETROWALK_TECHNIQUE_END_MARGIN_S``, default 30.
    """

    min_gap_s: float = 4.0
    words_per_s: float = 2.5
    max_shift_s: float = 30.0
    technique_min_bout_s: float = 120.0
    technique_first_s: float = 60.0
    technique_every_s: float = 90.0
    technique_end_margin_s: float = 30.0

    def __post_init__(self) -> None:
        """Reject settings that cannot space cues."""
        if self.words_per_s <= 0 or self.technique_every_s <= 0:
            raise ValueError("words_per_s and technique_every_s must be positive")
        if min(self.min_gap_s, self.max_shift_s, self.technique_first_s) < 0:
            raise ValueError("cue gaps and shifts must not be negative")

    @classmethod
    def from_env(cls) -> CueSettings:
        """Settings from ``RETROWALK_CUE_*`` / ``RETROWALK_TECHNIQUE_*`` (defaults above)."""
        d = cls()
        return cls(
            min_gap_s=env_float("RETROWALK_CUE_MIN_GAP_S", d.min_gap_s),
            words_per_s=env_float("RETROWALK_CUE_WORDS_PER_S", d.words_per_s, minimum=0.1),
            max_shift_s=env_float("RETROWALK_CUE_MAX_SHIFT_S", d.max_shift_s),
            technique_min_bout_s=env_float(
                "RETROWALK_TECHNIQUE_MIN_BOUT_S", d.technique_min_bout_s
            ),
            technique_first_s=env_float("RETROWALK_TECHNIQUE_FIRST_S", d.technique_first_s),
            technique_every_s=env_float(
                "RETROWALK_TECHNIQUE_EVERY_S", d.technique_every_s, minimum=1.0
            ),
            technique_end_margin_s=env_float(
                "RETROWALK_TECHNIQUE_END_MARGIN_S", d.technique_end_margin_s
            ),
        )

    def speaking_time(self, text: str) -> float:
        """Seconds a cue with ``text`` is taken to occupy."""
        return max(self.min_gap_s, len(text.split()) / self.words_per_s)


@dataclass(frozen=True)
class Cue:
    """One spoken cue on the walk's timeline.

    Attributes:
        at_s: When to say it, in seconds of walk time from the start.
        kind: One of :data:`CUE_KINDS`.
        text: What to say.
        phase: Label of the phase it falls in (e.g. ``"Backward 2/5"``).
    """

    at_s: float
    kind: str
    text: str
    phase: str


@dataclass(frozen=True)
class SessionSegment:
    """One part of the session, as the plan gives it.

    Attributes:
        kind: warmup, backward, forward, supported_steps or cooldown.
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


@dataclass(frozen=True)
class Treadmill:
    """Treadmill setting for the backward bouts."""

    speed_mph: float
    incline_pct: float


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
        week: Plan week, from 1 (None for the starter session of a user without a plan).
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

    week: int | None
    day: int | None
    segments: tuple[SessionSegment, ...]
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
    def from_payload(cls, payload: Any, source: str = "plan") -> WalkSession:
        """Read the bot's ``retrowalk_session`` payload (``actions.plan.session_payload``).

        Args:
            payload: The ``custom`` message as decoded from JSON.
            source: ``plan``, ``week_day`` or ``starter``.

        Returns:
            The session.

        Raises:
            ValueError: If the payload is malformed; the message names the bad field.
        """
        return _parse_payload(payload, source)

    def to_payload(self) -> dict[str, Any]:
        """The session as a ``retrowalk_session`` payload (what :meth:`from_payload` reads;
        the voice coach keeps the last one to walk offline)."""
        return {
            "type": SESSION_TYPE,
            "starter": self.source == "starter",
            "week": self.week,
            "day": self.day,
            "sessions": self.sessions_per_week,
            "plan_weeks": self.plan_weeks,
            "template": self.template,
            "technique_focus": self.technique_focus,
            "treadmill": (
                {"speed_mph": self.treadmill.speed_mph, "incline_pct": self.treadmill.incline_pct}
                if self.treadmill
                else None
            ),
            "segments": [
                {"kind": s.kind, "minutes": s.minutes, "cue": s.cue, "steps": s.steps}
                for s in self.segments
            ],
            "total_minutes": sum(s.minutes for s in self.segments),
        }

    @classmethod
    def from_week(cls, plan: Plan, week: Week, source: str, day: int | None = 1) -> WalkSession:
        """The session of one plan week, straight from the bot's plan objects."""
        return cls(
            week=week.number,
            day=day,
            segments=tuple(
                SessionSegment(s.kind, float(s.minutes), s.cue, s.steps)
                for s in week.session.segments
            ),
            technique_focus=week.technique_focus,
            treadmill=(
                Treadmill(week.treadmill.speed_mph, week.treadmill.incline_pct)
                if week.treadmill
                else None
            ),
            source=source,
            plan_weeks=len(plan.weeks),
            sessions_per_week=week.sessions,
            template=plan.template,
        )

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


def _lay_out(segments: Sequence[SessionSegment]) -> tuple[Phase, ...]:
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


# ---------------------------------------------------------------------------------------------
# Payload parsing


def _bad(field_name: str, problem: str, value: Any) -> ValueError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return ValueError(f"Malformed session payload: {field_name} {problem}, got {shown}")


def _number(value: Any, field_name: str, low: float, high: float, *, low_open: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(field_name, "must be a number", value)
    number = float(value)
    too_low = number <= low if low_open else number < low
    if not math.isfinite(number) or too_low or number > high:
        bound = f"above {low:g}" if low_open else f"at least {low:g}"
        raise _bad(field_name, f"must be {bound} and at most {high:g}", value)
    return number


def _whole(value: Any, field_name: str, *, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _bad(field_name, "must be a whole number from 1", value)
    return value


def _text(value: Any, field_name: str) -> str:
    if not isinstance(value, str):
        raise _bad(field_name, "must be text", value)
    return value.strip()


def _parse_segment(index: int, raw: Any) -> SessionSegment:
    name = f"segments[{index}]"
    if not isinstance(raw, Mapping):
        raise _bad(name, "must be an object", raw)
    kind = raw.get("kind")
    if kind not in SEGMENT_KINDS:
        raise _bad(f"{name}.kind", f"must be one of {', '.join(SEGMENT_KINDS)}", kind)
    minutes = _number(
        raw.get("minutes"), f"{name}.minutes", 0.0, MAX_SEGMENT_MINUTES, low_open=True
    )
    steps_raw = raw.get("steps")
    steps = None
    if steps_raw is not None:
        if isinstance(steps_raw, bool) or not isinstance(steps_raw, int) or steps_raw < 0:
            raise _bad(f"{name}.steps", "must be a whole number or null", steps_raw)
        steps = steps_raw
    return SessionSegment(str(kind), minutes, _text(raw.get("cue", ""), f"{name}.cue"), steps)


def _parse_treadmill(raw: Any) -> Treadmill | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _bad("treadmill", "must be an object or null", raw)
    return Treadmill(
        speed_mph=_number(
            raw.get("speed_mph"), "treadmill.speed_mph", 0.0, MAX_SPEED_MPH, low_open=True
        ),
        incline_pct=_number(
            raw.get("incline_pct", 0.0),
            "treadmill.incline_pct",
            0.0,
            MAX_INCLINE_PCT,
            low_open=False,
        ),
    )


def _parse_payload(payload: Any, source: str) -> WalkSession:
    if source not in SESSION_SOURCES:
        raise ValueError(f"a bot payload's source is one of {SESSION_SOURCES}, not {source!r}")
    if not isinstance(payload, Mapping):
        raise _bad("payload", "must be an object", payload)
    if payload.get("type") != SESSION_TYPE:
        raise _bad("type", f"must be {SESSION_TYPE!r}", payload.get("type"))
    raw_segments = payload.get("segments")
    if not isinstance(raw_segments, list) or not raw_segments:
        raise _bad("segments", "must be a non-empty list", raw_segments)
    if len(raw_segments) > MAX_SEGMENTS:
        raise _bad("segments", f"must have at most {MAX_SEGMENTS} items", len(raw_segments))
    segments = tuple(_parse_segment(i, s) for i, s in enumerate(raw_segments))
    total = sum(s.minutes for s in segments)
    if total > MAX_SESSION_MINUTES:
        raise _bad("segments", f"must add up to at most {MAX_SESSION_MINUTES:g} minutes", total)
    stated = payload.get("total_minutes")
    if stated is not None:
        stated_total = _number(stated, "total_minutes", 0.0, MAX_SESSION_MINUTES, low_open=True)
        if abs(stated_total - total) > 0.01:
            raise _bad("total_minutes", f"must equal the segments' sum ({total:g})", stated)
    week = _whole(payload.get("week"), "week", optional=False)
    plan_weeks = _whole(payload.get("plan_weeks"), "plan_weeks", optional=True)
    if week is not None and plan_weeks is not None and week > plan_weeks:
        raise _bad("week", f"must be within the plan's {plan_weeks} weeks", week)
    sessions = _whole(payload.get("sessions"), "sessions", optional=True)
    day = _whole(payload.get("day"), "day", optional=True)
    if day is not None and sessions is not None and day > sessions:
        raise _bad("day", f"must be within the week's {sessions} sessions", day)
    return WalkSession(
        week=week,
        day=day,
        segments=segments,
        technique_focus=_text(payload.get("technique_focus", ""), "technique_focus"),
        treadmill=_parse_treadmill(payload.get("treadmill")),
        source=source,
        plan_weeks=plan_weeks,
        sessions_per_week=sessions,
        template=_text(payload.get("template", ""), "template"),
    )


# ---------------------------------------------------------------------------------------------
# The starter session


def starter_session() -> WalkSession:
    """The bot's starter session (:func:`bot.plan.generate.starter_plan`), for a walk offline
    when the bot never gave this device a session: a warm-up, rounds of supported backward
    steps at a counter or wall, and a cool-down."""
    plan = starter_plan()
    return WalkSession.from_week(plan, plan.weeks[0], source="starter", day=None)


# ---------------------------------------------------------------------------------------------
# Spoken text


def spoken_duration(seconds: float) -> str:
    """``90`` -> ``"1 and a half minutes"``; ``45`` -> ``"45 seconds"``; ``600`` -> ``"10
    minutes"``; ``252`` -> ``"4 minutes 12 seconds"``."""
    whole = max(0, round(seconds))
    minutes, secs = divmod(whole, 60)
    if minutes == 0:
        return "1 second" if secs == 1 else f"{secs} seconds"
    unit = "minute" if minutes == 1 else "minutes"
    if secs == 0:
        return f"{minutes} {unit}"
    if secs == 30:
        return f"{minutes} and a half minutes"
    return f"{minutes} {unit} {secs} seconds"


def _minutes_text(minutes: float) -> str:
    return spoken_duration(minutes * 60.0)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _intro(session: WalkSession) -> str:
    total = _minutes_text(session.total_s / 60.0)
    rounds = sum(1 for s in session.segments if s.kind == "supported_steps")
    if session.source == "starter":
        opening = f"Here's a short starter session, {total} in all"
    else:
        opening = f"Week {session.week}"
        if session.day is not None:
            opening += f", session {session.day}"
            if session.sessions_per_week:
                opening += f" of {session.sessions_per_week}"
        opening += f": {total} in all"
    walk_back = sum(s.minutes for s in session.segments if s.kind == "backward")
    if rounds:
        opening += f", with {rounds} rounds of supported backward steps"
    elif walk_back:
        opening += f", {_minutes_text(walk_back)} of it walking backward"
    text = opening + "."
    if session.treadmill is not None:
        speed = session.treadmill.speed_mph
        text += f" Treadmill at {speed:g} mile{'' if speed == 1 else 's'} an hour"
        if session.treadmill.incline_pct > 0:
            text += f" and {session.treadmill.incline_pct:g} percent incline"
        text += "."
    return text


def summary_text(session: WalkSession, walked_s: float, backward_s: float) -> str:
    """The finish cue: what was done, in plain words.

    Args:
        session: The session walked.
        walked_s: Seconds actually walked (skipped parts excluded).
        backward_s: Seconds of backward walking done (supported steps included).
    """
    rounds = sum(1 for s in session.segments if s.kind == "supported_steps")
    text = f"Well done, that's your session finished: {spoken_duration(walked_s)} in all"
    if rounds:
        text += f", {spoken_duration(backward_s)} of it supported backward steps."
    else:
        text += f", {spoken_duration(backward_s)} of it walking backward."
    if session.treadmill is not None:
        # Fact sheet §3.4: wait for the belt to stop fully before stepping off.
        text += " Stop the belt and wait for it to stop fully before you step off."
    return text


def _anchor_text(session: WalkSession, phase: Phase, round_number: int, rounds: int) -> str:
    duration = spoken_duration(phase.duration_s)
    cue = _sentence(phase.cue)
    if phase.kind == "warmup":
        return f"Warm-up, {duration}. {cue}"
    if phase.kind == "backward":
        return f"Turn around and walk backward for {duration}. {cue}"
    if phase.kind == "supported_steps":
        return f"Round {round_number} of {rounds}. {cue}"
    if phase.kind == "forward":
        return f"Switch to forward. {cue} {duration}."
    return f"Cool-down, {duration}. {cue}"


_ANCHOR_KIND = {
    "warmup": "warmup",
    "backward": "turn_around",
    "supported_steps": "turn_around",
    "forward": "interval",
    "cooldown": "cooldown",
}


# ---------------------------------------------------------------------------------------------
# Cue placement


@dataclass
class _Timeline:
    settings: CueSettings
    total_s: float
    cues: list[Cue] = field(default_factory=list)

    def _occupied(self, cue: Cue) -> tuple[float, float]:
        return cue.at_s, cue.at_s + self.settings.speaking_time(cue.text)

    def fits(self, at_s: float, text: str) -> bool:
        end = at_s + self.settings.speaking_time(text)
        for cue in self.cues:
            start, stop = self._occupied(cue)
            if at_s < stop and start < end:
                return False
        return True

    def add(self, cue: Cue) -> None:
        self.cues.append(cue)
        self.cues.sort(key=lambda c: c.at_s)

    def merge_into_previous(self, cue: Cue) -> None:
        """Append ``cue``'s text to the last cue at or before its time (or the first)."""
        before = [c for c in self.cues if c.at_s <= cue.at_s]
        target = before[-1] if before else self.cues[0]
        index = self.cues.index(target)
        self.cues[index] = replace(target, text=f"{target.text} {cue.text}")

    def merge_into_nearest(self, cue: Cue) -> None:
        target = min(self.cues, key=lambda c: (abs(c.at_s - cue.at_s), -c.at_s))
        index = self.cues.index(target)
        self.cues[index] = replace(target, text=f"{target.text} {cue.text}")

    def free_time(self, wanted: float, text: str, low: float, high: float) -> float | None:
        """The time nearest ``wanted`` in ``[low, high]`` where ``text`` fits, or None."""
        length = self.settings.speaking_time(text)
        candidates = {wanted}
        for cue in self.cues:
            start, stop = self._occupied(cue)
            candidates.update({stop, start - length})
        shift = self.settings.max_shift_s
        best: float | None = None
        for at in sorted(candidates):
            if not (low <= at <= high) or abs(at - wanted) > shift + 1e-9:
                continue
            if not self.fits(at, text):
                continue
            if best is None or (abs(at - wanted), -at) < (abs(best - wanted), -best):
                best = at
        return best


def build_cues(session: WalkSession, settings: CueSettings | None = None) -> list[Cue]:
    """Every cue of the walk, in time order (see the module docstring for placement).

    Args:
        session: The session to walk.
        settings: Spacing and technique-cue settings (defaults: :class:`CueSettings`).

    Returns:
        The cues, sorted by time; no two overlap.
    """
    settings = settings or CueSettings()
    phases = session.phases()
    total = session.total_s
    line = _Timeline(settings, total)

    rounds = sum(1 for p in phases if p.kind == "supported_steps")
    round_number = 0
    for phase in phases:
        if phase.kind == "supported_steps":
            round_number += 1
        text = _anchor_text(session, phase, round_number, rounds)
        if phase.index == 0:
            text = f"{_intro(session)} {text}"
        cue = Cue(phase.start_s, _ANCHOR_KIND[phase.kind], text, phase.label)
        if line.cues and not line.fits(cue.at_s, cue.text):
            line.merge_into_previous(cue)
        else:
            line.add(cue)
    finish = Cue(total, "finish", summary_text(session, total, session.backward_s), FINISHED_PHASE)
    if line.fits(finish.at_s, finish.text):
        line.add(finish)
    else:
        # A very short last segment: the summary still gets its own cue at the end, with the
        # previous cue's text moved into it so nothing overlaps.
        previous = line.cues[-1]
        line.cues.remove(previous)
        line.add(replace(finish, text=f"{previous.text} {finish.text}"))

    timing = [
        ("halfway", total / 2.0, "You're halfway there."),
        ("one_minute_left", total - 60.0, "One minute left."),
    ]
    for kind, wanted, text in timing:
        if kind == "one_minute_left" and total <= 120.0:
            continue
        cue_phase = session.label_at(wanted)
        at = line.free_time(wanted, text, 0.0, total)
        if at is None:
            line.merge_into_nearest(Cue(wanted, kind, text, cue_phase))
        else:
            line.add(Cue(at, kind, text, session.label_at(at)))

    for cue in _technique_cues(session, settings):
        bout = session.phase_at(cue.at_s)
        if bout is None:
            continue
        at = line.free_time(cue.at_s, cue.text, bout.start_s, bout.end_s)
        if at is not None:
            line.add(replace(cue, at_s=at))
    return line.cues


def _technique_cues(session: WalkSession, settings: CueSettings) -> list[Cue]:
    """Wanted technique cues in long backward bouts, cycling the focus and the bout's cue."""
    cues: list[Cue] = []
    texts = [t for t in (_sentence(session.technique_focus),) if t]
    turn = 0
    for phase in session.phases():
        if phase.kind != "backward" or phase.duration_s < settings.technique_min_bout_s:
            continue
        options = texts + ([_sentence(phase.cue)] if phase.cue else [])
        if not options:
            continue
        at = phase.start_s + settings.technique_first_s
        while at <= phase.end_s - settings.technique_end_margin_s + 1e-9:
            cues.append(Cue(at, "technique", options[turn % len(options)], phase.label))
            turn += 1
            at += settings.technique_every_s
    return cues
