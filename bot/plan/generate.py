"""Making a plan: :func:`generate_plan` for a profile, :func:`starter_plan` for no plan yet.

Plain Python with no Rasa import. Every number and cue is traceable to the fact sheet
``shared/domain/retro-walking-facts.md`` (sections cited as §n); rules marked [SYNTHESIS]
are this package's own choices built from those sections, not study results. The templates
are described in :mod:`bot.plan.templates`, the session layout in :mod:`bot.plan.sessions`,
the week-to-week changes in :mod:`bot.plan.progression`.

HARD RULES (enforced by :func:`generate_plan`; the property tests check every one):

1. Week 1 has 5-10 backward minutes (``START_BACKWARD_RANGE``; §0 lay-expert dose, §1.13).
   Template A starts lower, with supported steps (0 backward minutes in weeks 1-2, 3 in week 3).
   Sessions too short to fit 5 minutes (under 15 min for a beginner) get what fits.
2. Backward minutes build toward 20-30 (§1.13, §5.4 B) and are never above
   ``MAX_BACKWARD_MINUTES`` = 30 per session (:mod:`bot.plan.progression`), for every
   template (no athlete exception).
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
   (``SHORT_SESSION_FLOORS`` in :mod:`bot.plan.sessions`) [SYNTHESIS]; backward time is
   reduced last.
7. Sessions per week: at least 1, never more than ``profile.days_per_week``, at most 3 for
   beginners (experience "none", templates A and C) and 4 otherwise, with a rest day between
   (§5.2 ACSM: 3 non-consecutive days; §5.4 B: 3-4 d/wk).
8. ``weeks`` is 1-16; anything else raises ValueError.
"""

from __future__ import annotations

from dataclasses import replace

from bot.plan.cues import focus_for
from bot.plan.disclaimers import plan_disclaimers, plan_notes
from bot.plan.model import Plan
from bot.plan.progression import State, progress
from bot.plan.render import sessions_text
from bot.plan.sessions import Place, fit_backward, interval_session, supported_session
from bot.plan.templates import (
    A_FIRST_FREE_MINUTES,
    RULES,
    TEMPLATE_A,
    TEMPLATE_C,
    UNSUPPORTED_STEPS,
    Rules,
    choose_template,
    sessions_per_week,
)
from bot.plan.week import ProgressionKind, TreadmillSetting, Week
from bot.profile.model import (
    CAUTIOUS_PROFILE,
    DAYS_RANGE,
    MINUTES_RANGE,
    STARTER_SESSION_MINUTES,
    Profile,
)

WEEKS_RANGE = (1, 16)
START_BACKWARD_RANGE = (5, 10)  # §0 "5-10 min" lay-expert starting dose; §1.13

_LADDER_START = {"none": 0, "some": 1, "regular": 2}
_START_MINUTES = {"none": 5, "some": 8, "regular": 10}  # within §0's 5-10 min


def _first_week_notes(place: Place, sessions: int) -> list[str]:
    notes = [
        f"Spread the {sessions_text(sessions)} out, with a rest day between them where you can."
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
        notes += _first_week_notes(Place("indoor_support", False), sessions)
        notes.append("These first weeks are at home: a counter or wall, not a treadmill.")
    else:
        notes.append("Same rounds as last week, now about 10 steps in one go.")
    notes.append("Have someone nearby if you feel unsure.")  # §3.4 Eldergym
    kind: ProgressionKind = "start" if number == 1 else "consolidate"
    focus = focus_for(template, number, treadmill=False)
    return Week(
        number, sessions, supported_session(number, cap), focus.focus, None, kind, tuple(notes)
    )


def _start_walking(
    number: int,
    sessions: int,
    cap: int,
    template: str,
    rules: Rules,
    profile: Profile,
    place: Place,
    state: State,
) -> tuple[ProgressionKind, list[str]]:
    """Set the starting dose: week 1, or week 3 after template A's supported steps."""
    if template == TEMPLATE_A:
        start = A_FIRST_FREE_MINUTES
    elif template == TEMPLATE_C:
        start = rules.base_minutes
    else:
        start = _START_MINUTES[profile.experience]
    state.backward = fit_backward(min(start, START_BACKWARD_RANGE[1]), state.stage, cap)
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
    rules: Rules,
    profile: Profile,
    place: Place,
    state: State,
) -> Week:
    """A week of backward intervals; updates ``state`` with this week's dose."""
    kind: ProgressionKind
    if number == rules.supported_weeks + 1:
        kind, notes = _start_walking(number, sessions, cap, template, rules, profile, place, state)
    else:
        kind, note = progress(template, rules, state, number, cap)
        notes = [note]
    focus = focus_for(template, number, place.treadmill)
    session = interval_session(state.backward, state.stage, cap, focus, place)
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
            their ranges in ``bot.profile.model``.
    """
    _validate(profile, weeks)
    choice = choose_template(profile, conservative=conservative)
    template = choice.template
    rules = RULES[template]
    cap = profile.minutes_per_session
    sessions = sessions_per_week(profile, template)
    supervised = supervised or choice.supervised
    place = Place(profile.location, profile.location == "treadmill")
    state = State(stage=0 if template == TEMPLATE_A else _LADDER_START[profile.experience])

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
        disclaimers=plan_disclaimers(profile, template),
        notes=plan_notes(template),
        reason=choice.reason,
    )


def starter_plan() -> Plan:
    """The starter session for someone with no plan yet, as a one-week plan.

    Week 1 of the cautious template for the coach's cautious default
    (:data:`bot.profile.model.CAUTIOUS_PROFILE`) with
    :data:`bot.profile.model.STARTER_SESSION_MINUTES` sessions: a warm-up, rounds of supported
    backward steps at a counter or wall, a cool-down. Every client that walks without a plan
    gets this from the bot (the voice coach offline too, through this same function).
    """
    profile = replace(CAUTIOUS_PROFILE, minutes_per_session=STARTER_SESSION_MINUTES)
    return generate_plan(profile, weeks=1, conservative=True)
