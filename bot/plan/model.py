"""The plan: its weeks together, to and from a JSON-ready dict, and its text for chat.

:class:`Plan` is what :func:`bot.plan.generate.generate_plan` makes and what is stored
(:meth:`Plan.to_dict`, :meth:`Plan.from_dict`). Its text methods (``summary``, ``week_text``,
``session_text``) use the wording helpers of :mod:`bot.plan.render`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from bot.plan.render import fmt, segment_lines, sessions_text, speed_text, week_brief
from bot.plan.templates import TEMPLATE_LABELS
from bot.plan.week import (
    PROGRESSIONS,
    SEGMENT_KINDS,
    ProgressionKind,
    Segment,
    SegmentKind,
    Session,
    TreadmillSetting,
    Week,
)


@dataclass(frozen=True)
class Plan:
    """A week-by-week retro-walking plan.

    Attributes:
        template: One of :data:`bot.plan.templates.TEMPLATES`.
        weeks: The weeks, in order.
        supervised: Practise with a physical therapist or trained helper present.
        conservative: The cautious template (A) was used.
        disclaimers: Safety disclaimers to show with the plan (§6).
        notes: General notes (how to progress, when to hold, optional next steps).
        reason: Why this template was chosen, in plain words.
    """

    template: str
    weeks: tuple[Week, ...]
    supervised: bool
    conservative: bool
    disclaimers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict that :meth:`from_dict` turns back into an equal plan."""
        return {
            "version": 1,
            "template": self.template,
            "supervised": self.supervised,
            "conservative": self.conservative,
            "disclaimers": list(self.disclaimers),
            "notes": list(self.notes),
            "reason": self.reason,
            "weeks": [_week_to_dict(w) for w in self.weeks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """Rebuild a plan from :meth:`to_dict` output.

        Raises:
            ValueError: If a segment kind or progression value is unknown.
        """
        return cls(
            template=str(data["template"]),
            weeks=tuple(_week_from_dict(w) for w in data["weeks"]),
            supervised=bool(data["supervised"]),
            conservative=bool(data["conservative"]),
            disclaimers=tuple(data.get("disclaimers", ())),
            notes=tuple(data.get("notes", ())),
            reason=str(data.get("reason", "")),
        )

    def summary(self) -> str:
        """A 3-6 line summary for chat."""
        first = self.weeks[0]
        lines = [
            f"Your {len(self.weeks)}-week retro-walking plan ({TEMPLATE_LABELS[self.template]}):"
            f" {sessions_text(first.sessions)} a week"
            + (", with a physical therapist or trained helper present." if self.supervised else ".")
        ]
        lines.append(f"Week 1: {week_brief(first)}.")
        if len(self.weeks) > 1:
            last = self.weeks[-1]
            lines.append(f"Week {last.number}: {week_brief(last)}.")
        treadmill = next((w.treadmill for w in self.weeks if w.treadmill), None)
        if treadmill is not None:
            lines.append(
                f"Treadmill: start at {speed_text(treadmill)} with the safety clip on and your "
                "hands on the rails, and never look behind you."
            )
        lines.append(
            "Move on only when a week feels steady and pain-free, and stop if anything hurts."
        )
        return "\n".join(lines)

    def week_text(self, number: int) -> str:
        """A readable description of one week.

        Args:
            number: The week number, from 1.

        Raises:
            ValueError: If the plan has no such week.
        """
        if not 1 <= number <= len(self.weeks):
            raise ValueError(f"This plan has weeks 1 to {len(self.weeks)}, not {number}.")
        week = self.weeks[number - 1]
        heading = (
            f"Week {week.number} of {len(self.weeks)}: {sessions_text(week.sessions)}, "
            f"about {fmt(week.session.total_minutes)} min each."
        )
        return f"{heading}\n{self.session_text(number)}"

    def session_text(self, number: int) -> str:
        """One week's session in readable lines, without the week heading (the starter
        session has no week of a plan to name).

        Raises:
            ValueError: If the plan has no such week.
        """
        if not 1 <= number <= len(self.weeks):
            raise ValueError(f"This plan has weeks 1 to {len(self.weeks)}, not {number}.")
        week = self.weeks[number - 1]
        session = week.session
        lines = [f"Focus: {week.technique_focus}"]
        lines.extend(f"- {part}" for part in segment_lines(session))
        if week.treadmill is not None:
            incline = (
                f"{fmt(week.treadmill.incline_pct)}% incline"
                if week.treadmill.incline_pct > 0
                else "no incline"
            )
            lines.append(f"Treadmill: {speed_text(week.treadmill)}, {incline}.")
        lines.extend(week.notes)
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Serialisation


def _week_to_dict(week: Week) -> dict[str, Any]:
    return {
        "number": week.number,
        "sessions": week.sessions,
        "segments": [
            {"kind": s.kind, "minutes": s.minutes, "cue": s.cue, "steps": s.steps}
            for s in week.session.segments
        ],
        "technique_focus": week.technique_focus,
        "treadmill": (
            None
            if week.treadmill is None
            else {
                "speed_mph": week.treadmill.speed_mph,
                "incline_pct": week.treadmill.incline_pct,
            }
        ),
        "progression": week.progression,
        "notes": list(week.notes),
    }


def _week_from_dict(data: dict[str, Any]) -> Week:
    segments = []
    for s in data["segments"]:
        if s["kind"] not in SEGMENT_KINDS:
            raise ValueError(f"Unknown segment kind: {s['kind']!r}")
        steps = s.get("steps")
        segments.append(
            Segment(
                kind=cast(SegmentKind, s["kind"]),
                minutes=float(s["minutes"]),
                cue=str(s["cue"]),
                steps=None if steps is None else int(steps),
            )
        )
    if data["progression"] not in PROGRESSIONS:
        raise ValueError(f"Unknown progression: {data['progression']!r}")
    treadmill = data.get("treadmill")
    return Week(
        number=int(data["number"]),
        sessions=int(data["sessions"]),
        session=Session(tuple(segments)),
        technique_focus=str(data["technique_focus"]),
        treadmill=(
            None
            if treadmill is None
            else TreadmillSetting(
                speed_mph=float(treadmill["speed_mph"]),
                incline_pct=float(treadmill["incline_pct"]),
            )
        ),
        progression=cast(ProgressionKind, data["progression"]),
        notes=tuple(data.get("notes", ())),
    )
