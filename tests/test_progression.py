"""Unit and property tests of bot.progression: templates, hard rules, text and adaptation."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.profile import (
    AGE_RANGE,
    DAYS_RANGE,
    EXPERIENCES,
    GOALS,
    LOCATIONS,
    MINUTES_RANGE,
    WEIGHT_KG_RANGE,
    Profile,
    WalkLog,
)
from bot.progression import (
    TEMPLATE_A,
    TEMPLATE_B,
    TEMPLATE_C,
    TEMPLATE_D,
    Plan,
    Session,
    adapt,
    allowed_next_backward,
    choose_template,
    generate_plan,
)

# One or more condition texts for every category in bot/content/safety.yml, plus free text.
CONDITIONS = (
    "knee osteoarthritis",
    "arthritis",
    "parkinson's",
    "heart condition",
    "high blood pressure",
    "had a stroke",
    "vertigo",
    "diabetic neuropathy",
    "osteoporosis",
    "knee replacement surgery",
    "acl reconstruction",
    "pregnant",
    "on warfarin",
    "glaucoma",
    "asthma",
    "bad knee",
    "knee pain",
    "lower back pain",
    "hip pain",
    "something rare",
    "",
)


def _log(day: str, week: int | None = 1, **kwargs: object) -> WalkLog:
    return WalkLog(day=day, backward_minutes=5, plan_week=week, **kwargs)  # type: ignore[arg-type]


def _weeks_by(plan: Plan) -> list[float]:
    return [w.session.backward_minutes for w in plan.weeks]


# --- Template choice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "template"),
    [
        (Profile(), TEMPLATE_B),
        (Profile(age=65), TEMPLATE_A),
        (Profile(age=64, experience="some"), TEMPLATE_B),
        (Profile(experience="none", goal="balance"), TEMPLATE_A),
        (Profile(experience="some", goal="balance"), TEMPLATE_B),
        (Profile(location="indoor_support"), TEMPLATE_A),
        (Profile(conditions=("vertigo",)), TEMPLATE_A),
        (Profile(conditions=("knee osteoarthritis",)), TEMPLATE_C),
        (Profile(conditions=("bad knee",), goal="joints"), TEMPLATE_C),
        (Profile(conditions=("knee pain",), goal="rehab"), TEMPLATE_C),
        (Profile(conditions=("bad knee",), goal="fitness"), TEMPLATE_B),
        (Profile(conditions=("knee osteoarthritis",), age=70), TEMPLATE_A),
        (Profile(experience="regular", goal="fitness", age=30), TEMPLATE_D),
        (Profile(experience="regular", goal="fitness", age=50), TEMPLATE_B),
        (Profile(experience="regular", goal="fitness", age=None), TEMPLATE_B),
        (Profile(experience="regular", goal="fitness", age=15), TEMPLATE_B),
        (Profile(experience="some", goal="fitness", age=30), TEMPLATE_B),
    ],
)
def test_template_choice(profile: Profile, template: str) -> None:
    assert choose_template(profile).template == template
    assert generate_plan(profile).template == template


def test_conservative_flag_forces_template_a() -> None:
    profile = Profile(experience="regular", goal="fitness", age=30)
    plan = generate_plan(profile, conservative=True)
    assert plan.template == TEMPLATE_A and plan.conservative


@pytest.mark.parametrize("condition", ["parkinson's", "had a stroke", "knee replacement surgery"])
def test_some_conditions_force_supervision(condition: str) -> None:
    plan = generate_plan(Profile(conditions=(condition,)))
    assert plan.supervised
    assert all(any("physical therapist" in n for n in w.notes) for w in plan.weeks)


def test_supervised_flag_is_kept() -> None:
    assert generate_plan(Profile(), supervised=True).supervised
    assert not generate_plan(Profile()).supervised


# --- Templates --------------------------------------------------------------------------------


def test_template_a_supported_steps_then_minutes() -> None:
    plan = generate_plan(Profile(age=72, minutes_per_session=20), weeks=8)
    w1, w2, w3 = plan.weeks[:3]
    for week in (w1, w2):
        assert week.session.backward_minutes == 0
        supported = [s for s in week.session.segments if s.kind == "supported_steps"]
        assert len(supported) == 4 and all(s.steps == 10 for s in supported)
        assert week.treadmill is None
    assert "2-3 steps" in w1.session.segments[1].cue
    assert "10 steps backward in one go" in w2.session.segments[1].cue
    assert (w1.progression, w2.progression, w3.progression) == ("start", "consolidate", "duration")
    assert w3.session.backward_minutes == 3
    assert any("20 steps" in n for n in w3.notes)
    assert _weeks_by(plan)[2:] == [3, 4, 5, 6, 8, 10]
    assert plan.conservative and plan.weeks[0].sessions == 3


def test_template_a_on_treadmill_starts_on_belt_in_week_3() -> None:
    plan = generate_plan(Profile(age=70, location="treadmill"))
    assert plan.weeks[1].treadmill is None
    assert plan.weeks[2].treadmill is not None
    assert plan.weeks[2].treadmill.speed_mph == 0.5
    assert any("safety key" in n for n in plan.weeks[2].notes)
    assert "letting go of the rails" not in plan.weeks[2].technique_focus


def test_template_b_week_one_is_5_min_in_1_min_bouts_with_2_min_forward() -> None:
    plan = generate_plan(Profile(minutes_per_session=30))
    session = plan.weeks[0].session
    backward = [s.minutes for s in session.segments if s.kind == "backward"]
    forward = [s.minutes for s in session.segments if s.kind == "forward"]
    assert backward == [1.0] * 5 and forward == [2.0] * 4
    assert session.segments[0].kind == "warmup" and session.segments[0].minutes == 5
    assert session.segments[-1].kind == "cooldown" and 3 <= session.segments[-1].minutes <= 5
    assert session.total_minutes <= 30


def test_backward_share_grows() -> None:
    plan = generate_plan(Profile(minutes_per_session=60), weeks=8)

    def share(session: Session) -> float:
        interval = [s for s in session.segments if s.kind in ("backward", "forward")]
        return session.backward_minutes / sum(s.minutes for s in interval)

    shares = [share(w.session) for w in plan.weeks]
    assert shares == sorted(shares) and shares[-1] > shares[0]


def test_template_b_builds_toward_20_to_30() -> None:
    plan = generate_plan(Profile(experience="some", minutes_per_session=60), weeks=16)
    assert 20 <= plan.weeks[-1].session.backward_minutes <= 30


def test_template_c_knee_oa_holds_10_minutes_for_6_weeks() -> None:
    profile = Profile(conditions=("knee osteoarthritis",), minutes_per_session=45)
    plan = generate_plan(profile, weeks=10)
    assert plan.template == TEMPLATE_C
    assert _weeks_by(plan)[:6] == [10] * 6
    assert [w.progression for w in plan.weeks[1:6]] == ["consolidate"] * 5
    assert all(w.sessions == 3 for w in plan.weeks)
    later = [w for w in plan.weeks[6:] if w.progression == "duration"]
    assert later and all(any("knee pain" in n for n in w.notes) for w in later)
    assert any("physical therapist" in d for d in plan.disclaimers)


def test_template_d_inclines_only_after_speed_settles() -> None:
    profile = Profile(
        experience="regular",
        goal="fitness",
        age=30,
        location="treadmill",
        minutes_per_session=45,
        days_per_week=6,
    )
    plan = generate_plan(profile, weeks=12)
    settings_ = [w.treadmill for w in plan.weeks]
    assert all(s is not None for s in settings_)
    speeds = [s.speed_mph for s in settings_ if s]
    inclines = [s.incline_pct for s in settings_ if s]
    assert speeds[0] == 1.0 and max(speeds) == 2.5
    first_incline = next(i for i, g in enumerate(inclines) if g > 0)
    assert speeds[first_incline] == 2.5 and inclines[first_incline] == 5
    assert max(inclines) == 10
    assert plan.weeks[0].sessions == 4
    assert any("backward jogging" in n for n in plan.notes)


def test_treadmill_start_speeds() -> None:
    assert generate_plan(Profile(location="treadmill")).weeks[0].treadmill is not None
    beginner = generate_plan(Profile(location="treadmill")).weeks[0].treadmill
    some = generate_plan(Profile(location="treadmill", experience="some")).weeks[0].treadmill
    assert beginner is not None and some is not None
    assert (beginner.speed_mph, some.speed_mph) == (0.5, 1.0)
    assert some.speed_kmh == pytest.approx(1.609344)


def test_treadmill_safety_notes() -> None:
    plan = generate_plan(Profile(location="treadmill"))
    notes = " ".join(plan.weeks[0].notes)
    assert "safety key" in notes and "emergency stop" in notes
    assert "never look behind you" in plan.summary()


def test_five_minute_sessions_fit() -> None:
    plan = generate_plan(Profile(minutes_per_session=5, days_per_week=1), weeks=6)
    for week in plan.weeks:
        assert week.session.total_minutes <= 5
        assert week.session.backward_minutes >= 1
        assert week.sessions == 1
    assert any("5-minute sessions" in n for n in plan.weeks[0].notes)


def test_short_template_a_session_fits() -> None:
    plan = generate_plan(Profile(age=90, minutes_per_session=5), weeks=4)
    assert all(w.session.total_minutes <= 5 for w in plan.weeks)
    assert plan.weeks[0].session.supported_steps >= 10


@pytest.mark.parametrize(
    ("profile", "sessions"),
    [
        (Profile(days_per_week=7), 3),
        (Profile(days_per_week=7, experience="some"), 4),
        (Profile(days_per_week=2, experience="some"), 2),
        (Profile(days_per_week=1), 1),
        (Profile(days_per_week=7, experience="regular", age=80), 3),
    ],
)
def test_sessions_per_week(profile: Profile, sessions: int) -> None:
    assert {w.sessions for w in generate_plan(profile).weeks} == {sessions}


@pytest.mark.parametrize("weeks", [0, -1, 17, 100])
def test_weeks_out_of_range(weeks: int) -> None:
    with pytest.raises(ValueError, match="weeks"):
        generate_plan(Profile(), weeks=weeks)


@pytest.mark.parametrize("weeks", [1, 16])
def test_weeks_edges(weeks: int) -> None:
    assert len(generate_plan(Profile(), weeks=weeks).weeks) == weeks


@pytest.mark.parametrize(
    "profile", [Profile(minutes_per_session=4), Profile(days_per_week=0), Profile(days_per_week=8)]
)
def test_profile_out_of_range(profile: Profile) -> None:
    with pytest.raises(ValueError):
        generate_plan(profile)


def test_allowance_rule() -> None:
    assert allowed_next_backward(0) == 3
    assert allowed_next_backward(5) == 8
    assert allowed_next_backward(14) == 17
    assert allowed_next_backward(15) == 18
    assert allowed_next_backward(20) == 24
    assert allowed_next_backward(28) == 30


def test_technique_focus_changes_and_comes_from_cues() -> None:
    plan = generate_plan(Profile(), weeks=8)
    focuses = [w.technique_focus for w in plan.weeks]
    assert len(set(focuses)) == 8
    assert "toes back first" in focuses[0]


# --- Serialisation and text ---------------------------------------------------------------------


def test_round_trip_through_json() -> None:
    plan = generate_plan(Profile(location="treadmill", conditions=("asthma",)), weeks=12)
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again == plan


def test_from_dict_rejects_unknown_values() -> None:
    data = generate_plan(Profile()).to_dict()
    data["weeks"][0]["segments"][0]["kind"] = "moonwalk"
    with pytest.raises(ValueError, match="moonwalk"):
        Plan.from_dict(data)


def test_summary_and_week_text() -> None:
    plan = generate_plan(Profile(location="treadmill"), weeks=8)
    lines = plan.summary().splitlines()
    assert 3 <= len(lines) <= 6
    assert lines[0].startswith("Your 8-week retro-walking plan")
    text = plan.week_text(1)
    assert text.startswith("Week 1 of 8")
    assert "warm-up" in text and "cool-down" in text and "Treadmill: 0.5 mph" in text
    with pytest.raises(ValueError):
        plan.week_text(9)
    with pytest.raises(ValueError):
        plan.week_text(0)


def test_disclaimers() -> None:
    plain = generate_plan(Profile())
    assert any("not a medical professional" in d for d in plain.disclaimers)
    heart = generate_plan(Profile(conditions=("heart condition",)))
    assert any("cardiologist" in d for d in heart.disclaimers)
    older = generate_plan(Profile(age=75, regularly_active=False))
    assert any("over 69" in d for d in older.disclaimers)
    cleared = generate_plan(Profile(age=75, regularly_active=False, clinician_cleared=True))
    assert not any("over 69" in d for d in cleared.disclaimers)


# --- Adaptation -----------------------------------------------------------------------------------


@pytest.fixture
def plan() -> Plan:
    return generate_plan(Profile(), weeks=8)


def test_pain_pauses(plan: Plan) -> None:
    logs = [_log("2024-05-01", 3), _log("2024-05-03", 3, pain=True, note="knee")]
    result = adapt(plan, 3, logs)
    assert (result.action, result.next_week) == ("pause", 3)
    assert "physiotherapist or doctor" in result.reason and "2-3" in result.reason


def test_pain_in_latest_log_from_last_week_pauses(plan: Plan) -> None:
    result = adapt(plan, 4, [_log("2024-05-03", 3, pain=True)])
    assert result.action == "pause"


def test_balance_scare_pauses(plan: Plan) -> None:
    logs = [_log("2024-05-01", 2, note="I nearly fell on the path")]
    assert adapt(plan, 2, logs).action == "pause"


def test_negated_balance_words_do_not_pause(plan: Plan) -> None:
    logs = [_log(f"2024-05-0{d}", 2, feel="easy", note="didn't fall at all") for d in (1, 3, 5)]
    assert adapt(plan, 2, logs).action == "advance"


@pytest.mark.parametrize(
    "kwargs",
    [{"feel": "hard"}, {"rpe": 15}, {"completed": False}],
)
def test_hard_or_incomplete_repeats(plan: Plan, kwargs: dict[str, object]) -> None:
    logs = [_log("2024-05-01", 2), _log("2024-05-03", 2, **kwargs), _log("2024-05-05", 2)]
    result = adapt(plan, 2, logs)
    assert (result.action, result.next_week) == ("repeat", 2)


def test_rpe_13_is_not_hard(plan: Plan) -> None:
    logs = [_log(f"2024-05-0{d}", 2, rpe=13) for d in (1, 3, 5)]
    assert adapt(plan, 2, logs).action == "advance"


def test_two_hard_in_a_row_steps_back(plan: Plan) -> None:
    logs = [
        _log("2024-05-01", 4),
        _log("2024-05-03", 4, feel="hard"),
        _log("2024-05-05", 4, rpe=16),
    ]
    result = adapt(plan, 4, logs)
    assert (result.action, result.next_week) == ("step_back", 3)


def test_step_back_from_week_one_stays_at_one(plan: Plan) -> None:
    logs = [_log("2024-05-01", 1, feel="hard"), _log("2024-05-03", 1, feel="hard")]
    assert adapt(plan, 1, logs).next_week == 1


def test_logs_are_ordered_by_day(plan: Plan) -> None:
    logs = [_log("2024-05-05", 4, feel="hard"), _log("2024-05-01", 4, feel="hard")]
    logs.insert(1, _log("2024-05-09", 4))
    assert adapt(plan, 4, logs).action == "repeat"


def test_planned_sessions_completed_advances(plan: Plan) -> None:
    logs = [_log(f"2024-05-0{d}", 2) for d in (1, 3, 5)]
    result = adapt(plan, 2, logs)
    assert (result.action, result.next_week) == ("advance", 3)


def test_two_easy_sessions_advance(plan: Plan) -> None:
    logs = [_log("2024-05-01", 2, feel="easy"), _log("2024-05-03", 2, feel="easy")]
    assert adapt(plan, 2, logs).action == "advance"


def test_two_ok_sessions_repeat(plan: Plan) -> None:
    logs = [_log("2024-05-01", 2), _log("2024-05-03", 2)]
    result = adapt(plan, 2, logs)
    assert (result.action, result.next_week) == ("repeat", 2)
    assert "2 of 3" in result.reason


def test_no_logs_repeat(plan: Plan) -> None:
    assert adapt(plan, 1, []).action == "repeat"


def test_other_weeks_logs_do_not_count(plan: Plan) -> None:
    logs = [_log(f"2024-04-0{d}", 1) for d in (1, 3, 5)]
    assert adapt(plan, 2, logs).action == "repeat"


def test_logs_without_week_count_as_current(plan: Plan) -> None:
    logs = [_log(f"2024-05-0{d}", None) for d in (1, 3, 5)]
    assert adapt(plan, 2, logs).action == "advance"


def test_last_week_advance_stays(plan: Plan) -> None:
    logs = [_log(f"2024-05-0{d}", 8) for d in (1, 3, 5)]
    result = adapt(plan, 8, logs)
    assert (result.action, result.next_week) == ("advance", 8)
    assert "last week" in result.reason


@pytest.mark.parametrize("week", [0, 9])
def test_adapt_rejects_unknown_week(plan: Plan, week: int) -> None:
    with pytest.raises(ValueError):
        adapt(plan, week, [])


# --- Property tests: every hard rule for random profiles ------------------------------------------

profiles = st.builds(
    Profile,
    experience=st.sampled_from(EXPERIENCES),
    age=st.none() | st.integers(*AGE_RANGE) | st.sampled_from([AGE_RANGE[0], 64, 65, AGE_RANGE[1]]),
    conditions=st.lists(st.sampled_from(CONDITIONS) | st.text(max_size=20), max_size=3).map(tuple),
    location=st.sampled_from(LOCATIONS),
    goal=st.sampled_from(GOALS),
    minutes_per_session=st.integers(*MINUTES_RANGE)
    | st.sampled_from([MINUTES_RANGE[0], 6, 10, 14, 15, 19, 20, MINUTES_RANGE[1]]),
    days_per_week=st.integers(*DAYS_RANGE),
    weight_kg=st.none() | st.floats(*WEIGHT_KG_RANGE),
    regularly_active=st.none() | st.booleans(),
    clinician_cleared=st.booleans(),
)


def _check_hard_rules(plan: Plan, profile: Profile, weeks: int, conservative: bool) -> None:
    cap = profile.minutes_per_session
    assert len(plan.weeks) == weeks
    assert [w.number for w in plan.weeks] == list(range(1, weeks + 1))
    if conservative or (profile.age is not None and profile.age >= 65):
        assert plan.template == TEMPLATE_A
    if profile.location == "indoor_support":
        assert plan.template == TEMPLATE_A
    if plan.template == TEMPLATE_D:
        assert profile.experience == "regular" and profile.goal == "fitness"
        assert profile.age is not None and profile.age < 50
    beginner = profile.experience == "none" or plan.template in (TEMPLATE_A, TEMPLATE_C)
    speeds = [w.treadmill.speed_mph for w in plan.weeks if w.treadmill]
    previous = None
    for week in plan.weeks:
        session = week.session
        backward = session.backward_minutes
        kinds = [s.kind for s in session.segments]
        # Session structure and the time cap.
        assert session.total_minutes <= cap
        assert all(s.minutes > 0 for s in session.segments)
        assert kinds[0] == "warmup" and kinds[-1] == "cooldown"
        assert kinds.count("warmup") == 1 and kinds.count("cooldown") == 1
        assert 1 <= session.segments[0].minutes <= 5
        assert 1 <= session.segments[-1].minutes <= 5
        if cap >= 20:
            assert session.segments[0].minutes >= 3 and session.segments[-1].minutes >= 3
        middle = kinds[1:-1]
        assert middle and middle[0] != "forward" and middle[-1] != "forward"
        assert all(not (a == "forward" and b == "forward") for a, b in pairwise(middle))
        assert all(s.cue for s in session.segments)
        assert week.technique_focus
        # Sessions per week.
        assert 1 <= week.sessions <= profile.days_per_week
        assert week.sessions <= (3 if beginner else 4)
        # Backward minutes.
        assert 0 <= backward <= 30  # hard rule 2
        if "supported_steps" in kinds:
            assert plan.template == TEMPLATE_A and week.number <= 2 and backward == 0
        else:
            assert backward >= 1
        # Treadmill.
        if profile.location != "treadmill":
            assert week.treadmill is None
        elif "supported_steps" not in kinds:
            assert week.treadmill is not None
        if week.treadmill is not None:
            assert 0.5 <= week.treadmill.speed_mph <= 2.5
            assert 0 <= week.treadmill.incline_pct <= 10  # hard rule 5
            if week.treadmill.incline_pct > 0:
                assert plan.template in (TEMPLATE_B, TEMPLATE_D)
                assert week.treadmill.speed_mph == max(speeds)
            assert round(week.treadmill.speed_kmh / 1.609344, 9) == week.treadmill.speed_mph
        if week.number == 1:
            assert week.progression == "start"
            if plan.template == TEMPLATE_A:
                assert backward == 0
            else:
                assert backward <= 10
                assert backward >= 5 or cap < 15
            if week.treadmill is not None:
                assert week.treadmill.speed_mph in (0.5, 1.0)
        else:
            assert previous is not None
            before = previous.session.backward_minutes
            limit = max(before * 1.2, before + 3) if before < 15 else before * 1.2
            assert backward <= limit + 1e-9
            assert backward >= before
            duration_up = backward > before
            speed_up = incline_up = False
            changed = int(backward != before)
            if week.treadmill is not None and previous.treadmill is not None:
                speed_delta = week.treadmill.speed_mph - previous.treadmill.speed_mph
                incline_delta = week.treadmill.incline_pct - previous.treadmill.incline_pct
                assert 0 <= speed_delta <= 0.5
                assert incline_delta == 0 or 2 <= incline_delta <= 5
                if previous.treadmill.incline_pct > 0:
                    assert speed_delta == 0
                speed_up, incline_up = speed_delta > 0, incline_delta > 0
                changed += int(speed_up) + int(incline_up)
            elif week.treadmill is not None:
                assert week.treadmill.speed_mph in (0.5, 1.0)
                assert week.treadmill.incline_pct == 0
            assert changed <= 1
            expected = (
                "duration"
                if duration_up
                else "speed"
                if speed_up
                else "incline"
                if incline_up
                else None
            )
            if expected:
                assert week.progression == expected
            else:
                assert week.progression in ("hold", "consolidate")
        previous = week


@settings(max_examples=300, deadline=None)
@given(
    profiles,
    st.integers(*(1, 16)) | st.sampled_from([1, 2, 3, 16]),
    st.booleans(),
    st.booleans(),
)
def test_hard_rules_for_random_profiles(
    profile: Profile, weeks: int, conservative: bool, supervised: bool
) -> None:
    plan = generate_plan(profile, weeks=weeks, conservative=conservative, supervised=supervised)
    _check_hard_rules(plan, profile, weeks, conservative)
    if supervised:
        assert plan.supervised
    assert plan.disclaimers
    # Round trip, exactly, through JSON.
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan
    # Text never raises.
    summary = plan.summary()
    assert 3 <= len(summary.splitlines()) <= 6
    for number in range(1, weeks + 1):
        text = plan.week_text(number)
        assert text.startswith(f"Week {number} of {weeks}")
        assert "None" not in text


@settings(max_examples=300, deadline=None)
@given(
    profiles,
    st.lists(
        st.builds(
            WalkLog,
            day=st.dates().map(lambda d: d.isoformat()),
            backward_minutes=st.floats(0, 60),
            feel=st.sampled_from(["easy", "ok", "hard"]),
            rpe=st.none() | st.integers(6, 20),
            pain=st.booleans(),
            note=st.sampled_from(["", "fine", "lost my balance", "no wobbles"]) | st.text(),
            completed=st.booleans(),
            plan_week=st.none() | st.integers(1, 8),
        ),
        max_size=8,
    ),
    st.integers(1, 8),
)
def test_adapt_never_raises_and_stays_in_plan(
    profile: Profile, logs: list[WalkLog], week: int
) -> None:
    plan = generate_plan(profile, weeks=8)
    result = adapt(plan, week, logs)
    assert 1 <= result.next_week <= 8
    assert result.reason
    if any(log.pain for log in logs if log.plan_week in (None, week)):
        assert result.action == "pause"
    if result.action == "advance":
        assert result.next_week in (week, week + 1)
    elif result.action == "step_back":
        assert result.next_week == max(1, week - 1)
    else:
        assert result.next_week == week


def test_replace_keeps_profile_valid() -> None:
    # Profiles with an edited field are plans too (adapters build them with dataclasses.replace).
    plan = generate_plan(replace(Profile(), minutes_per_session=MINUTES_RANGE[1]))
    assert plan.weeks[0].session.total_minutes <= MINUTES_RANGE[1]
