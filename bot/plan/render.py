"""Wording for plan text: numbers, session counts, speeds, a week in brief, a session's lines.

Used by :class:`bot.plan.model.Plan`'s text methods and by the notes of
:mod:`bot.plan.generate` and :mod:`bot.plan.progression`.
"""

from __future__ import annotations

from bot.plan.templates import SUPPORTED_STEPS
from bot.plan.week import Segment, Session, TreadmillSetting, Week


def fmt(value: float) -> str:
    """A number to one decimal place, without a trailing ``.0``."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def sessions_text(count: int) -> str:
    """``1 session``, ``3 sessions``."""
    return f"{count} session" if count == 1 else f"{count} sessions"


def speed_text(setting: TreadmillSetting) -> str:
    """The treadmill speed in mph with km/h."""
    return f"{setting.speed_mph:.1f} mph ({setting.speed_kmh:.1f} km/h)"


def week_brief(week: Week) -> str:
    """One week in a line, for the plan summary."""
    session = week.session
    if session.supported_steps:
        rounds = sum(1 for s in session.segments if s.kind == "supported_steps")
        return (
            f"{rounds} rounds of about {SUPPORTED_STEPS} backward steps holding a counter or "
            f"wall, {fmt(session.total_minutes)} min in all"
        )
    text = (
        f"{fmt(session.backward_minutes)} min backward ({_bouts_text(session)}), "
        f"{fmt(session.total_minutes)} min in all"
    )
    if week.treadmill is not None:
        text += f", at {week.treadmill.speed_mph:.1f} mph"
        if week.treadmill.incline_pct > 0:
            text += f" and {fmt(week.treadmill.incline_pct)}% incline"
    return text


def _bouts_text(session: Session) -> str:
    bouts = [s.minutes for s in session.segments if s.kind == "backward"]
    if len(bouts) == 1:
        return "in one go"
    if len(set(bouts)) == 1:
        return f"{len(bouts)} bouts of {fmt(bouts[0])} min"
    return f"bouts of {', '.join(fmt(b) for b in bouts)} min"


def segment_lines(session: Session) -> list[str]:
    """A session as lines: warm-up, the backward part, cool-down."""
    lines: list[str] = []
    middle: list[Segment] = []
    for segment in session.segments:
        if segment.kind == "warmup":
            lines.append(f"{fmt(segment.minutes)} min warm-up: {segment.cue}")
        elif segment.kind == "cooldown":
            if middle:
                lines.append(_middle_text(middle))
                middle = []
            lines.append(f"{fmt(segment.minutes)} min cool-down: {segment.cue}")
        else:
            middle.append(segment)
    if middle:
        lines.append(_middle_text(middle))
    return lines


def _middle_text(segments: list[Segment]) -> str:
    supported = [s for s in segments if s.kind == "supported_steps"]
    if supported:
        return (
            f"{len(supported)} rounds of about {supported[0].steps} supported steps "
            f"backward: {supported[0].cue}"
        )
    backward = [s for s in segments if s.kind == "backward"]
    forward = [s for s in segments if s.kind == "forward"]
    session = Session(tuple(segments))
    text = f"{fmt(session.backward_minutes)} min backward, {_bouts_text(session)}"
    if forward:
        gaps = sorted({s.minutes for s in forward})
        text += f", with {'-'.join(fmt(g) for g in gaps)} min forward walking between"
    return f"{text}: {backward[0].cue}" if backward else text
