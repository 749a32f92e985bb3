"""The weekly progression: what changes from one week to the next, and by how much.

After the starting dose, each week changes at most one of backward duration, treadmill speed
and treadmill incline (hard rules 2-5 in :mod:`bot.plan.generate`), following the template's
:class:`bot.plan.templates.Rules`; :func:`progress` picks the change and the note that tells the
walker about it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.plan.render import fmt
from bot.plan.sessions import INTERVAL_LADDER, fit_backward
from bot.plan.templates import TEMPLATE_A, TEMPLATE_C, Rules
from bot.plan.week import ProgressionKind

MAX_BACKWARD_MINUTES = 30  # §1.13 "build to 20-30 min"; §5.4 B weeks 9+
WEEKLY_INCREASE_FRACTION = 0.20  # §5.2 ACSM: weekly time up by <= 20%
LOW_VOLUME_LIMIT = 15  # §5.2 Bot rule "at low volumes" [SYNTHESIS: under 15 min]
LOW_VOLUME_STEP = 3  # §5.2 Bot rule "+2-5 min per session per week"; §5.4 B "+2-3 min"

SPEED_STEP_MPH = 0.5  # §5.2 "increase in 0.5 mph steps only when fully confident"
MAX_INCLINE_PCT = 10.0  # §5.4 B "2-5% incline", D "5-10% incline"; brief: 10% max


def allowed_next_backward(previous: float) -> float:
    """The most backward minutes allowed the week after ``previous`` (hard rule 3)."""
    allowance = previous * WEEKLY_INCREASE_FRACTION
    if previous < LOW_VOLUME_LIMIT:
        allowance = max(allowance, LOW_VOLUME_STEP)
    return min(previous + allowance, MAX_BACKWARD_MINUTES)


@dataclass
class State:
    """Where the plan stands after the weeks so far: the dose and the last change."""

    backward: int = 0
    stage: int = 0
    speed: float | None = None
    incline: float = 0.0
    last: str = "start"


def _next_intensity(rules: Rules, state: State) -> tuple[str, float] | None:
    if state.speed is None:
        return None
    if state.speed < rules.speed_cap_mph:
        return "speed", min(state.speed + SPEED_STEP_MPH, rules.speed_cap_mph)
    if rules.incline_step_pct > 0 and state.incline < MAX_INCLINE_PCT:
        return "incline", min(state.incline + rules.incline_step_pct, MAX_INCLINE_PCT)
    return None


def _duration_target(template: str, rules: Rules, previous: int, number: int) -> int:
    ceiling = rules.base_minutes if number <= rules.consolidate_until_week else rules.goal_minutes
    # Hard rule 3: never more than the weekly allowance (whole minutes).
    wanted = math.floor(allowed_next_backward(previous))
    if template == TEMPLATE_A:
        # §5.4 A: 3-5 min in weeks 3-4, then 5-10 min adding "about 1-2 min per week".
        wanted = min(wanted, previous + (1 if previous < 6 else 2))
    return min(wanted, ceiling, MAX_BACKWARD_MINUTES)


def _try_duration(
    template: str, rules: Rules, state: State, number: int, cap: int
) -> tuple[int, int] | None:
    target = _duration_target(template, rules, state.backward, number)
    if target <= state.backward:
        return None
    stage = min(state.stage + 1, len(INTERVAL_LADDER) - 1)
    fitted = fit_backward(target, stage, cap)
    if fitted <= state.backward:
        return None
    return fitted, stage


def progress(
    template: str, rules: Rules, state: State, number: int, cap: int
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
                f"Incline goes up to {fmt(value)}% now that your speed is settled; never raise "
                "speed and incline together."
            )
    if state.backward >= rules.goal_minutes or state.backward >= MAX_BACKWARD_MINUTES:
        return "hold", "You've reached this plan's target: keep this level steady."
    return "hold", (
        f"Backward time stays at {state.backward} min: that's what fits your "
        f"{cap}-minute sessions with a warm-up and cool-down."
    )
