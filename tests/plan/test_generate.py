"""Plans from bot.plan.generate: each template, the limits, every hard rule for random profiles."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.plan.generate import generate_plan
from bot.plan.model import Plan
from bot.plan.templates import TEMPLATE_A, TEMPLATE_B, TEMPLATE_C, TEMPLATE_D
from bot.plan.week import Session
from bot.profile.model import MINUTES_RANGE, Profile
from tests.plan.profiles import profiles


def _weeks_by(plan: Plan) -> list[float]:
    return [w.session.backward_minutes for w in plan.weeks]


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


# --- Property tests: every hard rule for random profiles ------------------------------------------


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


def test_replace_keeps_profile_valid() -> None:
    # Profiles with an edited field are plans too (adapters build them with dataclasses.replace).
    plan = generate_plan(replace(Profile(), minutes_per_session=MINUTES_RANGE[1]))
    assert plan.weeks[0].session.total_minutes <= MINUTES_RANGE[1]
