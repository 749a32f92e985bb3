"""The safety disclaimers and general notes shown with a plan (§6, §5.2, §5.4)."""

from __future__ import annotations

from bot.plan.templates import TEMPLATE_C, TEMPLATE_D
from bot.profile.model import Profile
from bot.safety.advice import condition_disclaimer
from bot.safety.content import default_content


def plan_disclaimers(profile: Profile, template: str) -> tuple[str, ...]:
    """The safety disclaimers to show with a plan for this profile and template."""
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


def plan_notes(template: str) -> tuple[str, ...]:
    """General notes for a plan of this template: when to hold, when to progress."""
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
