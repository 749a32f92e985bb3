"""Treadmill and slope inclines ("5%", "incline 3", "10 degrees"); canonical unit: % grade."""

from __future__ import annotations

import math
from typing import Final

from bot.nlp.quantities.kinds import INCLINE, Quantity, result
from bot.nlp.quantities.lexicon import (
    DECLINE_WORDS,
    DEGREE_UNITS,
    INCLINE_LINKS,
    INCLINE_PREFIX_WORDS,
    INCLINE_WORDS,
    PERCENT_UNITS,
)
from bot.nlp.quantities.numbers import parse_number_words, prepare

_MAX_INCLINE_PCT: Final = 100.0
_MAX_INCLINE_DEG: Final = 45.0


def parse_incline(text: str) -> Quantity | None:
    """Parse a treadmill or slope incline; canonical unit: percent grade.

    Degrees are converted with ``100 * tan(angle)``. A decline ("2% decline", "-2%") is
    negative.

    Args:
        text: e.g. "5%", "5 %", "5 percent incline", "incline 3", "incline of 4.5%",
            "10 degrees", "10° slope", "a gradient of 8 percent".

    Returns:
        The incline in percent (-100 <= value <= 100), or ``None``.
    """
    tokens = prepare(text)
    if tokens is None:
        return None
    negative = False
    keyword_first = tokens[0] in INCLINE_PREFIX_WORDS or tokens[0] in DECLINE_WORDS
    if keyword_first:
        negative = tokens[0] in DECLINE_WORDS
        tokens = tokens[1:]
        while tokens and tokens[0] in INCLINE_LINKS:
            tokens = tokens[1:]
    elif tokens[-1] in INCLINE_WORDS or tokens[-1] in DECLINE_WORDS:
        negative = tokens[-1] in DECLINE_WORDS
        tokens = tokens[:-1]
        if tokens and tokens[-1] == "of":  # "5% of incline"
            tokens = tokens[:-1]
    elif not tokens or (tokens[-1] not in PERCENT_UNITS and tokens[-1] not in DEGREE_UNITS):
        return None  # a bare number is not an incline
    if not tokens:
        return None
    degrees = False
    if tokens[-1] in PERCENT_UNITS:
        tokens = tokens[:-1]
    elif tokens[-1] in DEGREE_UNITS:
        degrees = True
        tokens = tokens[:-1]
    value = parse_number_words(tokens)
    if value is None:
        return None
    if negative:
        value = -abs(value)
    if degrees:
        if abs(value) > _MAX_INCLINE_DEG:
            return None
        value = 100 * math.tan(math.radians(value))
    if abs(value) > _MAX_INCLINE_PCT:
        return None
    return result(INCLINE, value, text)
