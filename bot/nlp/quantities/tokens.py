"""Quantity text normalised and split into tokens; which single tokens can be part of one."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from bot.nlp.quantities.lexicon import CONNECTORS, NUMBER_WORDS, UNIT_WORDS

_MAX_TEXT_LEN: Final = 200
CACHE_SIZE: Final = 4096


_TOKEN_RE: Final = re.compile(r"\d+(?:\.\d+)?|[a-z]+|%|°|~")
_ALLOWED_LEFTOVER_RE: Final = re.compile(r"[\s\-'.,:;!?()]*")
_VULGAR: Final = {"½": 0.5, "¼": 0.25, "¾": 0.75}
_VULGAR_RE: Final = re.compile(r"(\d{0,6})\s*([½¼¾])")
_REPLACEMENTS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"m\.\s?p\.\s?h\.?"), "mph"),
    (re.compile(r"k\.\s?p\.\s?h\.?"), "kph"),
    (re.compile(r"\by\.\s?o\.?"), " yo "),
    (re.compile(r"\by\s*/\s*o\b"), " yo "),
    (re.compile(r"\bper\s+cent\b"), "percent"),
    (re.compile(r"(?<=[a-z])\s*/\s*(?=[a-z])"), " per "),
    # Thousands separators, then decimal commas ("2,5" means 2.5).
    (re.compile(r"(?<=\d),(?=\d{3}(?!\d))"), ""),
    (re.compile(r"(?<=\d),(?=\d)"), "."),
    # A minus sign directly before a number (not a hyphen between words or numbers).
    (re.compile(r"(?:^|(?<=[\s(]))-(?=\d)"), " minus "),
)
_MIXED_FRACTION_RE: Final = re.compile(r"\b(\d+)\s+(\d+)\s*/\s*(\d+)\b")
_FRACTION_RE: Final = re.compile(r"\b(\d+)\s*/\s*(\d+)\b")
_SPLIT_RE: Final = re.compile(r"(?<=\d)(?=[a-z%°])|(?<=[a-z°%])(?=\d)")


def _fraction(num: str, den: str, whole: str = "0") -> str | None:
    d = int(den)
    if d == 0 or len(num) > 6 or len(den) > 6 or len(whole) > 6:
        return None
    return repr(int(whole) + int(num) / d)


def _replace_fractions(text: str) -> str | None:
    failed = False

    def mixed(m: re.Match[str]) -> str:
        nonlocal failed
        out = _fraction(m.group(2), m.group(3), m.group(1))
        failed = failed or out is None
        return out or ""

    def simple(m: re.Match[str]) -> str:
        nonlocal failed
        out = _fraction(m.group(1), m.group(2))
        failed = failed or out is None
        return out or ""

    text = _MIXED_FRACTION_RE.sub(mixed, text)
    text = _FRACTION_RE.sub(simple, text)
    return None if failed else text


def _replace_vulgar(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        whole = int(m.group(1)) if m.group(1) else 0
        return f" {whole + _VULGAR[m.group(2)]!r} "

    return _VULGAR_RE.sub(repl, text)


def tokenize(text: str) -> list[str] | None:
    """Normalise quantity text and split it into lower-case word, number and symbol tokens.

    Digits are split from letters ("10mins" -> "10", "mins"; "1h30" -> "1", "h", "30"),
    hyphens and apostrophes separate words, "km/h" becomes "km per h", "2,5" becomes "2.5"
    and fractions ("1/2", "1 1/2", "½") become decimals.

    Args:
        text: Arbitrary text.

    Returns:
        The tokens, or ``None`` when the text contains characters that cannot be part of a
        quantity (e.g. currency symbols) or is too long.
    """
    if not isinstance(text, str) or len(text) > _MAX_TEXT_LEN:
        return None
    tokens = _tokenize(text)
    return None if tokens is None else list(tokens)


@lru_cache(maxsize=CACHE_SIZE)
def _tokenize(text: str) -> tuple[str, ...] | None:
    s = text.lower().replace("’", "'").replace("–", "-").replace("—", "-").replace("−", "-")
    s = _replace_vulgar(s)
    for pattern, repl in _REPLACEMENTS:
        s = pattern.sub(repl, s)
    fractions = _replace_fractions(s)
    if fractions is None:
        return None
    s = _SPLIT_RE.sub(" ", fractions)
    tokens = _TOKEN_RE.findall(s)
    leftover = _TOKEN_RE.sub(" ", s)
    if not _ALLOWED_LEFTOVER_RE.fullmatch(leftover):
        return None
    return tuple(tokens)


def _single_token(text: str) -> list[str] | None:
    """Tokenize one spaCy token; apostrophe tokens ("'s", "'m") are never quantity parts."""
    if not isinstance(text, str) or "'" in text or "’" in text:
        return None
    return tokenize(text) or None


def is_number_token(text: str) -> bool:
    """Whether a single (spaCy) token can be part of a number: digits or a number word.

    Args:
        text: The token text.

    Returns:
        True for "10", "2.5", "2,5", "1/2", "twenty", "half", "quarter", ...
    """
    toks = _single_token(text)
    if not toks:
        return False
    return all(_is_numberish(t) for t in toks)


def is_unit_token(text: str) -> bool:
    """Whether a single (spaCy) token is a unit word or an incline/age marker.

    Args:
        text: The token text.

    Returns:
        True for "kg", "mins", "km/h", "mph", "%", "incline", "old", ...
    """
    toks = _single_token(text)
    if not toks:
        return False
    return all(t in UNIT_WORDS or t == "per" for t in toks) and any(t in UNIT_WORDS for t in toks)


def is_quantity_token(text: str) -> bool:
    """Whether a single (spaCy) token can be part of a quantity expression.

    True for numbers, number words, units, glued forms ("10kg", "1h30", "65yo") and the
    connectors that join them ("and", "a", "an", "of", "per", "point", "-", "/").

    Args:
        text: The token text.

    Returns:
        Whether the token may appear inside a quantity span.
    """
    if text in ("-", "/"):
        return True
    toks = _single_token(text)
    if not toks:
        return False
    return all(_is_numberish(t) or t in UNIT_WORDS or t in CONNECTORS for t in toks)


def _is_numberish(token: str) -> bool:
    return token[0].isdigit() or token in NUMBER_WORDS
