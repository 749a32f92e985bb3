"""The cue scheduler: which cue is spoken when during a guided walk.

:func:`build_cues` places every spoken cue of a :class:`voice.session.WalkSession` on the
walk's timeline (the words come from :mod:`voice.spoken_texts` and the bot's plan; the
:class:`voice.workout.Workout` says them at their times). Cue texts repeat what the plan says
(its segment cues and technique focus, which trace to the fact sheet) plus plain timing words
("Halfway.", "One minute left.").

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

from dataclasses import dataclass, field, replace
from typing import Literal, get_args

from bot.env import env_float
from voice.session import FINISHED_PHASE, WalkSession
from voice.spoken_texts import anchor_text, intro_text, sentence, summary_text

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

_ANCHOR_KIND = {
    "warmup": "warmup",
    "backward": "turn_around",
    "supported_steps": "turn_around",
    "forward": "interval",
    "cooldown": "cooldown",
}


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
        text = anchor_text(phase, round_number, rounds)
        if phase.index == 0:
            text = f"{intro_text(session)} {text}"
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
    texts = [t for t in (sentence(session.technique_focus),) if t]
    turn = 0
    for phase in session.phases():
        if phase.kind != "backward" or phase.duration_s < settings.technique_min_bout_s:
            continue
        options = texts + ([sentence(phase.cue)] if phase.cue else [])
        if not options:
            continue
        at = phase.start_s + settings.technique_first_s
        while at <= phase.end_s - settings.technique_end_margin_s + 1e-9:
            cues.append(Cue(at, "technique", options[turn % len(options)], phase.label))
            turn += 1
            at += settings.technique_every_s
    return cues
