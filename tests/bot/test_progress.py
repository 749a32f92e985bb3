"""Progress summary and its text."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.profile.model import WalkLog
from bot.progress import ProgressSummary, format_summary, summarize, week_start

TODAY = date(2024, 5, 8)  # a Wednesday; its week starts on Monday 2024-05-06
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def walk(day: str, minutes: float = 10, **fields: object) -> WalkLog:
    return WalkLog(day=day, backward_minutes=minutes, **fields)  # type: ignore[arg-type]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


# -- summarize ------------------------------------------------------------------------


def test_week_start_is_monday() -> None:
    assert week_start(TODAY) == date(2024, 5, 6)
    assert week_start(date(2024, 5, 5)) == date(2024, 4, 29)  # a Sunday
    assert week_start(date(2024, 5, 6)) == date(2024, 5, 6)


def test_summary_of_no_walks() -> None:
    assert summarize([], TODAY, None) == ProgressSummary(
        sessions=0,
        backward_minutes_total=0.0,
        streak_weeks=0,
        sessions_this_week=0,
        current_week=None,
        last_walk_day=None,
        days_since_last_walk=None,
        pain_reported_recently=False,
    )
    assert summarize([], TODAY, 1).current_week == 1


def test_summary_numbers_for_hand_made_logs() -> None:
    logs = [
        walk("2024-05-07", 12.5, plan_week=3),  # this week (Tuesday)
        walk("2024-04-22", 5),  # three weeks back
        walk("2024-05-01", 7.25, pain=True, note="knee"),  # last week, 7 days ago
        walk("2024-04-30", 10, plan_week=2),  # last week again
        walk("2024-04-08", 20),  # before a gap week (15-21 April)
        walk("2024-05-06", 3.75),  # this week (Monday)
    ]
    summary = summarize(logs, TODAY, None)
    assert summary == ProgressSummary(
        sessions=6,
        backward_minutes_total=58.5,
        streak_weeks=3,  # weeks of 22 Apr, 29 Apr, 6 May; the gap breaks it
        sessions_this_week=2,
        current_week=3,  # from this week's walk
        last_walk_day=date(2024, 5, 7),
        days_since_last_walk=1,
        pain_reported_recently=True,
    )
    assert summarize(logs, TODAY, 4).current_week == 4  # the caller's plan week wins


def test_streak_is_kept_until_a_whole_week_passes_without_a_walk() -> None:
    logs = [walk("2024-04-23"), walk("2024-04-30"), walk("2024-05-01")]
    assert summarize(logs, TODAY, None).streak_weeks == 2  # none yet this week: not broken
    assert summarize(logs, date(2024, 5, 12), None).streak_weeks == 2  # Sunday, same week
    assert summarize(logs, date(2024, 5, 13), None).streak_weeks == 0  # a week was missed


def test_streak_uses_calendar_weeks_not_seven_day_windows() -> None:
    logs = [walk("2024-05-05"), walk("2024-05-06")]  # Sunday, then Monday
    summary = summarize(logs, date(2024, 5, 6), None)
    assert summary.streak_weeks == 2
    assert summary.sessions_this_week == 1
    one_week = summarize([walk("2024-04-29"), walk("2024-05-05")], date(2024, 5, 5), None)
    assert one_week.streak_weeks == 1  # Monday and Sunday of one week


def test_pain_counts_for_fourteen_days() -> None:
    thirteen_days_ago = (TODAY - timedelta(days=13)).isoformat()
    fourteen_days_ago = (TODAY - timedelta(days=14)).isoformat()
    assert summarize([walk(thirteen_days_ago, pain=True)], TODAY, None).pain_reported_recently
    assert not summarize(
        [walk(fourteen_days_ago, pain=True), walk(TODAY.isoformat())], TODAY, None
    ).pain_reported_recently


def test_stale_plan_week_is_not_reported_as_current() -> None:
    summary = summarize([walk("2024-03-01", plan_week=2)], TODAY, None)
    assert summary.current_week is None
    assert summary.days_since_last_walk == 68


def test_walk_dated_after_today_counts_as_today() -> None:
    summary = summarize([walk("2024-05-09")], TODAY, None)  # e.g. another time zone
    assert summary.days_since_last_walk == 0
    assert summary.sessions_this_week == 0
    assert summary.sessions == 1


def test_invalid_logs_raise_value_error() -> None:
    with pytest.raises(ValueError, match="ISO date"):
        summarize([walk("yesterday")], TODAY, None)
    with pytest.raises(ValueError):
        summarize([walk("2024-05-01", -3)], TODAY, None)


# -- format_summary -------------------------------------------------------------------


def test_text_for_no_walks() -> None:
    text = format_summary(summarize([], TODAY, None))
    assert "haven't logged any walks" in text
    assert 2 <= len(sentences(text)) <= 4


def test_text_reports_totals_streak_week_and_pain() -> None:
    logs = [
        walk("2024-04-22", 5),
        walk("2024-04-30", 10, plan_week=2),
        walk("2024-05-01", 7.25, pain=True),
        walk("2024-05-07", 12.5, plan_week=3),
    ]
    text = format_summary(summarize(logs, TODAY, None))
    assert text.startswith("You've logged 4 walks with 34.8 minutes of backward walking")
    assert "3 weeks in a row" in text
    assert "week 3 of your plan" in text
    assert "pain" in text and "clinician" in text
    assert len(sentences(text)) == 4


def test_text_is_honest_after_a_break_and_has_no_pain_advice_without_pain() -> None:
    text = format_summary(summarize([walk("2024-04-10", 1)], TODAY, None))
    assert "1 walk with 1 minute of backward walking" in text
    assert "28 days ago" in text and "restart gently" in text
    assert "pain" not in text
    assert len(sentences(text)) == 2


def test_text_when_this_week_has_no_walk_yet() -> None:
    text = format_summary(summarize([walk("2024-04-24"), walk("2024-05-02")], TODAY, None))
    assert "2 weeks in a row" in text and "this week keeps the streak going" in text
    text = format_summary(summarize([walk("2024-05-02")], TODAY, None))
    assert "6 days ago" in text


walks = st.builds(
    WalkLog,
    day=st.dates(date(2023, 1, 1), date(2024, 12, 31)).map(date.isoformat),
    backward_minutes=st.floats(0, 120, allow_nan=False),
    pain=st.booleans(),
    plan_week=st.none() | st.integers(1, 12),
)


@settings(max_examples=200, deadline=None)
@given(
    logs=st.lists(walks, max_size=30),
    today=st.dates(date(2023, 1, 1), date(2025, 3, 1)),
    plan_week=st.none() | st.integers(1, 12),
)
def test_summary_and_text_invariants(
    logs: list[WalkLog], today: date, plan_week: int | None
) -> None:
    summary = summarize(logs, today, plan_week)
    assert summary.sessions == len(logs)
    assert summary.streak_weeks <= len({week_start(date.fromisoformat(w.day)) for w in logs})
    assert summary.backward_minutes_total == pytest.approx(sum(w.backward_minutes for w in logs))
    text = format_summary(summary)
    assert 2 <= len(sentences(text)) <= 4
    assert text.isascii() and not set("*_#`<>") & set(text)
