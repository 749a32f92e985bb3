"""Numbers in digits or words ("2.5", "twenty-five", "one and a half"), and before a unit."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.nlp.quantities.lexicon import (
    ARTICLES_OF,
    FILLERS,
    FRACTION_SUFFIXES,
    SIGN_WORDS,
    SPECIAL_NUMBERS,
    TENS_WORDS,
    UNITS_WORDS,
    Unit,
)
from bot.nlp.quantities.tokens import tokenize


def _to_float(token: str) -> float | None:
    if not token[0].isdigit():
        return None
    try:
        value = float(token)
    except ValueError:
        return None
    return value if math.isfinite(value) and value < 1e9 else None


def _below_hundred(words: Sequence[str]) -> int | None:
    if len(words) == 1:
        word = words[0]
        if word in UNITS_WORDS:
            return UNITS_WORDS[word]
        return TENS_WORDS.get(word)
    if len(words) == 2 and words[0] in TENS_WORDS and words[1] in UNITS_WORDS:
        unit = UNITS_WORDS[words[1]]
        return TENS_WORDS[words[0]] + unit if 0 < unit < 10 else None
    return None


def _parse_whole(words: Sequence[str]) -> float | None:
    """Parse a number phrase with no fraction suffix."""
    if not words:
        return None
    key = tuple(words)
    if key in SPECIAL_NUMBERS:
        return SPECIAL_NUMBERS[key]
    if len(words) == 1 and words[0][0].isdigit():
        return _to_float(words[0])
    if "point" in words:
        i = words.index("point")
        whole = _parse_whole(words[:i])
        digits = [UNITS_WORDS.get(w) if not w.isdigit() else int(w) for w in words[i + 1 :]]
        if whole is None or not digits or any(d is None or d > 9 for d in digits):
            return None
        return float(f"{int(whole)}.{''.join(str(d) for d in digits)}")
    if "hundred" in words:
        i = words.index("hundred")
        head = words[:i]
        tail = list(words[i + 1 :])
        if tail and tail[0] == "and":
            tail = tail[1:]
            if not tail:
                return None
        mult = 1.0 if not head or head in (["a"], ["one"]) else _below_hundred(head)
        rest = 0.0 if not tail else _parse_whole(tail)
        if mult is None or rest is None or rest >= 100 or not float(rest).is_integer():
            return None
        return mult * 100 + rest
    value = _below_hundred(words)
    return None if value is None else float(value)


def parse_number_words(words: Sequence[str]) -> float | None:
    words = list(words)
    sign = 1.0
    if words and words[0] in SIGN_WORDS:
        sign = -1.0
        words = words[1:]
    fraction = 0.0
    for suffix, value in FRACTION_SUFFIXES:
        n = len(suffix)
        if len(words) > n and tuple(words[-n:]) == suffix:
            fraction = value
            words = words[:-n]
            break
    whole = _parse_whole(words)
    if whole is None:
        return None
    if fraction and not float(whole).is_integer():
        return None  # "1.5 and a half"
    return sign * (whole + fraction)


def strip_fillers(tokens: Sequence[str]) -> list[str]:
    out = list(tokens)
    while out and out[0] in FILLERS:
        out = out[1:]
    return out


def parse_number(text: str) -> float | None:
    """Parse a number written in digits or words.

    Args:
        text: e.g. "2.5", "2,5", "twenty-five", "a hundred and sixty", "one and a half",
            "three quarters", "1 1/2", "minus 3".

    Returns:
        The value, or ``None`` if the text is not exactly one number.
    """
    tokens = tokenize(text)
    if not tokens:
        return None
    return parse_number_words(strip_fillers(tokens))


def prepare(text: str) -> list[str] | None:
    tokens = tokenize(text)
    if not tokens:
        return None
    tokens = strip_fillers(tokens)
    return tokens or None


def match_unit(
    tokens: Sequence[str], start: int, table: dict[tuple[str, ...], Unit]
) -> tuple[int, Unit] | None:
    """Longest unit in ``table`` that starts at ``tokens[start]``."""
    for length in (3, 2, 1):
        key = tuple(tokens[start : start + length])
        if len(key) == length and key in table:
            return length, table[key]
    return None


def number_before_unit(words: Sequence[str]) -> float | None:
    """Parse the number before a unit, allowing "half an", "a quarter of an"."""
    words = list(words)
    while len(words) > 1 and words[-1] in ARTICLES_OF:
        words = words[:-1]
    return parse_number_words(words)
