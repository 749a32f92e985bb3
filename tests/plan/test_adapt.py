"""Adapting a plan to logged walks (bot.plan.adapt), with a property test."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.plan.adapt import adapt
from bot.plan.generate import generate_plan
from bot.plan.model import Plan
from bot.profile.model import Profile, WalkLog
from tests.plan.profiles import profiles


def _log(day: str, week: int | None = 1, **kwargs: object) -> WalkLog:
    return WalkLog(day=day, backward_minutes=5, plan_week=week, **kwargs)  # type: ignore[arg-type]


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
