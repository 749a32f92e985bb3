"""Progress over logged walks: summary numbers and a short text.

Plain Python, no Rasa import. The chart is drawn by :mod:`bot.progress_chart`.

Definitions:
    Week: a calendar week, Monday to Sunday.
    Weekly streak: the number of consecutive weeks with at least one walk, counted back
        from the current week. A week that has just begun without a walk yet does not
        break the streak: counting then starts at the previous week. So a user who
        walked every week for a month and not yet this Monday still has a 4-week streak;
        one who last walked two weeks ago has 0.
    Recent pain: pain was reported in a walk within :data:`RECENT_PAIN_DAYS` days (today
        and the 13 days before, or a later day).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.profile.model import WalkLog

RECENT_PAIN_DAYS = 14


@dataclass(frozen=True)
class ProgressSummary:
    """What the logs say about a walker's progress.

    Attributes:
        sessions: Number of logged walks.
        backward_minutes_total: Minutes of backward walking over all walks.
        streak_weeks: Consecutive calendar weeks with at least one walk (see the module doc).
        sessions_this_week: Walks in the current calendar week (Monday to today).
        current_week: The plan week the walker is in: the one given to :func:`summarize`,
            else that of the latest walk of the current calendar week that has one, else
            None.
        last_walk_day: Day of the latest walk, None without walks.
        days_since_last_walk: Days from the latest walk to today (0 if today or later).
        pain_reported_recently: Pain reported in a walk of the last 14 days.
    """

    sessions: int
    backward_minutes_total: float
    streak_weeks: int
    sessions_this_week: int
    current_week: int | None
    last_walk_day: date | None
    days_since_last_walk: int | None
    pain_reported_recently: bool


def week_start(day: date) -> date:
    """The Monday of ``day``'s calendar week."""
    return day - timedelta(days=day.weekday())


def walk_day_of(log: WalkLog) -> date:
    """The day of a walk (``ValueError`` if it is not an ISO date)."""
    try:
        return date.fromisoformat(log.day)
    except (TypeError, ValueError):
        raise ValueError(f"walk day must be an ISO date (YYYY-MM-DD), got {log.day!r}") from None


def minutes_of(log: WalkLog) -> float:
    """The backward minutes of a walk (``ValueError`` if not finite or negative)."""
    minutes = float(log.backward_minutes)
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError("backward minutes must be finite and not negative")
    return minutes


def summarize(logs: Sequence[WalkLog], today: date, plan_week: int | None) -> ProgressSummary:
    """Summarise a walker's logs as of ``today``.

    Args:
        logs: The walker's walks, in any order.
        today: The walker's current date.
        plan_week: The week of their active plan, if known.

    Returns:
        The summary; see :class:`ProgressSummary` and the module doc for definitions.

    Raises:
        ValueError: If a walk's day is not an ISO date or its minutes are negative or not
            finite.
    """
    days = [walk_day_of(log) for log in logs]
    total = math.fsum(minutes_of(log) for log in logs)

    weeks_walked = {week_start(day) for day in days}
    this_week = week_start(today)
    week = this_week if this_week in weeks_walked else this_week - timedelta(weeks=1)
    streak = 0
    while week in weeks_walked:
        streak += 1
        week -= timedelta(weeks=1)

    current_week = plan_week
    if current_week is None:
        # Only a walk of this calendar week tells the plan week; older ones may be stale.
        this_weeks = [
            (day, log.plan_week)
            for day, log in zip(days, logs, strict=True)
            if log.plan_week is not None and week_start(day) == this_week
        ]
        if this_weeks:
            current_week = max(this_weeks, key=lambda pair: pair[0])[1]

    last = max(days) if days else None
    recent_from = today - timedelta(days=RECENT_PAIN_DAYS - 1)
    return ProgressSummary(
        sessions=len(logs),
        backward_minutes_total=total,
        streak_weeks=streak,
        sessions_this_week=sum(1 for day in days if this_week <= day <= today),
        current_week=current_week,
        last_walk_day=last,
        days_since_last_walk=None if last is None else max(0, (today - last).days),
        pain_reported_recently=any(
            log.pain and day >= recent_from for day, log in zip(days, logs, strict=True)
        ),
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _format_minutes(minutes: float) -> str:
    rounded = round(minutes, 1)
    text = f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"
    return f"{text} minute" if text == "1" else f"{text} minutes"


def format_summary(summary: ProgressSummary) -> str:
    """Two to four plain sentences about the summary: encouraging, and honest.

    Args:
        summary: The output of :func:`summarize`.

    Returns:
        Plain text (no markup or emoji) for a chat message.
    """
    week_sentence = (
        f"You're in week {summary.current_week} of your plan."
        if summary.current_week is not None
        else None
    )
    if summary.sessions == 0:
        sentences = [
            "You haven't logged any walks yet.",
            "After your first session, tell me how many minutes you walked backwards and "
            "I'll keep track of your progress.",
        ]
        if week_sentence:
            sentences.append(week_sentence)
        return " ".join(sentences)

    sentences = [
        f"You've logged {_plural(summary.sessions, 'walk')} with "
        f"{_format_minutes(summary.backward_minutes_total)} of backward walking in total."
    ]
    streak, walked_this_week = summary.streak_weeks, summary.sessions_this_week > 0
    days_ago = summary.days_since_last_walk or 0
    if streak >= 2 and walked_this_week:
        sentences.append(
            f"That's {streak} weeks in a row with at least one walk, "
            "and regular practice is what builds balance and confidence."
        )
    elif streak >= 2:
        sentences.append(
            f"You've walked {streak} weeks in a row; one walk this week keeps the streak going."
        )
    elif walked_this_week:
        sentences.append(
            f"You've walked {_plural(summary.sessions_this_week, 'time')} this week; "
            "a walk next week starts a weekly streak."
        )
    elif streak == 1:
        sentences.append(
            f"Your last walk was {_plural(days_ago, 'day')} ago; "
            "a walk this week keeps you on track."
        )
    else:
        sentences.append(
            f"Your last walk was {_plural(days_ago, 'day')} ago, so restart gently "
            "with a shorter, easy session."
        )
    if week_sentence:
        sentences.append(week_sentence)
    if summary.pain_reported_recently:
        sentences.append(
            "You reported pain in the last two weeks: keep sessions easy, stop if it hurts, "
            "and check with a clinician if it continues."
        )
    return " ".join(sentences)
