"""A person's age ("65 years old", "aged 65", "in my late sixties"); canonical unit: years."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.nlp.quantities.kinds import AGE, Quantity, result
from bot.nlp.quantities.lexicon import (
    AGE_PREFIXES,
    AGE_SUFFIXES,
    DECADE_OFFSETS,
    DECADE_WORDS,
    DIGIT_DECADES,
    POSSESSIVES,
)
from bot.nlp.quantities.numbers import parse_number_words, prepare

_MIN_AGE: Final = 1.0
_MAX_AGE: Final = 120.0


def _age_decade(tokens: Sequence[str]) -> float | None:
    """ "in my/his/... (early|mid|late) sixties / 60s" -> 60 (+0, +5, +8)."""
    words = list(tokens)
    if len(words) > 2 and words[0] == "in" and words[1] in POSSESSIVES:
        words = words[2:]
    offset = 0
    if len(words) >= 2 and words[0] in DECADE_OFFSETS:
        offset = DECADE_OFFSETS[words[0]]
        words = words[1:]
    if len(words) == 2 and words[1] == "s" and words[0] in DIGIT_DECADES:
        return float(int(words[0]) + offset)
    if len(words) == 1 and words[0] in DECADE_WORDS:
        return float(DECADE_WORDS[words[0]] + offset)
    return None


def parse_age(text: str) -> Quantity | None:
    """Parse a person's age; canonical unit: years.

    Args:
        text: e.g. "65", "65 years old", "65-year-old", "65 yo", "sixty-five", "aged 65",
            "I'm 65", "in my sixties", "in my late 60s".

    Returns:
        The age in years (1 <= value <= 120), or ``None``.
    """
    tokens = prepare(text)
    if tokens is None:
        return None
    decade = _age_decade(tokens)
    if decade is not None:
        return result(AGE, decade, text)
    for prefix in AGE_PREFIXES:
        if tuple(tokens[: len(prefix)]) == prefix and len(tokens) > len(prefix):
            tokens = tokens[len(prefix) :]
            break
    for suffix in AGE_SUFFIXES:
        if tuple(tokens[-len(suffix) :]) == suffix and len(tokens) > len(suffix):
            tokens = tokens[: -len(suffix)]
            break
    value = parse_number_words(tokens)
    if value is None or not _MIN_AGE <= value <= _MAX_AGE:
        return None
    return result(AGE, value, text)
