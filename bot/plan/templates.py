"""The four plan templates, their numbers, and which one a profile gets.

Every number is traceable to the fact sheet ``shared/domain/retro-walking-facts.md`` (sections
cited as §n); rules marked [SYNTHESIS] are this package's own choices built from those
sections, not study results.

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
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.profile.model import Profile
from bot.safety.advice import condition_labels

TEMPLATE_A = "older_or_low_confidence"
TEMPLATE_B = "general_fitness"
TEMPLATE_C = "knee_oa"
TEMPLATE_D = "athlete"
TEMPLATES = (TEMPLATE_A, TEMPLATE_B, TEMPLATE_C, TEMPLATE_D)

# Template A's supported start (§5.4 A, §3.4).
SUPPORTED_WEEKS = 2  # §5.4 A weeks 1-2
SUPPORTED_ROUNDS = 4  # §3.4 Eldergym: about 10 steps, repeat 4 times
SUPPORTED_STEPS = 10  # §3.4 Eldergym / LifeCurve: about 10 steps
SUPPORTED_ROUND_MINUTES = 1  # [SYNTHESIS] one round of ~10 steps plus a short rest
UNSUPPORTED_STEPS = 20  # §3.4 LifeCurve: progress to 20 steps without holding
A_FIRST_FREE_MINUTES = 3  # §5.4 A weeks 3-4: 3-5 min per session

BEGINNER_SESSIONS_CAP = 3  # §5.2 ACSM initial stage: 3 non-consecutive days
SESSIONS_CAP = 4  # §5.4 B weeks 5-8: 3-4 d/wk

KNEE_OA_EVIDENCE_WEEKS = 6  # §1.1 / §5.4 C: 10 min, 3 d/wk for 6 weeks (Alghadir 2019)

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
class Rules:
    """Per-template numbers (§5.4)."""

    goal_minutes: int  # backward minutes to build toward
    base_minutes: int  # backward minutes reached before speed or incline go up
    speed_cap_mph: float  # "settled" speed: incline only after this
    incline_step_pct: float  # 0: no incline in this template
    intensity_from_week: int  # first week speed/incline may go up
    consolidate_until_week: int = 0  # weeks 2..n repeat the base dose (template C)
    supported_weeks: int = 0  # template A's supported-steps weeks
    intensity_first: bool = False  # after the base: speed/incline before more duration


RULES: dict[str, Rules] = {
    # §5.4 A: goal 10-20 min; about 1 mph is "doing well" (§0), so one 0.5 mph step; no incline.
    TEMPLATE_A: Rules(20, 5, 1.0, 0.0, 2, supported_weeks=SUPPORTED_WEEKS),
    # §5.4 B: 15-20 min before speed (0.5 mph steps) or a 2-5% incline, then 20-30 min.
    # Speed ceiling 2.5 mph [SYNTHESIS]: well below the ~3.7 mph walk-run transition (§1.9)
    # and the 3.7-4.3 mph speeds that felt "somewhat hard"-"hard" with soreness (Clarkson, §1.9).
    TEMPLATE_B: Rules(30, 15, 2.5, 2.0, 2),
    # §5.4 C: 10 min at a comfortable speed for 6 weeks, then toward 20-30 min with PT's OK.
    # Comfortable speed (Lin 2025): at most 1.5 mph [SYNTHESIS]; no incline (not in §5.4 C).
    TEMPLATE_C: Rules(
        30, 10, 1.5, 0.0, KNEE_OA_EVIDENCE_WEEKS + 1, consolidate_until_week=KNEE_OA_EVIDENCE_WEEKS
    ),
    # §5.4 D: "retro walking up a 5-10% incline": after a 15-min base, speed to the same
    # 2.5 mph ceiling as B [SYNTHESIS], then 5% incline steps to 10% (Chaloupka 5%, Hooper
    # 5-10%, §1.9), then duration toward 30 min.
    TEMPLATE_D: Rules(30, 15, 2.5, 5.0, 2, intensity_first=True),
}

TEMPLATE_LABELS = {
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
