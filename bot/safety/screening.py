"""Pre-participation screening (PAR-Q style) with four levels: red, clearance, yellow, green.

Plain Python with no Rasa import. Rules from the fact sheet, section 3:

- **red**: a red-flag symptom reported as current (chest pain, fainting, severe dizziness or
  breathlessness, a fall with a head injury, stroke signs, acute joint injury, warning signs
  in pregnancy). No plan: stop, seek medical help. A plan is offered only after the person
  confirms a clinician cleared them (then it is screened as yellow: conservative).
- **clearance**: a PAR-Q "yes" or a group of section 3.2 (heart, blood pressure, balance or
  fainting, osteoporosis, surgery, pregnancy, Parkinson's, neuropathy, blood thinners, lung,
  joint problems, arthritis, kidney or liver disease, and any condition the coach does not
  recognise): no plan until the person says a clinician cleared them (section 5.4 A:
  "cleared by a clinician if any PAR-Q yes"). The message names each condition and who to
  consult. Conditions marked ``clearance: false`` in ``safety.yml`` (vision, hearing) do not
  need it.
- **yellow**: cleared by a clinician, a condition that needs no clearance, or age 70+ and not
  used to activity (PAR-Q: over 69 and inactive, advised to check). A disclaimer naming the
  condition and who to consult, and a conservative, supported plan, or a supervised-only
  answer where the fact sheet says so.
- **green**: nothing found. The standard plan with the general disclaimer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.profile.model import Profile
from bot.safety.advice import advice_for_conditions, condition_disclaimer
from bot.safety.assessment import assess_rules
from bot.safety.content import ConditionAdvice, default_content
from bot.safety.stop_message import emergency_number

Level = Literal["red", "clearance", "yellow", "green"]
INACTIVE_AGE = 70  # PAR-Q: people over 69 who are not used to being active check first


@dataclass(frozen=True)
class ScreeningResult:
    """The outcome of screening a profile.

    Attributes:
        level: red, clearance, yellow or green.
        reasons: Plain-words reasons (conditions named back, age rule).
        advice: Condition advice found, in the order mentioned.
        supervised_only: True when the fact sheet says to practise only with supervision.
        plan_allowed: Whether a plan may be generated now.
        conservative: Whether the plan must use the conservative, supported template.
        message: What to tell the person (disclaimer or stop message).
    """

    level: Level
    reasons: tuple[str, ...]
    advice: tuple[ConditionAdvice, ...]
    supervised_only: bool
    plan_allowed: bool
    conservative: bool
    message: str


def screen(profile: Profile) -> ScreeningResult:
    """Screen a profile before a plan is generated.

    Args:
        profile: The walker's profile.

    Returns:
        The screening result.
    """
    # A warning sign now, or a past or recurring one of the emergency kinds (PAR-Q: chest
    # pain, losing consciousness), needs a clinician before any plan.
    red_flags = [
        mention
        for c in profile.conditions
        for mention in assess_rules(c, "conditions_answer").mentions
        if mention.who == "self"
        and (
            mention.status == "current"
            or (mention.status in ("history", "habitual") and mention.severity == "emergency")
        )
    ]
    advice = advice_for_conditions(c for c in profile.conditions if c.strip())
    inactive_older = (
        profile.age is not None
        and profile.age >= INACTIVE_AGE
        and profile.regularly_active is not True
    )
    if red_flags and not profile.clinician_cleared:
        return ScreeningResult(
            level="red",
            reasons=tuple(f.phrase for f in red_flags),
            advice=advice,
            supervised_only=False,
            plan_allowed=False,
            conservative=True,
            message=_red_message(),
        )
    supervised_only = any(a.supervised_only for a in advice)
    needs_clearance = [a for a in advice if a.clearance]
    if needs_clearance and not profile.clinician_cleared and not supervised_only:
        return ScreeningResult(
            level="clearance",
            reasons=tuple(a.name for a in needs_clearance),
            advice=advice,
            supervised_only=False,
            plan_allowed=False,
            conservative=True,
            message=_clearance_message(profile),
        )
    reasons = [a.name for a in advice if a.id != "other"] + [
        a.name for a in advice if a.id == "other"
    ]
    if inactive_older:
        reasons.append(f"age {profile.age} and not used to regular activity")
    if advice or inactive_older or red_flags:
        return ScreeningResult(
            level="yellow",
            reasons=tuple(reasons),
            advice=advice,
            supervised_only=supervised_only,
            plan_allowed=not supervised_only,
            conservative=True,
            message=_yellow_message(profile, supervised_only, inactive_older),
        )
    return ScreeningResult(
        level="green",
        reasons=(),
        advice=(),
        supervised_only=False,
        plan_allowed=True,
        conservative=False,
        message=default_content().general_disclaimer,
    )


def _clearance_message(profile: Profile) -> str:
    return (
        condition_disclaimer(profile.conditions)
        + " So I won't make a plan until a clinician has cleared you for backward walking. "
        'When they have, tell me (for example "my doctor cleared me") and I\'ll build a '
        "gentle plan."
    )


def _red_message() -> str:
    return (
        "Some of what you told me is a warning sign, so I won't make a plan yet. Please stop "
        "exercising and get medical help: see a doctor soon, or call your local emergency "
        f"number ({emergency_number()}) now if it is happening at the moment. Once a "
        "clinician has "
        'cleared you for exercise, tell me (for example "my doctor cleared me") and I\'ll '
        "build a gentle plan."
    )


def _yellow_message(profile: Profile, supervised_only: bool, inactive_older: bool) -> str:
    parts = []
    if profile.conditions:
        parts.append(condition_disclaimer(profile.conditions))
    elif inactive_older:
        parts.append(
            f"At {profile.age}, if you're not used to being active, please check with your "
            "doctor before you start. " + default_content().general_disclaimer
        )
    if supervised_only:
        parts.append(
            "Because of that, I won't give you a plan to do on your own: please practise "
            "walking backwards only with a physical therapist who can supervise you."
        )
    else:
        parts.append(
            "I'll keep your plan gentle: start beside a wall or counter, have someone "
            "with you, and progress slowly."
        )
    return " ".join(parts)
