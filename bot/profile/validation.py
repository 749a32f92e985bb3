"""One answer or one rejection per slot: ranges, contradictions and the messages explaining them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from bot.profile.model import AGE_RANGE, DAYS_RANGE, EXPERIENCES, MINUTES_RANGE, WEIGHT_KG_RANGE
from bot.profile.slots import (
    ACTIVE,
    AGE_SLOT,
    CONDITIONS,
    DAYS,
    EXPERIENCE,
    GOAL,
    LOCATION,
    MINUTES,
    SLOTS,
    WEIGHT_SLOT,
    ParsedAnswer,
    Rejection,
)
from bot.profile.text import Found, Results, fmt_number, in_range


@dataclass(frozen=True)
class _NumberRule:
    """How to turn numeric candidates of one slot into a value or a rejection."""

    convert: Callable[[float], float]
    bounds: tuple[float, float]
    out_of_range: Callable[[float, str], str]
    conflict: Callable[[list[str]], str]
    tolerance: float = 0.0


def _minutes_message(value: float, text: str) -> str:
    low, high = MINUTES_RANGE
    if not re.search(r"[^\W\d_]", text):
        text = f"{text} minutes"
    if value < low:
        return (
            f"{text} is too short for a session I can plan; I need at least {low} minutes. "
            "How many minutes could you give each session?"
        )
    return (
        f"{text} is more than I'd plan for one session (up to {high} minutes). "
        "How many minutes could you give each session?"
    )


def _days_message(value: float, text: str) -> str:
    low, high = DAYS_RANGE
    if value > high:
        return (
            f"There are only {high} days in a week, so I can't plan {fmt_number(value)}. "
            "How many days a week can you walk?"
        )
    if not value.is_integer():
        return f"How many whole days a week can you walk? A number from {low} to {high} works."
    return (
        f"{fmt_number(value)} days a week doesn't give me anything to plan. "
        f"How many days a week, from {low} to {high}, could you walk?"
    )


def _weight_message(value: float, text: str) -> str:
    low, high = WEIGHT_KG_RANGE
    return (
        f"{text} doesn't look like a body weight I can use (I work with {low:g}-{high:g} kg). "
        "What do you weigh? You can say it in kg, lb or stone."
    )


def _whole_days(value: float) -> float:
    return value if value.is_integer() else math.nan


_NUMBER_RULES: Final[dict[str, _NumberRule]] = {
    AGE_SLOT: _NumberRule(
        convert=lambda v: float(math.floor(v)),
        bounds=AGE_RANGE,
        out_of_range=lambda v, text: (
            f"{fmt_number(v)} isn't an age I can plan for. How old are you, in years?"
        ),
        conflict=lambda vs: (
            f"You mentioned more than one age ({' and '.join(vs)}). Which one is yours?"
        ),
    ),
    MINUTES: _NumberRule(
        convert=lambda v: float(round(v)),
        bounds=MINUTES_RANGE,
        out_of_range=_minutes_message,
        conflict=lambda vs: (
            f"I heard both {' and '.join(vs)} minutes. "
            "How many minutes do you have for each session?"
        ),
    ),
    DAYS: _NumberRule(
        convert=_whole_days,
        bounds=DAYS_RANGE,
        out_of_range=_days_message,
        conflict=lambda vs: (
            f"I heard both {' and '.join(vs)} days a week. How many days a week can you walk?"
        ),
    ),
    WEIGHT_SLOT: _NumberRule(
        convert=lambda v: round(v, 1),
        bounds=WEIGHT_KG_RANGE,
        out_of_range=_weight_message,
        conflict=lambda vs: (
            f"I heard two different weights ({' and '.join(vs)} kg). Which one is right?"
        ),
        tolerance=1.0,
    ),
}
_INT_SLOTS: Final = frozenset({AGE_SLOT, MINUTES, DAYS})


def _resolve_number(slot: str, found: list[Found]) -> ParsedAnswer | Rejection:
    """Range-check numeric candidates and detect contradictions."""
    rule = _NUMBER_RULES[slot]
    values: list[float] = []
    for f in found:
        raw = float(f.value)
        value = rule.convert(raw) if math.isfinite(raw) else math.nan
        if math.isnan(value) or not in_range(value, rule.bounds):
            return Rejection(slot, rule.out_of_range(raw, f.text))
        if all(abs(value - v) > rule.tolerance for v in values):
            values.append(value)
    if len(values) > 1:
        return Rejection(slot, rule.conflict([fmt_number(v) for v in values]))
    answer: int | float = int(values[0]) if slot in _INT_SLOTS else values[0]
    return ParsedAnswer(slot, answer, found[0].text)


def _distinct(found: list[Found]) -> list[Any]:
    values: list[Any] = []
    for f in found:
        if f.value not in values:
            values.append(f.value)
    return values


def _text_for(found: list[Found], value: Any) -> str:
    return next(f.text for f in found if f.value == value)


_LOCATION_WORDS: Final[dict[str, str]] = {
    "treadmill": "the treadmill",
    "outdoor": "walking outdoors",
    "indoor_support": "walking indoors",
}
_GOAL_WORDS: Final[dict[str, str]] = {
    "balance": "balance",
    "joints": "your joints",
    "fitness": "fitness",
    "rehab": "rehab",
    "curiosity": "just trying it out",
}


def _resolve_location(found: list[Found]) -> ParsedAnswer | Rejection:
    strong = [f for f in found if not f.weak]
    use = strong or found
    values = _distinct(use)
    if len(values) > 1:
        names = " and ".join(_LOCATION_WORDS[v] for v in values)
        return Rejection(
            LOCATION,
            f"You mentioned {names}. Where will you do most of your backward walking: "
            "on a treadmill, outdoors on a flat path, or indoors next to a wall or rail?",
        )
    return ParsedAnswer(LOCATION, values[0], _text_for(use, values[0]))


def _resolve_goal(found: list[Found]) -> ParsedAnswer | Rejection:
    values = _distinct(found)
    if len(values) > 1 and "curiosity" in values:
        values.remove("curiosity")
    if "rehab" in values and "joints" in values:
        values.remove("joints")
    if len(values) > 1:
        names = " and ".join(_GOAL_WORDS[v] for v in values)
        return Rejection(
            GOAL,
            f"You mentioned {names}. Which one matters most to you right now? "
            "I'll build the plan around it.",
        )
    return ParsedAnswer(GOAL, values[0], _text_for(found, values[0]))


def _resolve_experience(found: list[Found]) -> ParsedAnswer:
    best = max(found, key=lambda f: EXPERIENCES.index(f.value))
    return ParsedAnswer(EXPERIENCE, best.value, best.text)


def _resolve_active(found: list[Found]) -> ParsedAnswer | Rejection:
    values = _distinct(found)
    if len(values) > 1:
        return Rejection(
            ACTIVE,
            "I'm not sure whether you're active at the moment. "
            "Do you exercise regularly these days?",
        )
    return ParsedAnswer(ACTIVE, values[0], found[0].text)


def _resolve_conditions(found: list[Found], out: Results) -> ParsedAnswer | None:
    values = tuple(_distinct(found))
    if values:
        return ParsedAnswer(CONDITIONS, values, ", ".join(dict.fromkeys(f.text for f in found)))
    if out.no_conditions is not None:
        return ParsedAnswer(CONDITIONS, (), out.no_conditions)
    return None


def _resolve_slot(slot: str, out: Results) -> ParsedAnswer | Rejection | None:
    found = out.of(slot)
    if slot == CONDITIONS:
        return _resolve_conditions(found, out)
    if not found:
        return None
    if slot in _NUMBER_RULES:
        return _resolve_number(slot, found)
    if slot == LOCATION:
        return _resolve_location(found)
    if slot == GOAL:
        return _resolve_goal(found)
    if slot == EXPERIENCE:
        return _resolve_experience(found)
    return _resolve_active(found)


def resolve(out: Results) -> tuple[list[ParsedAnswer], list[Rejection]]:
    answers: list[ParsedAnswer] = []
    rejections: list[Rejection] = []
    for slot in SLOTS:
        result = _resolve_slot(slot, out)
        if result is None:
            result = next((p for p in out.problems if p.slot == slot), None)
        if isinstance(result, ParsedAnswer):
            answers.append(result)
        elif isinstance(result, Rejection):
            rejections.append(result)
    return answers, rejections


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
