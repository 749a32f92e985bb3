"""Parse and normalise quantity expressions (pure Python: no spaCy, no Rasa).

The coach asks for, and people volunteer, five kinds of quantity. Each is normalised to one
canonical unit:

==========  ===========  ==============================================================
kind        unit         examples
==========  ===========  ==============================================================
duration    ``min``      "10 minutes", "10mins", "half an hour", "an hour and a half",
                         "1.5 hours", "90 seconds", "a quarter of an hour", "1h30"
weight      ``kg``       "80 kg", "176 lbs", "165 pounds", "12 stone", "11 st 4 lb"
age         ``years``    "65", "65 years old", "65-year-old", "65 yo", "sixty-five",
                         "aged 65", "I'm 65", "in my sixties" (decade, see below)
speed       ``mph``      "2.5 mph", "4 km/h", "4 kph", "3 kilometres per hour",
                         "1 mile an hour", "1.2 m/s"
incline     ``%``        "5%", "5 percent incline", "incline 3", "10 degrees" (converted
                         with ``100 * tan(angle)``), "2% decline" (negative)
==========  ===========  ==============================================================

Numbers may be digits ("2.5", "2,5", "1/2", "1 1/2", "½"), words ("ten", "twenty-five",
"a hundred and sixty"), "a"/"an" (one), "half", "a quarter", "three quarters",
"X and a half" and "X point Y".

The parsers are strict: the whole text must be one quantity of the requested kind (a few
leading hedges such as "about" or "for" are tolerated), otherwise they return ``None``. They
never raise on arbitrary input. This strictness is what lets the spaCy component
(:mod:`bot.nlp.components`) propose liberal candidate spans and keep only those that parse.

Decades ("in my sixties", "in my early 70s") give the lowest age the phrase allows, or the
middle of the part of the decade named: "mid" (64-66) is +5 and "late" (67-69) is +8, what
people mean by them; a threshold such as "65 or over" then holds for "in my mid sixties" too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

__all__ = [
    "AGE",
    "CANONICAL_UNITS",
    "DURATION",
    "INCLINE",
    "KINDS",
    "SPEED",
    "WEIGHT",
    "Quantity",
    "is_number_token",
    "is_quantity_token",
    "is_unit_token",
    "parse_age",
    "parse_duration",
    "parse_incline",
    "parse_number",
    "parse_quantity",
    "parse_speed",
    "parse_weight",
    "tokenize",
]

DURATION: Final = "duration"
WEIGHT: Final = "weight"
AGE: Final = "age"
SPEED: Final = "speed"
INCLINE: Final = "incline"

#: All quantity kinds, in the order the spaCy component tries them.
KINDS: Final[tuple[str, ...]] = (DURATION, WEIGHT, SPEED, INCLINE, AGE)

#: The canonical unit of each kind (``Quantity.unit``).
CANONICAL_UNITS: Final[dict[str, str]] = {
    DURATION: "min",
    WEIGHT: "kg",
    AGE: "years",
    SPEED: "mph",
    INCLINE: "%",
}

_MAX_TEXT_LEN: Final = 200
_CACHE_SIZE: Final = 4096
_DECIMALS: Final = 4

# Plausibility limits (canonical units). Values outside are rejected as nonsense.
_MAX_DURATION_MIN: Final = 24 * 60
_MAX_WEIGHT_KG: Final = 500.0
_MIN_AGE: Final = 1.0
_MAX_AGE: Final = 120.0
_MAX_SPEED_MPH: Final = 50.0
_MAX_INCLINE_PCT: Final = 100.0
_MAX_INCLINE_DEG: Final = 45.0

_LB_KG: Final = 0.45359237
_STONE_KG: Final = 14 * _LB_KG
_KM_MILES: Final = 1 / 1.609344


@dataclass(frozen=True)
class Quantity:
    """A normalised quantity.

    Attributes:
        kind: One of :data:`KINDS` ("duration", "weight", "age", "speed", "incline").
        value: The value in the canonical unit, rounded to 4 decimal places.
        unit: The canonical unit (see :data:`CANONICAL_UNITS`).
        text: The text the quantity was parsed from, unchanged.
    """

    kind: str
    value: float
    unit: str
    text: str

    @property
    def canonical(self) -> str:
        """The value and unit as a short string, e.g. ``"30 min"`` or ``"79.8323 kg"``."""
        return f"{self.value:g} {self.unit}"


# --------------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------------

_UNITS_WORDS: Final[dict[str, int]] = {
    "zero": 0,
    "nil": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS: Final[dict[str, int]] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "ninty": 90,
}
_DECADE_WORDS: Final[dict[str, int]] = {
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}
_POSSESSIVES: Final = frozenset({"my", "his", "her", "your", "their", "our"})
_DIGIT_DECADES: Final = frozenset(str(v) for v in _DECADE_WORDS.values())
_DECADE_OFFSETS: Final[dict[str, int]] = {"early": 0, "mid": 5, "late": 8}

# (words, value) for whole number phrases that are not built from the tables above.
_SPECIAL_NUMBERS: Final[dict[tuple[str, ...], float]] = {
    ("a",): 1,
    ("an",): 1,
    ("half",): 0.5,
    ("a", "half"): 0.5,
    ("one", "half"): 0.5,
    ("quarter",): 0.25,
    ("a", "quarter"): 0.25,
    ("one", "quarter"): 0.25,
    ("three", "quarters"): 0.75,
    ("three", "quarter"): 0.75,
    ("couple",): 2,
    ("a", "couple"): 2,
    ("dozen",): 12,
    ("a", "dozen"): 12,
}
_FRACTION_SUFFIXES: Final[tuple[tuple[tuple[str, ...], float], ...]] = (
    (("and", "a", "half"), 0.5),
    (("and", "one", "half"), 0.5),
    (("and", "half"), 0.5),
    (("and", "a", "quarter"), 0.25),
    (("and", "one", "quarter"), 0.25),
    (("and", "three", "quarters"), 0.75),
    (("and", "three", "quarter"), 0.75),
)
_NEGATORS: Final = frozenset({"minus", "negative"})
_FILLERS: Final = frozenset(
    {
        "about",
        "around",
        "roughly",
        "approximately",
        "approx",
        "circa",
        "ca",
        "maybe",
        "nearly",
        "almost",
        "just",
        "only",
        "some",
        "for",
        "like",
        "~",
    }
)
_ARTICLES_OF: Final = frozenset({"a", "an", "of"})


@dataclass(frozen=True)
class _Unit:
    """A unit of one kind: its factor to the canonical unit and its rank in compounds."""

    factor: float
    rank: int = 0
    compound_only: bool = False
    system: str = ""


def _unit_table(*rows: tuple[Sequence[str], _Unit]) -> dict[tuple[str, ...], _Unit]:
    table: dict[tuple[str, ...], _Unit] = {}
    for spellings, unit in rows:
        for spelling in spellings:
            table[tuple(spelling.split())] = unit
    return table


_SECONDS = _Unit(1 / 60, rank=1)
_MINUTES = _Unit(1.0, rank=2)
_HOURS = _Unit(60.0, rank=3)
_DURATION_UNITS: Final = _unit_table(
    (("sec", "secs", "second", "seconds", "secconds", "sek"), _SECONDS),
    (("s",), _Unit(1 / 60, rank=1, compound_only=True)),
    (
        (
            "min",
            "mins",
            "minute",
            "minutes",
            "mn",
            "mns",
            "minuts",
            "minits",
            "minites",
            "mintues",
            "minuets",
            "mintes",
            "minuites",
        ),
        _MINUTES,
    ),
    (("m",), _Unit(1.0, rank=2, compound_only=True)),
    (("h", "hr", "hrs", "hour", "hours", "houre", "hous"), _HOURS),
)
# Sub-unit implied by a bare trailing integer ("1 hour 30", "11 st 4").
_DURATION_SUBUNIT: Final = {3: _MINUTES, 2: _SECONDS}

_KG = _Unit(1.0, rank=1, system="metric")
_LB = _Unit(_LB_KG, rank=1, system="imperial")
_STONE = _Unit(_STONE_KG, rank=2, system="imperial")
_WEIGHT_UNITS: Final = _unit_table(
    (
        (
            "kg",
            "kgs",
            "kilo",
            "kilos",
            "kilogram",
            "kilograms",
            "kilogramme",
            "kilogrammes",
            "kilogrames",
            "kilograme",
        ),
        _KG,
    ),
    (("lb", "lbs", "ib", "ibs", "pound", "pounds", "pnd", "pnds"), _LB),
    (("st", "stone", "stones", "stn"), _STONE),
)
_WEIGHT_SUBUNIT: Final = {2: _LB}

_MILE_WORDS: Final = ("mile", "miles", "mi")
_KM_WORDS: Final = ("km", "kms", "kilometre", "kilometres", "kilometer", "kilometers")
_METRE_WORDS: Final = ("m", "metre", "metres", "meter", "meters")
_HOUR_WORDS: Final = ("h", "hr", "hour")
_SECOND_WORDS: Final = ("s", "sec", "second")


def _speed_units() -> dict[tuple[str, ...], _Unit]:
    """Speed units in mph: "mph", "kph", "km per h", "miles an hour", "m per s", ..."""
    table = _unit_table(
        (("mph", "mphs"), _Unit(1.0)),
        (("kph", "kmh", "kmph", "kmhr"), _Unit(_KM_MILES)),
        (("mps",), _Unit(_KM_MILES / 1000 * 3600)),
    )
    per_words = {"per": False, "an": True, "a": True}
    for dists, factor, times in (
        (_MILE_WORDS, 1.0, _HOUR_WORDS),
        (_KM_WORDS, _KM_MILES, _HOUR_WORDS),
        (_METRE_WORDS, _KM_MILES / 1000 * 3600, _SECOND_WORDS),
    ):
        for dist in dists:
            for per, spelled_out in per_words.items():
                for time in times:
                    # "a mile an hour", but never "km an h" or "m a s".
                    if spelled_out and (len(time) < 4 or len(dist) < 3):
                        continue
                    table[(dist, per, time)] = _Unit(factor)
    return table


_SPEED_UNITS: Final = _speed_units()

_PERCENT_UNITS: Final = frozenset({"%", "percent", "pct", "pc", "prcnt", "procent", "percentage"})
_DEGREE_UNITS: Final = frozenset({"degrees", "degree", "deg", "degs", "°", "degres"})
_INCLINE_WORDS: Final = frozenset(
    {"incline", "inclination", "gradient", "grade", "slope", "elevation", "uphill"}
)
_INCLINE_PREFIX_WORDS: Final = _INCLINE_WORDS - {"grade", "uphill"}  # "grade 3" is school
_DECLINE_WORDS: Final = frozenset({"decline", "downhill", "descent"})
_INCLINE_LINKS: Final = frozenset({"of", "at", "to", "level", "setting", "set", "on", "is"})

_AGE_SUFFIXES: Final[tuple[tuple[str, ...], ...]] = (
    ("years", "old"),
    ("year", "old"),
    ("yrs", "old"),
    ("yr", "old"),
    ("years", "of", "age"),
    ("yo",),
    ("years",),
    ("yrs",),
    ("year",),
    ("y",),
)
_AGE_PREFIXES: Final[tuple[tuple[str, ...], ...]] = (
    ("i", "am", "turning"),
    ("i", "m", "turning"),
    ("i", "just", "turned"),
    ("i", "turned"),
    ("just", "turned"),
    ("turned",),
    ("turning",),
    ("i", "am", "aged"),
    ("i", "am"),
    ("i", "m"),
    ("im",),
    ("my", "age", "is"),
    ("age", "is"),
    ("aged",),
    ("age",),
    ("at", "age"),
    ("at", "the", "age", "of"),
)

_CONNECTORS: Final = frozenset({"and", "a", "an", "of", "per", "point", "-", "/"})


def _all_unit_words() -> frozenset[str]:
    words: set[str] = set()
    for table in (_DURATION_UNITS, _WEIGHT_UNITS, _SPEED_UNITS):
        for key in table:
            words.update(key)
    words.update(_PERCENT_UNITS, _DEGREE_UNITS, _INCLINE_WORDS, _DECLINE_WORDS)
    words.update({"old", "yo", "years", "year", "yrs", "yr", "age", "cent"})
    return frozenset(words - _CONNECTORS - {"each"})


_UNIT_WORDS: Final = _all_unit_words()
_NUMBER_WORDS: Final = frozenset(
    set(_UNITS_WORDS)
    | set(_TENS_WORDS)
    | {"half", "quarter", "quarters", "couple", "dozen", "hundred", "minus", "point"}
)

# --------------------------------------------------------------------------------------------
# Text normalisation and tokenisation
# --------------------------------------------------------------------------------------------

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


@lru_cache(maxsize=_CACHE_SIZE)
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
    return all(t in _UNIT_WORDS or t == "per" for t in toks) and any(t in _UNIT_WORDS for t in toks)


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
    return all(_is_numberish(t) or t in _UNIT_WORDS or t in _CONNECTORS for t in toks)


def _is_numberish(token: str) -> bool:
    return token[0].isdigit() or token in _NUMBER_WORDS


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


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
        if word in _UNITS_WORDS:
            return _UNITS_WORDS[word]
        return _TENS_WORDS.get(word)
    if len(words) == 2 and words[0] in _TENS_WORDS and words[1] in _UNITS_WORDS:
        unit = _UNITS_WORDS[words[1]]
        return _TENS_WORDS[words[0]] + unit if 0 < unit < 10 else None
    return None


def _parse_whole(words: Sequence[str]) -> float | None:
    """Parse a number phrase with no fraction suffix."""
    if not words:
        return None
    key = tuple(words)
    if key in _SPECIAL_NUMBERS:
        return _SPECIAL_NUMBERS[key]
    if len(words) == 1 and words[0][0].isdigit():
        return _to_float(words[0])
    if "point" in words:
        i = words.index("point")
        whole = _parse_whole(words[:i])
        digits = [_UNITS_WORDS.get(w) if not w.isdigit() else int(w) for w in words[i + 1 :]]
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


def _parse_number_words(words: Sequence[str]) -> float | None:
    words = list(words)
    sign = 1.0
    if words and words[0] in _NEGATORS:
        sign = -1.0
        words = words[1:]
    fraction = 0.0
    for suffix, value in _FRACTION_SUFFIXES:
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


def _strip_fillers(tokens: Sequence[str]) -> list[str]:
    out = list(tokens)
    while out and out[0] in _FILLERS:
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
    return _parse_number_words(_strip_fillers(tokens))


# --------------------------------------------------------------------------------------------
# Compound "number unit [and] number unit ..." parsing (duration, weight)
# --------------------------------------------------------------------------------------------


def _match_unit(
    tokens: Sequence[str], start: int, table: dict[tuple[str, ...], _Unit]
) -> tuple[int, _Unit] | None:
    """Longest unit in ``table`` that starts at ``tokens[start]``."""
    for length in (3, 2, 1):
        key = tuple(tokens[start : start + length])
        if len(key) == length and key in table:
            return length, table[key]
    return None


def _number_before_unit(words: Sequence[str]) -> float | None:
    """Parse the number before a unit, allowing "half an", "a quarter of an"."""
    words = list(words)
    while len(words) > 1 and words[-1] in _ARTICLES_OF:
        words = words[:-1]
    return _parse_number_words(words)


def _parse_compound(
    tokens: Sequence[str],
    table: dict[tuple[str, ...], _Unit],
    subunits: dict[int, _Unit],
) -> float | None:
    """Sum "N unit [and] N unit ..." groups into the canonical unit.

    Units must strictly decrease in rank ("1 hour 30 minutes", never "30 minutes 1 hour").
    A trailing bare number is a fraction of the previous unit when below one ("an hour and a
    half") or a count of its sub-unit when a whole number ("1h30", "11 st 4").
    """
    total = 0.0
    last: _Unit | None = None
    i = 0
    n = len(tokens)
    while i < n:
        if last is not None and tokens[i] in ("and", "plus"):
            i += 1
            if i >= n:
                return None
        j = i
        found: tuple[int, _Unit] | None = None
        while j < n:
            found = _match_unit(tokens, j, table)
            if found is not None:
                break
            j += 1
        if found is None:
            # Trailing bare number after at least one group.
            if last is None:
                return None
            value = _parse_number_words(tokens[i:])
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
        value = _number_before_unit(tokens[i:j])
        if value is None or value <= 0:
            return None
        total += value * unit.factor
        last = unit
        i = j + length
    return total if last is not None else None


# --------------------------------------------------------------------------------------------
# Per-kind parsers
# --------------------------------------------------------------------------------------------


def _result(kind: str, value: float, text: str) -> Quantity:
    value = round(value, _DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    return Quantity(kind=kind, value=value, unit=CANONICAL_UNITS[kind], text=text)


def _prepare(text: str) -> list[str] | None:
    tokens = tokenize(text)
    if not tokens:
        return None
    tokens = _strip_fillers(tokens)
    return tokens or None


def parse_duration(text: str) -> Quantity | None:
    """Parse a duration; canonical unit: minutes.

    Args:
        text: e.g. "10 minutes", "10mins", "half an hour", "an hour and a half", "1.5 hours",
            "90 seconds", "a quarter of an hour", "twenty-five mins", "1h30", "2 hrs 15 min".

    Returns:
        The duration in minutes (0 < value <= 1440), or ``None``.
    """
    tokens = _prepare(text)
    if tokens is None:
        return None
    minutes = _parse_compound(tokens, _DURATION_UNITS, _DURATION_SUBUNIT)
    if minutes is None or not 0 < minutes <= _MAX_DURATION_MIN:
        return None
    return _result(DURATION, minutes, text)


def parse_weight(text: str) -> Quantity | None:
    """Parse a body (or carried) weight; canonical unit: kilograms.

    Args:
        text: e.g. "80 kg", "80kg", "176 lbs", "165 pounds", "12 stone", "11 st 4 lb",
            "11 stone 4", "twelve and a half stone".

    Returns:
        The weight in kg (0 < value <= 500), or ``None``.
    """
    tokens = _prepare(text)
    if tokens is None:
        return None
    kg = _parse_compound(tokens, _WEIGHT_UNITS, _WEIGHT_SUBUNIT)
    if kg is None or not 0 < kg <= _MAX_WEIGHT_KG:
        return None
    return _result(WEIGHT, kg, text)


def parse_speed(text: str) -> Quantity | None:
    """Parse a walking speed; canonical unit: miles per hour.

    Args:
        text: e.g. "2.5 mph", "2.5mph", "4 km/h", "4 kph", "3 kilometres per hour",
            "1 mile an hour", "1.2 m/s".

    Returns:
        The speed in mph (0 < value <= 50), or ``None``. A number without a unit is not a
        speed (treadmills show km/h or mph depending on the country).
    """
    tokens = _prepare(text)
    if tokens is None:
        return None
    for j in range(len(tokens)):
        found = _match_unit(tokens, j, _SPEED_UNITS)
        if found is None:
            continue
        length, unit = found
        if j + length != len(tokens):
            return None
        value = _number_before_unit(tokens[:j])
        if value is None or value <= 0:
            return None
        mph = value * unit.factor
        return _result(SPEED, mph, text) if mph <= _MAX_SPEED_MPH else None
    return None


def _age_decade(tokens: Sequence[str]) -> float | None:
    """ "in my/his/... (early|mid|late) sixties / 60s" -> 60 (+0, +5, +8)."""
    words = list(tokens)
    if len(words) > 2 and words[0] == "in" and words[1] in _POSSESSIVES:
        words = words[2:]
    offset = 0
    if len(words) >= 2 and words[0] in _DECADE_OFFSETS:
        offset = _DECADE_OFFSETS[words[0]]
        words = words[1:]
    if len(words) == 2 and words[1] == "s" and words[0] in _DIGIT_DECADES:
        return float(int(words[0]) + offset)
    if len(words) == 1 and words[0] in _DECADE_WORDS:
        return float(_DECADE_WORDS[words[0]] + offset)
    return None


def parse_age(text: str) -> Quantity | None:
    """Parse a person's age; canonical unit: years.

    Args:
        text: e.g. "65", "65 years old", "65-year-old", "65 yo", "sixty-five", "aged 65",
            "I'm 65", "in my sixties", "in my late 60s".

    Returns:
        The age in years (1 <= value <= 120), or ``None``.
    """
    tokens = _prepare(text)
    if tokens is None:
        return None
    decade = _age_decade(tokens)
    if decade is not None:
        return _result(AGE, decade, text)
    for prefix in _AGE_PREFIXES:
        if tuple(tokens[: len(prefix)]) == prefix and len(tokens) > len(prefix):
            tokens = tokens[len(prefix) :]
            break
    for suffix in _AGE_SUFFIXES:
        if tuple(tokens[-len(suffix) :]) == suffix and len(tokens) > len(suffix):
            tokens = tokens[: -len(suffix)]
            break
    value = _parse_number_words(tokens)
    if value is None or not _MIN_AGE <= value <= _MAX_AGE:
        return None
    return _result(AGE, value, text)


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
    tokens = _prepare(text)
    if tokens is None:
        return None
    negative = False
    keyword_first = tokens[0] in _INCLINE_PREFIX_WORDS or tokens[0] in _DECLINE_WORDS
    if keyword_first:
        negative = tokens[0] in _DECLINE_WORDS
        tokens = tokens[1:]
        while tokens and tokens[0] in _INCLINE_LINKS:
            tokens = tokens[1:]
    elif tokens[-1] in _INCLINE_WORDS or tokens[-1] in _DECLINE_WORDS:
        negative = tokens[-1] in _DECLINE_WORDS
        tokens = tokens[:-1]
        if tokens and tokens[-1] == "of":  # "5% of incline"
            tokens = tokens[:-1]
    elif not tokens or (tokens[-1] not in _PERCENT_UNITS and tokens[-1] not in _DEGREE_UNITS):
        return None  # a bare number is not an incline
    if not tokens:
        return None
    degrees = False
    if tokens[-1] in _PERCENT_UNITS:
        tokens = tokens[:-1]
    elif tokens[-1] in _DEGREE_UNITS:
        degrees = True
        tokens = tokens[:-1]
    value = _parse_number_words(tokens)
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
    return _result(INCLINE, value, text)


_PARSERS: Final[dict[str, Callable[[str], Quantity | None]]] = {
    DURATION: parse_duration,
    WEIGHT: parse_weight,
    AGE: parse_age,
    SPEED: parse_speed,
    INCLINE: parse_incline,
}


def parse_quantity(kind: str, text: str) -> Quantity | None:
    """Parse ``text`` as a quantity of the given kind.

    Args:
        kind: One of :data:`KINDS`.
        text: The text to parse, e.g. a span's text or a free-text slot value.

    Returns:
        The normalised :class:`Quantity`, or ``None`` when the kind is unknown or the text is
        not exactly one quantity of that kind. Never raises.
    """
    if not isinstance(kind, str) or kind not in _PARSERS or not isinstance(text, str):
        return None
    return _parse_cached(kind, text)


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_cached(kind: str, text: str) -> Quantity | None:
    # Results are immutable, so sharing them between callers is safe.
    try:
        return _PARSERS[kind](text)
    except (ValueError, ArithmeticError, IndexError, RecursionError):  # pragma: no cover
        return None
