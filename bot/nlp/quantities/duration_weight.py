"""Durations and weights: "N unit [and] N unit ..." compounds ("1 hour 30", "11 st 4 lb")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.nlp.quantities.kinds import DURATION, WEIGHT, Quantity, result
from bot.nlp.quantities.lexicon import (
    DURATION_SUBUNIT,
    DURATION_UNITS,
    TENS_WORDS,
    UNITS_WORDS,
    WEIGHT_SUBUNIT,
    WEIGHT_UNITS,
    Unit,
)
from bot.nlp.quantities.numbers import (
    match_unit,
    number_before_unit,
    parse_number_words,
    prepare,
)

# Plausibility limits (canonical units). Values outside are rejected as nonsense.
_MAX_DURATION_MIN: Final = 24 * 60
_MAX_WEIGHT_KG: Final = 500.0


def _parse_compound(
    tokens: Sequence[str],
    table: dict[tuple[str, ...], Unit],
    subunits: dict[int, Unit],
) -> float | None:
    """Sum "N unit [and] N unit ..." groups into the canonical unit.

    Units must strictly decrease in rank ("1 hour 30 minutes", never "30 minutes 1 hour").
    A trailing bare number is a fraction of the previous unit when below one ("an hour and a
    half") or a count of its sub-unit when a whole number ("1h30", "11 st 4").
    """
    total = 0.0
    last: Unit | None = None
    i = 0
    n = len(tokens)
    while i < n:
        if last is not None and tokens[i] in ("and", "plus"):
            i += 1
            if i >= n:
                return None
        j = i
        found: tuple[int, Unit] | None = None
        while j < n:
            found = match_unit(tokens, j, table)
            if found is not None:
                break
            j += 1
        if found is None:
            # Trailing bare number after at least one group.
            if last is None:
                return None
            value = parse_number_words(tokens[i:])
            if value is None or value <= 0:
                return None
            if value < 1:
                total += value * last.factor
            else:
                sub = subunits.get(last.rank)
                if sub is None or not value.is_integer():
                    return None
                total += value * sub.factor
            return total
        length, unit = found
        if unit.compound_only and last is None:
            return None
        if last is not None and (unit.rank >= last.rank or unit.system != last.system):
            return None
        value = number_before_unit(tokens[i:j])
        if value is None or value <= 0:
            return None
        total += value * unit.factor
        last = unit
        i = j + length
    return total if last is not None else None


def parse_duration(text: str) -> Quantity | None:
    """Parse a duration; canonical unit: minutes.

    Args:
        text: e.g. "10 minutes", "10mins", "half an hour", "an hour and a half", "1.5 hours",
            "90 seconds", "a quarter of an hour", "twenty-five mins", "1h30", "2 hrs 15 min".

    Returns:
        The duration in minutes (0 < value <= 1440), or ``None``.
    """
    tokens = prepare(text)
    if tokens is None:
        return None
    minutes = _parse_compound(tokens, DURATION_UNITS, DURATION_SUBUNIT)
    if minutes is None or not 0 < minutes <= _MAX_DURATION_MIN:
        return None
    return result(DURATION, minutes, text)


def _spoken_hundreds(tokens: list[str]) -> list[str]:
    """A weight said the way people say it aloud: "one sixty pounds" is 160 lb, "two twenty
    five" 225 (a hundreds digit, then tens, before the unit); other tokens are unchanged."""
    if len(tokens) < 3 or UNITS_WORDS.get(tokens[0], 0) not in range(1, 5):
        return tokens
    if tokens[1] not in TENS_WORDS:
        return tokens
    value, rest = UNITS_WORDS[tokens[0]] * 100 + TENS_WORDS[tokens[1]], tokens[2:]
    if rest and 0 < UNITS_WORDS.get(rest[0], 0) < 10:
        value, rest = value + UNITS_WORDS[rest[0]], rest[1:]
    if not rest or match_unit(rest, 0, WEIGHT_UNITS) is None:
        return tokens
    return [str(value), *rest]


def parse_weight(text: str) -> Quantity | None:
    """Parse a body (or carried) weight; canonical unit: kilograms.

    Args:
        text: e.g. "80 kg", "80kg", "176 lbs", "165 pounds", "12 stone", "11 st 4 lb",
            "11 stone 4", "twelve and a half stone".

    Returns:
        The weight in kg (0 < value <= 500), or ``None``.
    """
    tokens = prepare(text)
    if tokens is None:
        return None
    kg = _parse_compound(_spoken_hundreds(tokens), WEIGHT_UNITS, WEIGHT_SUBUNIT)
    if kg is None or not 0 < kg <= _MAX_WEIGHT_KG:
        return None
    return result(WEIGHT, kg, text)
