"""Sessions from the bot's plan, as the ``retrowalk_session`` payload clients walk.

:func:`plan_session` is what ``action_todays_session`` sends for a week of the user's plan;
:func:`starter_session` is the bot's starter session (:func:`bot.plan.generate.starter_plan`)
for someone with no plan yet. A client that never got a session from the bot and cannot reach
it walks :func:`starter_session` too: the bot's decision, taken from here as data, so no client
plans on its own (the voice coach imports nothing from :mod:`bot.plan`).
"""

from __future__ import annotations

from bot.plan.generate import starter_plan
from bot.plan.model import Plan
from bot.protocol.session import Segment, SessionPayload, Treadmill


def plan_session(
    plan: Plan, week_number: int, day: int | None = 1, *, starter: bool = False
) -> SessionPayload:
    """A week's session of ``plan``.

    Args:
        plan: The plan.
        week_number: The week, from 1.
        day: Which session of that week (1 to the week's sessions), or None for the starter
            session; sessions within a week are the same, the number tells the walker where
            they are in the week.
        starter: This is the starter session for someone with no plan
            (:func:`bot.plan.generate.starter_plan`), not a week of their own plan.

    Raises:
        ValueError: If the plan has no such week.
    """
    week = next((w for w in plan.weeks if w.number == week_number), None)
    if week is None:
        raise ValueError(f"the plan has weeks 1 to {len(plan.weeks)}, not week {week_number}")
    return SessionPayload(
        week=week.number,
        day=day,
        segments=tuple(Segment(s.kind, s.minutes, s.cue, s.steps) for s in week.session.segments),
        technique_focus=week.technique_focus,
        treadmill=(
            Treadmill(week.treadmill.speed_mph, week.treadmill.incline_pct)
            if week.treadmill
            else None
        ),
        starter=starter,
        sessions=week.sessions,
        plan_weeks=len(plan.weeks),
        template=plan.template,
    )


def starter_session() -> SessionPayload:
    """The bot's starter session: a warm-up, rounds of supported backward steps at a counter
    or wall, and a cool-down (week 1 of :func:`bot.plan.generate.starter_plan`, no day)."""
    return plan_session(starter_plan(), 1, None, starter=True)
