"""Week-by-week retro-walking plans and how to adapt them to logged walks.

Plain Python with no Rasa import. Every number and cue is traceable to the fact sheet
``shared/domain/retro-walking-facts.md`` (sections cited as §n); rules marked [SYNTHESIS]
are this module's own choices built from those sections, not study results.

Templates (§5.4, chosen by :func:`choose_template`):

* ``older_or_low_confidence`` (A): supported steps at a counter or wall first (2-3 steps at a
  time up to about 10, x4 rounds), then about 20 steps without holding and 3-5 min of backward
  walking, then 5-10 min adding 1-2 min a week, toward 10-20 min.
* ``general_fitness`` (B): 5 min (1-min bouts) in week 1, +2-3 min a week, then speed *or*
  incline, toward 20-30 min.
* ``knee_oa`` (C): about 10 min at a comfortable speed, 3 days a week for 6 weeks (Alghadir
  2019), then toward 20-30 min only if knee pain doesn't rise, with the PT's OK.
* ``athlete`` (D): duration to 15 min, then speed to 2.5 mph, then a 5-10% incline, then
  duration toward 30 min; optional retro-running notes.

HARD RULES (enforced by :func:`generate_plan`; the property tests check every one):

1. Week 1 has 5-10 backward minutes (``START_BACKWARD_RANGE``; §0 lay-expert dose, §1.13).
   Template A starts lower, with supported steps (0 backward minutes in weeks 1-2, 3 in week 3).
   Sessions too short to fit 5 minutes (under 15 min for a beginner) get what fits.
2. Backward minutes build toward 20-30 (§1.13, §5.4 B) and are never above
   ``MAX_BACKWARD_MINUTES`` = 30 per session, for every template (no athlete exception).
3. Week over week, backward minutes rise by at most 20% (§5.2, ACSM), or by at most +3 min when
   the previous week is under 15 min; the larger allowance applies [SYNTHESIS of the §5.2 "Bot
   rule": "+2-5 min per session per week at low volumes"].
4. Each week changes at most one of backward duration, treadmill speed, treadmill incline
   (§5.2 "only make changes in one area at a time"; §3.4 "speed or incline, never both").
5. Treadmill: start at 0.5-1.0 mph (§3.4); speed steps of 0.5 mph (§5.2); incline only once
   speed has reached the template's ceiling ("settled"), in 2-5% steps, at most 10%
   (§5.2, §5.4 B and D).
6. A session (warm-up + intervals + cool-down) never exceeds ``profile.minutes_per_session``.
   Warm-up is about 5 min (§5.1, Hadfield 2017) and cool-down 3-5 min [SYNTHESIS]; when time
   is tight they shrink to 3 min each, and for sessions under 20 min to 1 min each
   (``SHORT_SESSION_FLOORS``) [SYNTHESIS]; backward time is reduced last.
7. Sessions per week: at least 1, never more than ``profile.days_per_week``, at most 3 for
   beginners (experience "none", templates A and C) and 4 otherwise, with a rest day between
   (§5.2 ACSM: 3 non-consecutive days; §5.4 B: 3-4 d/wk).
8. ``weeks`` is 1-16; anything else raises ValueError.

Interval structure (§5.3 [SYNTHESIS]): forward warm-up, backward bouts alternating with forward
recovery (beginners 1 min backward : 2 min forward), cool-down. The backward share grows each
week backward time goes up, one rung along ``INTERVAL_LADDER``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

from bot.profile import (
    CAUTIOUS_PROFILE,
    DAYS_RANGE,
    MINUTES_RANGE,
    STARTER_SESSION_MINUTES,
    Profile,
    WalkLog,
)
from bot.safety.advice import condition_disclaimer, condition_labels
from bot.safety.content import default_content

SegmentKind = Literal["warmup", "backward", "forward", "supported_steps", "cooldown"]
ProgressionKind = Literal["start", "duration", "speed", "incline", "hold", "consolidate"]
AdaptAction = Literal["advance", "repeat", "step_back", "pause"]

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

TEMPLATE_A = "older_or_low_confidence"
TEMPLATE_B = "general_fitness"
TEMPLATE_C = "knee_oa"
TEMPLATE_D = "athlete"
TEMPLATES = (TEMPLATE_A, TEMPLATE_B, TEMPLATE_C, TEMPLATE_D)

WEEKS_RANGE = (1, 16)
START_BACKWARD_RANGE = (5, 10)  # §0 "5-10 min" lay-expert starting dose; §1.13
MAX_BACKWARD_MINUTES = 30  # §1.13 "build to 20-30 min"; §5.4 B weeks 9+
WEEKLY_INCREASE_FRACTION = 0.20  # §5.2 ACSM: weekly time up by <= 20%
LOW_VOLUME_LIMIT = 15  # §5.2 Bot rule "at low volumes" [SYNTHESIS: under 15 min]
LOW_VOLUME_STEP = 3  # §5.2 Bot rule "+2-5 min per session per week"; §5.4 B "+2-3 min"

WARMUP_PREFERRED = 5  # §5.1 Hadfield 2017: 5-min forward warm-up
COOLDOWN_PREFERRED = 5  # [SYNTHESIS] "about 3-5 min"; §5.1 Parikh 2022 30-min sessions
WARMUP_FLOOR = 3  # [SYNTHESIS] shortest warm-up when time is tight
COOLDOWN_FLOOR = 3  # [SYNTHESIS] "about 3-5 min"
SHORT_SESSION_MINUTES = 20  # [SYNTHESIS] below this, warm-up and cool-down may go to 1 min
SHORT_SESSION_FLOORS = (1, 1)

SUPPORTED_WEEKS = 2  # §5.4 A weeks 1-2
SUPPORTED_ROUNDS = 4  # §3.4 Eldergym: about 10 steps, repeat 4 times
SUPPORTED_STEPS = 10  # §3.4 Eldergym / LifeCurve: about 10 steps
SUPPORTED_ROUND_MINUTES = 1  # [SYNTHESIS] one round of ~10 steps plus a short rest
UNSUPPORTED_STEPS = 20  # §3.4 LifeCurve: progress to 20 steps without holding
A_FIRST_FREE_MINUTES = 3  # §5.4 A weeks 3-4: 3-5 min per session

BEGINNER_SESSIONS_CAP = 3  # §5.2 ACSM initial stage: 3 non-consecutive days
SESSIONS_CAP = 4  # §5.4 B weeks 5-8: 3-4 d/wk

SPEED_STEP_MPH = 0.5  # §5.2 "increase in 0.5 mph steps only when fully confident"
KMH_PER_MPH = 1.609344
MAX_INCLINE_PCT = 10.0  # §5.4 B "2-5% incline", D "5-10% incline"; brief: 10% max
KNEE_OA_EVIDENCE_WEEKS = 6  # §1.1 / §5.4 C: 10 min, 3 d/wk for 6 weeks (Alghadir 2019)
RPE_HARD = 13  # §5.2: don't progress intensity if RPE > 13

# (backward minutes per bout, forward minutes between bouts). The first rung is the §5.3
# beginner ratio 1:2 (of 1:2-4); each later rung has a larger backward share [SYNTHESIS].
INTERVAL_LADDER: tuple[tuple[int, int], ...] = (
    (1, 2),
    (1, 1),
    (2, 1),
    (3, 1),
    (4, 1),
    (5, 1),
    (6, 1),
    (8, 1),
    (10, 1),
)
_LADDER_START = {"none": 0, "some": 1, "regular": 2}
_START_MINUTES = {"none": 5, "some": 8, "regular": 10}  # within §0's 5-10 min

# §3.2: conditions where a fall matters most or supervision is advised -> template A.
FALL_RISK_CATEGORIES = frozenset(
    {
        "parkinsons",
        "stroke",
        "balance",
        "neuropathy",
        "osteoporosis",
        "vision",
        "pregnancy",
        "blood_thinners",
    }
)
# §1.3 post-operative use only inside a surgeon/PT programme; §1.5-1.6 and safety.yml.
SUPERVISED_CATEGORIES = frozenset({"parkinsons", "stroke", "surgery"})


# ---------------------------------------------------------------------------------------------
# Data classes


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


@dataclass(frozen=True)
class Session:
    """One session: its segments in order."""

    segments: tuple[Segment, ...]

    @property
    def backward_minutes(self) -> float:
        """Minutes of free backward walking (supported steps are counted separately)."""
        return sum(s.minutes for s in self.segments if s.kind == "backward")

    @property
    def total_minutes(self) -> float:
        """Minutes of the whole session, warm-up and cool-down included."""
        return sum(s.minutes for s in self.segments)

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


@dataclass(frozen=True)
class Plan:
    """A week-by-week retro-walking plan.

    Attributes:
        template: One of ``TEMPLATES``.
        weeks: The weeks, in order.
        supervised: Practise with a physical therapist or trained helper present.
        conservative: The cautious template (A) was used.
        disclaimers: Safety disclaimers to show with the plan (§6).
        notes: General notes (how to progress, when to hold, optional next steps).
        reason: Why this template was chosen, in plain words.
    """

    template: str
    weeks: tuple[Week, ...]
    supervised: bool
    conservative: bool
    disclaimers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict that :meth:`from_dict` turns back into an equal plan."""
        return {
            "version": 1,
            "template": self.template,
            "supervised": self.supervised,
            "conservative": self.conservative,
            "disclaimers": list(self.disclaimers),
            "notes": list(self.notes),
            "reason": self.reason,
            "weeks": [_week_to_dict(w) for w in self.weeks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """Rebuild a plan from :meth:`to_dict` output.

        Raises:
            ValueError: If a segment kind or progression value is unknown.
        """
        return cls(
            template=str(data["template"]),
            weeks=tuple(_week_from_dict(w) for w in data["weeks"]),
            supervised=bool(data["supervised"]),
            conservative=bool(data["conservative"]),
            disclaimers=tuple(data.get("disclaimers", ())),
            notes=tuple(data.get("notes", ())),
            reason=str(data.get("reason", "")),
        )

    def summary(self) -> str:
        """A 3-6 line summary for chat."""
        first = self.weeks[0]
        lines = [
            f"Your {len(self.weeks)}-week retro-walking plan ({_TEMPLATE_LABELS[self.template]}):"
            f" {_sessions_text(first.sessions)} a week"
            + (", with a physical therapist or trained helper present." if self.supervised else ".")
        ]
        lines.append(f"Week 1: {_week_brief(first)}.")
        if len(self.weeks) > 1:
            last = self.weeks[-1]
            lines.append(f"Week {last.number}: {_week_brief(last)}.")
        treadmill = next((w.treadmill for w in self.weeks if w.treadmill), None)
        if treadmill is not None:
            lines.append(
                f"Treadmill: start at {_speed_text(treadmill)} with the safety clip on and your "
                "hands on the rails, and never look behind you."
            )
        lines.append(
            "Move on only when a week feels steady and pain-free, and stop if anything hurts."
        )
        return "\n".join(lines)

    def week_text(self, number: int) -> str:
        """A readable description of one week.

        Args:
            number: The week number, from 1.

        Raises:
            ValueError: If the plan has no such week.
        """
        if not 1 <= number <= len(self.weeks):
            raise ValueError(f"This plan has weeks 1 to {len(self.weeks)}, not {number}.")
        week = self.weeks[number - 1]
        heading = (
            f"Week {week.number} of {len(self.weeks)}: {_sessions_text(week.sessions)}, "
            f"about {_fmt(week.session.total_minutes)} min each."
        )
        return f"{heading}\n{self.session_text(number)}"

    def session_text(self, number: int) -> str:
        """One week's session in readable lines, without the week heading (the starter
        session has no week of a plan to name).

        Raises:
            ValueError: If the plan has no such week.
        """
        if not 1 <= number <= len(self.weeks):
            raise ValueError(f"This plan has weeks 1 to {len(self.weeks)}, not {number}.")
        week = self.weeks[number - 1]
        session = week.session
        lines = [f"Focus: {week.technique_focus}"]
        lines.extend(f"- {part}" for part in _segment_lines(session))
        if week.treadmill is not None:
            incline = (
                f"{_fmt(week.treadmill.incline_pct)}% incline"
                if week.treadmill.incline_pct > 0
                else "no incline"
            )
            lines.append(f"Treadmill: {_speed_text(week.treadmill)}, {incline}.")
        lines.extend(week.notes)
        return "\n".join(lines)


@dataclass(frozen=True)
class TemplateChoice:
    """Which template a profile gets, and why.

    Attributes:
        template: One of ``TEMPLATES``.
        reason: Plain-words reason.
        supervised: A condition means practice should be supervised (§1.3, §1.5, §1.6).
    """

    template: str
    reason: str
    supervised: bool = False


@dataclass(frozen=True)
class Adaptation:
    """What to do next after looking at the logged walks.

    Attributes:
        action: advance, repeat, step_back or pause.
        next_week: The plan week to do next.
        reason: Plain-words reason for the walker.
    """

    action: AdaptAction
    next_week: int
    reason: str


# ---------------------------------------------------------------------------------------------
# Serialisation


def _week_to_dict(week: Week) -> dict[str, Any]:
    return {
        "number": week.number,
        "sessions": week.sessions,
        "segments": [
            {"kind": s.kind, "minutes": s.minutes, "cue": s.cue, "steps": s.steps}
            for s in week.session.segments
        ],
        "technique_focus": week.technique_focus,
        "treadmill": (
            None
            if week.treadmill is None
            else {
                "speed_mph": week.treadmill.speed_mph,
                "incline_pct": week.treadmill.incline_pct,
            }
        ),
        "progression": week.progression,
        "notes": list(week.notes),
    }


def _week_from_dict(data: dict[str, Any]) -> Week:
    segments = []
    for s in data["segments"]:
        if s["kind"] not in SEGMENT_KINDS:
            raise ValueError(f"Unknown segment kind: {s['kind']!r}")
        steps = s.get("steps")
        segments.append(
            Segment(
                kind=cast(SegmentKind, s["kind"]),
                minutes=float(s["minutes"]),
                cue=str(s["cue"]),
                steps=None if steps is None else int(steps),
            )
        )
    if data["progression"] not in PROGRESSIONS:
        raise ValueError(f"Unknown progression: {data['progression']!r}")
    treadmill = data.get("treadmill")
    return Week(
        number=int(data["number"]),
        sessions=int(data["sessions"]),
        session=Session(tuple(segments)),
        technique_focus=str(data["technique_focus"]),
        treadmill=(
            None
            if treadmill is None
            else TreadmillSetting(
                speed_mph=float(treadmill["speed_mph"]),
                incline_pct=float(treadmill["incline_pct"]),
            )
        ),
        progression=cast(ProgressionKind, data["progression"]),
        notes=tuple(data.get("notes", ())),
    )


# ---------------------------------------------------------------------------------------------
# Template rules


@dataclass(frozen=True)
class _Rules:
    """Per-template numbers (§5.4)."""

    goal_minutes: int  # backward minutes to build toward
    base_minutes: int  # backward minutes reached before speed or incline go up
    speed_cap_mph: float  # "settled" speed: incline only after this
    incline_step_pct: float  # 0: no incline in this template
    intensity_from_week: int  # first week speed/incline may go up
    consolidate_until_week: int = 0  # weeks 2..n repeat the base dose (template C)
    supported_weeks: int = 0  # template A's supported-steps weeks
    intensity_first: bool = False  # after the base: speed/incline before more duration


_RULES: dict[str, _Rules] = {
    # §5.4 A: goal 10-20 min; about 1 mph is "doing well" (§0), so one 0.5 mph step; no incline.
    TEMPLATE_A: _Rules(20, 5, 1.0, 0.0, 2, supported_weeks=SUPPORTED_WEEKS),
    # §5.4 B: 15-20 min before speed (0.5 mph steps) or a 2-5% incline, then 20-30 min.
    # Speed ceiling 2.5 mph [SYNTHESIS]: well below the ~3.7 mph walk-run transition (§1.9)
    # and the 3.7-4.3 mph speeds that felt "somewhat hard"-"hard" with soreness (Clarkson, §1.9).
    TEMPLATE_B: _Rules(30, 15, 2.5, 2.0, 2),
    # §5.4 C: 10 min at a comfortable speed for 6 weeks, then toward 20-30 min with PT's OK.
    # Comfortable speed (Lin 2025): at most 1.5 mph [SYNTHESIS]; no incline (not in §5.4 C).
    TEMPLATE_C: _Rules(
        30, 10, 1.5, 0.0, KNEE_OA_EVIDENCE_WEEKS + 1, consolidate_until_week=KNEE_OA_EVIDENCE_WEEKS
    ),
    # §5.4 D: "retro walking up a 5-10% incline": after a 15-min base, speed to the same
    # 2.5 mph ceiling as B [SYNTHESIS], then 5% incline steps to 10% (Chaloupka 5%, Hooper
    # 5-10%, §1.9), then duration toward 30 min.
    TEMPLATE_D: _Rules(30, 15, 2.5, 5.0, 2, intensity_first=True),
}

_TEMPLATE_LABELS = {
    TEMPLATE_A: "gentle start with support",
    TEMPLATE_B: "general fitness",
    TEMPLATE_C: "knee-friendly",
    TEMPLATE_D: "athlete",
}


def choose_template(profile: Profile, *, conservative: bool = False) -> TemplateChoice:
    """Pick the plan template for a profile (first rule that applies).

    1. A ``older_or_low_confidence``: ``conservative``, age 65 or over (§3.2 older adults,
       §5.4 A), no experience with a balance goal, walking indoors with support, or a
       fall-risk condition (Parkinson's, stroke, balance, neuropathy, osteoporosis, vision,
       pregnancy, blood thinners; §3.2).
    2. C ``knee_oa``: knee osteoarthritis, or a joints/rehab goal with a knee condition (§5.4 C).
    3. D ``athlete``: regular retro walker, fitness goal, age known and 18-49 (§5.4 D; adults
       only [SYNTHESIS]).
    4. B ``general_fitness`` otherwise (§5.4 B).

    Args:
        profile: The walker's profile.
        conservative: Ask for the cautious template regardless of the profile.

    Returns:
        The template, the reason, and whether supervision is required.
    """
    categories = [label for c in profile.conditions if c.strip() for label in condition_labels(c)]
    supervised = any(c in SUPERVISED_CATEGORIES for c in categories)
    fall_risk = sorted({c for c in categories if c in FALL_RISK_CATEGORIES})
    if conservative:
        reason = "you asked for a cautious start"
    elif profile.age is not None and profile.age >= 65:
        reason = "at 65 and over, a supported start is safest"
    elif profile.experience == "none" and profile.goal == "balance":
        reason = "you're new to it and working on balance"
    elif profile.location == "indoor_support":
        reason = "you'll be walking indoors with support"
    elif fall_risk:
        reason = "with your health condition, a fall matters more, so we start with support"
    else:
        reason = ""
    if reason:
        return TemplateChoice(TEMPLATE_A, reason, supervised)
    knee = "knee_arthritis" in categories or (
        profile.goal in ("joints", "rehab") and any("knee" in c.lower() for c in profile.conditions)
    )
    if knee:
        return TemplateChoice(
            TEMPLATE_C,
            "it follows the knee-arthritis studies (10 minutes, 3 days a week)",
            supervised,
        )
    if (
        profile.experience == "regular"
        and profile.goal == "fitness"
        and profile.age is not None
        and 18 <= profile.age < 50
    ):
        return TemplateChoice(TEMPLATE_D, "you already walk backward regularly", supervised)
    return TemplateChoice(TEMPLATE_B, "it's the standard build-up for healthy adults", supervised)


def sessions_per_week(profile: Profile, template: str) -> int:
    """Sessions per week: 1 to ``days_per_week``, at most 3 for beginners and 4 otherwise."""
    beginner = profile.experience == "none" or template in (TEMPLATE_A, TEMPLATE_C)
    cap = BEGINNER_SESSIONS_CAP if beginner else SESSIONS_CAP
    return max(1, min(profile.days_per_week, cap))


def allowed_next_backward(previous: float) -> float:
    """The most backward minutes allowed the week after ``previous`` (hard rule 3)."""
    allowance = previous * WEEKLY_INCREASE_FRACTION
    if previous < LOW_VOLUME_LIMIT:
        allowance = max(allowance, LOW_VOLUME_STEP)
    return min(previous + allowance, MAX_BACKWARD_MINUTES)


# ---------------------------------------------------------------------------------------------
# Cues (§4)


@dataclass(frozen=True)
class _Cue:
    focus: str
    short: str


_CUES: dict[str, _Cue] = {
    # §4: PT Dr. Agnew; Verywell Health (B. Sears PT)
    "toe_to_heel": _Cue(
        "Reach your toes back first, then roll through the whole foot to the heel as the leg "
        "straightens.",
        "Toes first, then roll to the heel",
    ),
    # §4: LifeCurve; Eldergym; treadmillxpert
    "eyes_up": _Cue(
        "Stand tall and look straight ahead: pick a point ahead to focus on and don't stare at "
        "your feet.",
        "Stand tall, eyes up",
    ),
    # §4: treadmillxpert; Laufer 2005
    "small_steps": _Cue(
        "Take small, controlled steps, and let them grow as your confidence does.",
        "Small, controlled steps",
    ),
    # §4: Vitality PT
    "weight_back": _Cue(
        "Shift your weight fully onto the back foot; don't just tap it back.",
        "Weight onto the back foot",
    ),
    # §4: Vitality PT
    "hinge": _Cue(
        "If you feel yourself tipping backward, hinge slightly forward at the hips.",
        "Tipping? Hinge forward at the hips",
    ),
    # §4: getfitwithwitt; simpelin
    "posture": _Cue(
        "Keep your back straight, shoulders back and core gently engaged; don't lean back.",
        "Back straight, don't lean back",
    ),
    # §4: CDC talk test
    "talk_test": _Cue(
        "Keep the effort moderate: you should be able to talk, but not sing.",
        "Able to talk, not sing",
    ),
}
# §4: scarysymptoms; runreviews ("keep your hands free once you're steady")
_HANDS_FREE_TREADMILL = _Cue(
    "Once you feel steady, start letting go of the rails; holding them makes the balance "
    "work easier.",
    "Hands off the rails once steady",
)
_HANDS_FREE_GROUND = _Cue(
    "Once you feel steady, keep your hands free instead of holding a wall or a partner.",
    "Hands free once steady",
)

_FOCUS_ORDER = (
    "toe_to_heel",
    "eyes_up",
    "small_steps",
    "hands_free",
    "weight_back",
    "hinge",
    "posture",
    "talk_test",
)
# Template A: eyes up first (LifeCurve, Eldergym), then letting go (20 steps without holding).
_FOCUS_ORDER_A = (
    "eyes_up",
    "small_steps",
    "hands_free",
    "toe_to_heel",
    "weight_back",
    "hinge",
    "posture",
    "talk_test",
)
# Template A on a treadmill: week 3 is the first on the belt, so hands stay on the rails.
_FOCUS_ORDER_A_TREADMILL = (
    "eyes_up",
    "small_steps",
    "toe_to_heel",
    "hands_free",
    "weight_back",
    "hinge",
    "posture",
    "talk_test",
)


def _cue(key: str, treadmill: bool) -> _Cue:
    if key == "hands_free":
        return _HANDS_FREE_TREADMILL if treadmill else _HANDS_FREE_GROUND
    return _CUES[key]


def _focus_for(template: str, number: int, treadmill: bool) -> _Cue:
    if template == TEMPLATE_A:
        order = _FOCUS_ORDER_A_TREADMILL if treadmill else _FOCUS_ORDER_A
    else:
        order = _FOCUS_ORDER
    return _cue(order[(number - 1) % len(order)], treadmill)


# ---------------------------------------------------------------------------------------------
# Session building


def _floors(cap: int) -> tuple[int, int]:
    """Shortest warm-up and cool-down for a session of ``cap`` minutes (hard rule 6)."""
    if cap < SHORT_SESSION_MINUTES:
        return SHORT_SESSION_FLOORS
    return WARMUP_FLOOR, COOLDOWN_FLOOR


def _bouts(backward: int, stage: int) -> list[int]:
    bout, _ = INTERVAL_LADDER[stage]
    count = math.ceil(backward / bout)
    return [bout] * (count - 1) + [backward - bout * (count - 1)]


def _core_minutes(backward: int, stage: int) -> int:
    _, recovery = INTERVAL_LADDER[stage]
    return backward + (len(_bouts(backward, stage)) - 1) * recovery


def _fit_backward(target: int, stage: int, cap: int) -> int:
    """The most backward minutes, up to ``target``, that fit ``cap`` with the shortest
    warm-up and cool-down (at least 1)."""
    warm, cool = _floors(cap)
    backward = max(1, target)
    while backward > 1 and _core_minutes(backward, stage) + warm + cool > cap:
        backward -= 1
    return backward


def _warm_cool(core: int, cap: int) -> tuple[int, int]:
    """Warm-up and cool-down for the time left; warm-up gets priority."""
    warm_floor, cool_floor = _floors(cap)
    spare = cap - core
    warm = max(warm_floor, min(WARMUP_PREFERRED, spare - cool_floor))
    cool = max(cool_floor, min(COOLDOWN_PREFERRED, spare - warm))
    return warm, cool


@dataclass(frozen=True)
class _Place:
    location: str
    treadmill: bool

    def backward_cue(self) -> str:
        if self.treadmill:
            # §3.4: rails at first; never look behind you on a treadmill.
            return "Eyes ahead, rails within reach; never look behind you."
        if self.location == "indoor_support":
            # §3.4: clear hallway, someone nearby if unsure.
            return "Stay beside a wall or counter in a clear hallway, with someone nearby."
        # §4 look-behind cue; §3.4 flat, quiet path.
        return "Check the path behind you before each bout, and stop to glance back."

    def recovery_cue(self) -> str:
        if self.treadmill:
            # §3.4: keep one comfortable speed; don't reach back for the console.
            return "Holding the rails, turn to face forward and walk at the same speed."
        return "Turn around and walk forward at an easy pace to recover."

    def warmup_cue(self) -> str:
        if self.treadmill:
            return (
                "Clip the safety key to your clothing, then walk forward at an easy pace "
                "to warm up."
            )
        return "Walk forward at an easy pace to warm up."


def _interval_session(backward: int, stage: int, cap: int, focus: _Cue, place: _Place) -> Session:
    _, recovery = INTERVAL_LADDER[stage]
    bouts = _bouts(backward, stage)
    warm, cool = _warm_cool(_core_minutes(backward, stage), cap)
    cue = f"{focus.short}. {place.backward_cue()}"
    segments = [Segment("warmup", float(warm), place.warmup_cue())]
    for index, minutes in enumerate(bouts):
        if index:
            segments.append(Segment("forward", float(recovery), place.recovery_cue()))
        segments.append(Segment("backward", float(minutes), cue))
    segments.append(Segment("cooldown", float(cool), "Easy forward walking to cool down."))
    return Session(tuple(segments))


def _supported_session(number: int, cap: int) -> Session:
    warm_floor, cool_floor = _floors(cap)
    rounds = max(
        1, min(SUPPORTED_ROUNDS, (cap - warm_floor - cool_floor) // SUPPORTED_ROUND_MINUTES)
    )
    core = rounds * SUPPORTED_ROUND_MINUTES
    warm, cool = _warm_cool(core, cap)
    if number == 1:
        # §3.4 LifeCurve: side-on at a counter, 2-3 steps back, turn and repeat, ~10 steps.
        cue = (
            "Stand side-on at a kitchen counter or wall with one hand on it. Take 2-3 steps "
            "back, turn and repeat, until about 10 steps. Stand tall, eyes up."
        )
    else:
        # §3.4 Eldergym: one hand on the wall, about 10 steps backward.
        cue = (
            "One hand on the counter or wall: walk about 10 steps backward in one go, then "
            "rest. Stand tall, eyes up."
        )
    segments = [Segment("warmup", float(warm), "Walk forward at an easy pace to warm up.")]
    segments.extend(
        Segment("supported_steps", float(SUPPORTED_ROUND_MINUTES), cue, SUPPORTED_STEPS)
        for _ in range(rounds)
    )
    segments.append(Segment("cooldown", float(cool), "Easy forward walking to cool down."))
    return Session(tuple(segments))


# ---------------------------------------------------------------------------------------------
# Plan generation


@dataclass
class _State:
    backward: int = 0
    stage: int = 0
    speed: float | None = None
    incline: float = 0.0
    last: str = "start"


def _next_intensity(rules: _Rules, state: _State) -> tuple[str, float] | None:
    if state.speed is None:
        return None
    if state.speed < rules.speed_cap_mph:
        return "speed", min(state.speed + SPEED_STEP_MPH, rules.speed_cap_mph)
    if rules.incline_step_pct > 0 and state.incline < MAX_INCLINE_PCT:
        return "incline", min(state.incline + rules.incline_step_pct, MAX_INCLINE_PCT)
    return None


def _duration_target(template: str, rules: _Rules, previous: int, number: int) -> int:
    ceiling = rules.base_minutes if number <= rules.consolidate_until_week else rules.goal_minutes
    # Hard rule 3: never more than the weekly allowance (whole minutes).
    wanted = math.floor(allowed_next_backward(previous))
    if template == TEMPLATE_A:
        # §5.4 A: 3-5 min in weeks 3-4, then 5-10 min adding "about 1-2 min per week".
        wanted = min(wanted, previous + (1 if previous < 6 else 2))
    return min(wanted, ceiling, MAX_BACKWARD_MINUTES)


def _try_duration(
    template: str, rules: _Rules, state: _State, number: int, cap: int
) -> tuple[int, int] | None:
    target = _duration_target(template, rules, state.backward, number)
    if target <= state.backward:
        return None
    stage = min(state.stage + 1, len(INTERVAL_LADDER) - 1)
    fitted = _fit_backward(target, stage, cap)
    if fitted <= state.backward:
        return None
    return fitted, stage


def _progress(
    template: str, rules: _Rules, state: _State, number: int, cap: int
) -> tuple[ProgressionKind, str]:
    """Change at most one variable for week ``number`` (hard rule 4); returns the kind and a
    note for the walker."""
    consolidating = number <= rules.consolidate_until_week and state.backward >= rules.base_minutes
    if consolidating:
        return "consolidate", (
            "Same as last week: in the knee-arthritis trial, people kept to about 10 minutes "
            "for 6 weeks."
        )
    intensity = _next_intensity(rules, state) if number >= rules.intensity_from_week else None
    if state.backward < rules.base_minutes:
        order = ("duration", "intensity")
    elif rules.intensity_first or state.last == "duration":
        order = ("intensity", "duration")
    else:
        # Alternate: after a speed or incline week, a duration week (§5.4 B).
        order = ("duration", "intensity")
    for option in order:
        if option == "duration":
            result = _try_duration(template, rules, state, number, cap)
            if result is None:
                continue
            previous = state.backward
            state.backward, state.stage = result
            state.last = "duration"
            note = (
                f"Backward time goes up from {previous} to {state.backward} min a session, "
                "only if last week felt steady and pain-free."
            )
            if template == TEMPLATE_C:
                note += (
                    " Add time only if your knee pain hasn't gone up, and with your physical "
                    "therapist's OK."
                )
            return "duration", note
        if intensity is not None:
            kind, value = intensity
            state.last = kind
            if kind == "speed":
                state.speed = value
                return "speed", (
                    f"Speed goes up 0.5 mph to {value:.1f} mph: only if last week felt fully "
                    "confident. Set it before you turn around."
                )
            state.incline = value
            return "incline", (
                f"Incline goes up to {_fmt(value)}% now that your speed is settled; never raise "
                "speed and incline together."
            )
    if state.backward >= rules.goal_minutes or state.backward >= MAX_BACKWARD_MINUTES:
        return "hold", "You've reached this plan's target: keep this level steady."
    return "hold", (
        f"Backward time stays at {state.backward} min: that's what fits your "
        f"{cap}-minute sessions with a warm-up and cool-down."
    )


def _first_week_notes(place: _Place, sessions: int) -> list[str]:
    notes = [
        f"Spread the {_sessions_text(sessions)} out, with a rest day between them where you can."
    ]
    if place.treadmill:
        notes += [
            # §3.4 treadmill rules
            "Clip the safety key to your clothing and know where the emergency stop is.",
            "Straddle the belt, start it at the slowest speed and step on; wait for it to stop "
            "fully before stepping off.",
            "Pick your speed before you turn around and keep it; don't reach back for the console.",
        ]
    elif place.location == "indoor_support":
        notes.append("Clear the hallway of rugs and clutter, and wear proper-fitting shoes.")
    else:
        notes.append(
            "Pick a flat, smooth, quiet path you know well, check it for obstacles first, and "
            "wear proper-fitting athletic shoes."
        )
    return notes


def _validate(profile: Profile, weeks: int) -> None:
    if isinstance(weeks, bool) or not isinstance(weeks, int):
        raise ValueError("weeks must be a whole number")
    if not WEEKS_RANGE[0] <= weeks <= WEEKS_RANGE[1]:
        raise ValueError(f"weeks must be {WEEKS_RANGE[0]}-{WEEKS_RANGE[1]}, not {weeks}")
    if not MINUTES_RANGE[0] <= profile.minutes_per_session <= MINUTES_RANGE[1]:
        raise ValueError(
            f"minutes_per_session must be {MINUTES_RANGE[0]}-{MINUTES_RANGE[1]}, "
            f"not {profile.minutes_per_session}"
        )
    if not DAYS_RANGE[0] <= profile.days_per_week <= DAYS_RANGE[1]:
        raise ValueError(
            f"days_per_week must be {DAYS_RANGE[0]}-{DAYS_RANGE[1]}, not {profile.days_per_week}"
        )


def _start_speed(template: str, profile: Profile) -> float:
    # §3.4: typical starting speeds 0.5-1.0 mph; the slowest for beginners and template A.
    if template == TEMPLATE_A or profile.experience == "none":
        return 0.5
    return 1.0


def _supported_week(number: int, sessions: int, cap: int, template: str) -> Week:
    """Template A weeks 1-2: supported steps at a counter or wall, at home (§5.4 A)."""
    notes: list[str] = []
    if number == 1:
        notes += _first_week_notes(_Place("indoor_support", False), sessions)
        notes.append("These first weeks are at home: a counter or wall, not a treadmill.")
    else:
        notes.append("Same rounds as last week, now about 10 steps in one go.")
    notes.append("Have someone nearby if you feel unsure.")  # §3.4 Eldergym
    kind: ProgressionKind = "start" if number == 1 else "consolidate"
    focus = _focus_for(template, number, treadmill=False)
    return Week(
        number, sessions, _supported_session(number, cap), focus.focus, None, kind, tuple(notes)
    )


def _start_walking(
    number: int,
    sessions: int,
    cap: int,
    template: str,
    rules: _Rules,
    profile: Profile,
    place: _Place,
    state: _State,
) -> tuple[ProgressionKind, list[str]]:
    """Set the starting dose: week 1, or week 3 after template A's supported steps."""
    if template == TEMPLATE_A:
        start = A_FIRST_FREE_MINUTES
    elif template == TEMPLATE_C:
        start = rules.base_minutes
    else:
        start = _START_MINUTES[profile.experience]
    state.backward = _fit_backward(min(start, START_BACKWARD_RANGE[1]), state.stage, cap)
    if place.treadmill:
        state.speed = _start_speed(template, profile)
    notes = _first_week_notes(place, sessions) if number == 1 else []
    if template == TEMPLATE_A and place.treadmill:
        notes.append(
            "Now onto the treadmill at its slowest speed, holding the rails, with someone nearby."
        )
        notes += _first_week_notes(place, sessions)[1:]
    elif template == TEMPLATE_A:
        # §3.4 LifeCurve: progress to 20 steps without holding; §5.4 A: a partner nearby.
        notes.append(
            f"Now without holding on: start with about {UNSUPPORTED_STEPS} steps beside a "
            "wall, with a partner nearby."
        )
    elif state.backward < START_BACKWARD_RANGE[0]:
        notes.append(
            f"Your {cap}-minute sessions fit {state.backward} min of backward walking with a "
            "warm-up and cool-down; that's a fine start."
        )
    return ("start" if number == 1 else "duration"), notes


def _walking_week(
    number: int,
    sessions: int,
    cap: int,
    template: str,
    rules: _Rules,
    profile: Profile,
    place: _Place,
    state: _State,
) -> Week:
    """A week of backward intervals; updates ``state`` with this week's dose."""
    kind: ProgressionKind
    if number == rules.supported_weeks + 1:
        kind, notes = _start_walking(number, sessions, cap, template, rules, profile, place, state)
    else:
        kind, note = _progress(template, rules, state, number, cap)
        notes = [note]
    focus = _focus_for(template, number, place.treadmill)
    session = _interval_session(state.backward, state.stage, cap, focus, place)
    treadmill = TreadmillSetting(state.speed, state.incline) if state.speed is not None else None
    return Week(number, sessions, session, focus.focus, treadmill, kind, tuple(notes))


def generate_plan(
    profile: Profile, *, weeks: int = 8, conservative: bool = False, supervised: bool = False
) -> Plan:
    """Make a week-by-week plan that follows the hard rules in the module docstring.

    Args:
        profile: The walker's profile.
        weeks: Plan length, 1-16.
        conservative: Use the cautious template A whatever the profile.
        supervised: Plan for practice with a physical therapist or trained helper present.

    Returns:
        The plan.

    Raises:
        ValueError: If ``weeks`` is outside 1-16 or the profile's minutes or days are outside
            their ranges in ``bot.profile``.
    """
    _validate(profile, weeks)
    choice = choose_template(profile, conservative=conservative)
    template = choice.template
    rules = _RULES[template]
    cap = profile.minutes_per_session
    sessions = sessions_per_week(profile, template)
    supervised = supervised or choice.supervised
    place = _Place(profile.location, profile.location == "treadmill")
    state = _State(stage=0 if template == TEMPLATE_A else _LADDER_START[profile.experience])

    plan_weeks: list[Week] = []
    for number in range(1, weeks + 1):
        if number <= rules.supported_weeks:
            week = _supported_week(number, sessions, cap, template)
        else:
            week = _walking_week(number, sessions, cap, template, rules, profile, place, state)
        if supervised:
            notes = (
                *week.notes,
                "Practise with your physical therapist or a trained helper present.",
            )
            week = replace(week, notes=notes)
        plan_weeks.append(week)

    return Plan(
        template=template,
        weeks=tuple(plan_weeks),
        supervised=supervised,
        conservative=template == TEMPLATE_A,
        disclaimers=_disclaimers(profile, template),
        notes=_plan_notes(template),
        reason=choice.reason,
    )


def starter_plan() -> Plan:
    """The starter session for someone with no plan yet, as a one-week plan.

    Week 1 of the cautious template for the coach's cautious default
    (:data:`bot.profile.CAUTIOUS_PROFILE`) with :data:`bot.profile.STARTER_SESSION_MINUTES`
    sessions: a warm-up, rounds of supported backward steps at a counter or wall, a cool-down.
    Every client that walks without a plan gets this from the bot (the voice coach offline
    too, through this same function).
    """
    profile = replace(CAUTIOUS_PROFILE, minutes_per_session=STARTER_SESSION_MINUTES)
    return generate_plan(profile, weeks=1, conservative=True)


def _disclaimers(profile: Profile, template: str) -> tuple[str, ...]:
    items: list[str] = []
    conditions = [c for c in profile.conditions if c.strip()]
    if conditions:
        items.append(condition_disclaimer(conditions))
    else:
        items.append(default_content().general_disclaimer)
    if template == TEMPLATE_C:
        # §5.4 C; §1.1: retro walking was added to usual physio, not a replacement.
        items.append(
            "Please get your physical therapist's OK first: in the studies, backward walking "
            "was added to strengthening and physio, not used instead of it."
        )
    if (
        profile.age is not None
        and profile.age > 69
        and not profile.regularly_active
        and not profile.clinician_cleared
    ):
        # §3.1: PAR-Q advises people over 69 who aren't used to being active to check first.
        items.append(
            "Because you're over 69 and not used to regular activity, please check with your "
            "doctor before you start."
        )
    if profile.age is not None and profile.age < 18:
        # [SYNTHESIS] §1.12: the children's study was a supervised programme.
        items.append("Have an adult with you while you practise.")
    # §5.4: the templates are examples, not prescriptions.
    items.append("This plan is an example to adapt, not a medical prescription.")
    return tuple(items)


def _plan_notes(template: str) -> tuple[str, ...]:
    notes = [
        # §5.2 Bot rule
        "Hold the plan if you have pain, soreness that lasts more than 2-3 days, or a balance "
        "scare.",
        # §5.2 practice effect (Heath 2001)
        "The same pace usually feels easier after about 4 weeks; that's the cue to progress.",
    ]
    if template == TEMPLATE_D:
        # §5.3 retro running; §5.4 D; §1.8 Ordway 2016; §1.8 IJES backward sprints.
        notes += [
            "Optional next step once 20-30 minutes on a 5-10% incline feels comfortable: brief "
            "bouts of backward jogging. It costs about 30-35% more energy than forward running.",
            "Runners in one study spent about 5 weeks at a lower backward-running speed before "
            "going faster.",
            "As extra work you could add 3 x 40-yard backward sprints on 2 non-consecutive days "
            "a week.",
        ]
    return tuple(notes)


# ---------------------------------------------------------------------------------------------
# Adaptation

_BALANCE_SCARE = re.compile(
    r"\b(lost (my )?balance|(nearly|almost) (fell|fall|tripped)|tripped|stumbled|fell|"
    r"wobbl\w*|unsteady)\b"
)
_NEGATED = re.compile(r"\b(no|not|never|didn't|did not|without)\s+(\w+\s+){0,2}$")


def _balance_scare(note: str) -> bool:
    text = note.lower().replace("’", "'")
    return any(not _NEGATED.search(text[: m.start()]) for m in _BALANCE_SCARE.finditer(text))


def _is_hard(log: WalkLog) -> bool:
    # §5.2: don't progress if RPE > 13.
    return log.feel == "hard" or (log.rpe is not None and log.rpe > RPE_HARD)


def adapt(plan: Plan, current_week: int, logs: Sequence[WalkLog]) -> Adaptation:
    """Decide the next plan week from the logged walks (§5.2, §3.3).

    Logs are ordered by ``day``; a log with no ``plan_week`` is counted in the current week.

    1. Pain, or a balance scare in a note, in this week's logs or the latest log: pause.
    2. The two latest logs both hard (feel "hard" or RPE > 13): step back a week.
    3. Any hard or incomplete session this week: repeat the week.
    4. Completed easy/ok sessions this week >= the planned sessions, or >= 2 all "easy":
       advance.
    5. Otherwise repeat (not enough sessions logged yet).

    Args:
        plan: The plan being followed.
        current_week: The week just done, from 1.
        logs: Logged walks (any order).

    Returns:
        The action, the week to do next and the reason.

    Raises:
        ValueError: If ``current_week`` is not a week of the plan.
    """
    if not 1 <= current_week <= len(plan.weeks):
        raise ValueError(f"current_week must be 1-{len(plan.weeks)}, not {current_week}")
    ordered = sorted(logs, key=lambda log: log.day)
    this_week = [log for log in ordered if log.plan_week in (None, current_week)]
    recent = list(this_week)
    if ordered and all(log is not ordered[-1] for log in recent):
        recent.append(ordered[-1])

    if any(log.pain for log in recent):
        return Adaptation(
            "pause",
            current_week,
            "You mentioned pain, so let's hold your plan where it is. If the pain persists, "
            "stop and see a physiotherapist or doctor, and if soreness lasts more than 2-3 "
            "days, contact a healthcare provider.",
        )
    if any(_balance_scare(log.note) for log in recent):
        return Adaptation(
            "pause",
            current_week,
            "You mentioned a balance scare, so let's hold your plan where it is. Practise "
            "beside a wall or with someone nearby, and see a physiotherapist if it happens again.",
        )
    if len(ordered) >= 2 and all(_is_hard(log) for log in ordered[-2:]):
        previous = max(1, current_week - 1)
        return Adaptation(
            "step_back",
            previous,
            f"Your last two walks felt hard, so let's go back to week {previous} for a while."
            if previous < current_week
            else "Your last two walks felt hard, so let's stay at week 1 and take it easy.",
        )
    if any(_is_hard(log) or not log.completed for log in this_week):
        return Adaptation(
            "repeat",
            current_week,
            f"This week had a hard or unfinished session, so let's repeat week {current_week} "
            "before moving on.",
        )
    done = [log for log in this_week if log.completed and log.feel in ("easy", "ok")]
    planned = plan.weeks[current_week - 1].sessions
    all_easy = bool(done) and all(log.feel == "easy" for log in this_week)
    if len(done) >= planned or (len(done) >= 2 and all_easy):
        if current_week == len(plan.weeks):
            return Adaptation(
                "advance",
                current_week,
                "Well done, that's the last week of your plan. Keep this level steady, or ask "
                "me for a new plan.",
            )
        return Adaptation(
            "advance",
            current_week + 1,
            f"Week {current_week} went well, so you're ready for week {current_week + 1}.",
        )
    return Adaptation(
        "repeat",
        current_week,
        f"You've logged {len(done)} of {planned} sessions for week {current_week}; let's finish "
        "this week before moving on.",
    )


# ---------------------------------------------------------------------------------------------
# Text helpers


def _fmt(value: float) -> str:
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _sessions_text(count: int) -> str:
    return f"{count} session" if count == 1 else f"{count} sessions"


def _speed_text(setting: TreadmillSetting) -> str:
    return f"{setting.speed_mph:.1f} mph ({setting.speed_kmh:.1f} km/h)"


def _week_brief(week: Week) -> str:
    session = week.session
    if session.supported_steps:
        rounds = sum(1 for s in session.segments if s.kind == "supported_steps")
        return (
            f"{rounds} rounds of about {SUPPORTED_STEPS} backward steps holding a counter or "
            f"wall, {_fmt(session.total_minutes)} min in all"
        )
    text = (
        f"{_fmt(session.backward_minutes)} min backward ({_bouts_text(session)}), "
        f"{_fmt(session.total_minutes)} min in all"
    )
    if week.treadmill is not None:
        text += f", at {week.treadmill.speed_mph:.1f} mph"
        if week.treadmill.incline_pct > 0:
            text += f" and {_fmt(week.treadmill.incline_pct)}% incline"
    return text


def _bouts_text(session: Session) -> str:
    bouts = [s.minutes for s in session.segments if s.kind == "backward"]
    if len(bouts) == 1:
        return "in one go"
    if len(set(bouts)) == 1:
        return f"{len(bouts)} bouts of {_fmt(bouts[0])} min"
    return f"bouts of {', '.join(_fmt(b) for b in bouts)} min"


def _segment_lines(session: Session) -> list[str]:
    lines: list[str] = []
    middle: list[Segment] = []
    for segment in session.segments:
        if segment.kind == "warmup":
            lines.append(f"{_fmt(segment.minutes)} min warm-up: {segment.cue}")
        elif segment.kind == "cooldown":
            if middle:
                lines.append(_middle_text(middle))
                middle = []
            lines.append(f"{_fmt(segment.minutes)} min cool-down: {segment.cue}")
        else:
            middle.append(segment)
    if middle:
        lines.append(_middle_text(middle))
    return lines


def _middle_text(segments: list[Segment]) -> str:
    supported = [s for s in segments if s.kind == "supported_steps"]
    if supported:
        return (
            f"{len(supported)} rounds of about {supported[0].steps} supported steps "
            f"backward: {supported[0].cue}"
        )
    backward = [s for s in segments if s.kind == "backward"]
    forward = [s for s in segments if s.kind == "forward"]
    session = Session(tuple(segments))
    text = f"{_fmt(session.backward_minutes)} min backward, {_bouts_text(session)}"
    if forward:
        gaps = sorted({s.minutes for s in forward})
        text += f", with {'-'.join(_fmt(g) for g in gaps)} min forward walking between"
    return f"{text}: {backward[0].cue}" if backward else text
