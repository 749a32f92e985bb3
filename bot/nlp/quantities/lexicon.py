"""The words of quantities: number words, fillers, unit tables and the words around them.

The unit spellings and conversion factors come from :mod:`bot.nlp.units`; this module adds what
the compound parser needs to know about each unit (its rank: hours before minutes, stone
before pounds; its system: no "10 kg 3 lb").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.nlp import units

UNITS_WORDS: Final[dict[str, int]] = {
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
TENS_WORDS: Final[dict[str, int]] = {
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
DECADE_WORDS: Final[dict[str, int]] = {
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}
POSSESSIVES: Final = frozenset({"my", "his", "her", "your", "their", "our"})
DIGIT_DECADES: Final = frozenset(str(v) for v in DECADE_WORDS.values())
DECADE_OFFSETS: Final[dict[str, int]] = {"early": 0, "mid": 5, "late": 8}

# (words, value) for whole number phrases that are not built from the tables above.
SPECIAL_NUMBERS: Final[dict[tuple[str, ...], float]] = {
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
FRACTION_SUFFIXES: Final[tuple[tuple[tuple[str, ...], float], ...]] = (
    (("and", "a", "half"), 0.5),
    (("and", "one", "half"), 0.5),
    (("and", "half"), 0.5),
    (("and", "a", "quarter"), 0.25),
    (("and", "one", "quarter"), 0.25),
    (("and", "three", "quarters"), 0.75),
    (("and", "three", "quarter"), 0.75),
)
SIGN_WORDS: Final = frozenset({"minus", "negative"})
FILLERS: Final = frozenset(
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
ARTICLES_OF: Final = frozenset({"a", "an", "of"})


@dataclass(frozen=True)
class Unit:
    """A unit of one kind: its factor to the canonical unit and its rank in compounds."""

    factor: float
    rank: int = 0
    compound_only: bool = False
    system: str = ""


def unit_table(*rows: tuple[Sequence[str], Unit]) -> dict[tuple[str, ...], Unit]:
    table: dict[tuple[str, ...], Unit] = {}
    for spellings, unit in rows:
        for spelling in spellings:
            table[tuple(spelling.split())] = unit
    return table


_SECONDS = Unit(units.MINUTES_PER_SECOND, rank=1)
_MINUTES = Unit(1.0, rank=2)
_HOURS = Unit(units.MINUTES_PER_HOUR, rank=3)
DURATION_UNITS: Final = unit_table(
    (units.SECOND_WORDS, _SECONDS),
    (units.COMPOUND_SECOND_WORDS, Unit(units.MINUTES_PER_SECOND, rank=1, compound_only=True)),
    (units.MINUTE_WORDS, _MINUTES),
    (units.COMPOUND_MINUTE_WORDS, Unit(1.0, rank=2, compound_only=True)),
    (units.HOUR_WORDS, _HOURS),
)
# Sub-unit implied by a bare trailing integer ("1 hour 30", "11 st 4").
DURATION_SUBUNIT: Final = {3: _MINUTES, 2: _SECONDS}

_KG = Unit(1.0, rank=1, system="metric")
_LB = Unit(units.KG_PER_LB, rank=1, system="imperial")
_STONE = Unit(units.KG_PER_STONE, rank=2, system="imperial")
WEIGHT_UNITS: Final = unit_table(
    (units.KG_WORDS, _KG),
    (units.LB_WORDS, _LB),
    (units.STONE_WORDS, _STONE),
)
WEIGHT_SUBUNIT: Final = {2: _LB}

#: Speed units in mph: "mph", "kph", "km per h", "miles an hour", "m per s", ...
SPEED_UNITS: Final = {
    spelling: Unit(factor) for spelling, (_name, factor) in units.speed_units().items()
}

PERCENT_UNITS: Final = units.PERCENT_WORDS
DEGREE_UNITS: Final = units.DEGREE_WORDS
INCLINE_WORDS: Final = frozenset(
    {"incline", "inclination", "gradient", "grade", "slope", "elevation", "uphill"}
)
INCLINE_PREFIX_WORDS: Final = INCLINE_WORDS - {"grade", "uphill"}  # "grade 3" is school
DECLINE_WORDS: Final = frozenset({"decline", "downhill", "descent"})
INCLINE_LINKS: Final = frozenset({"of", "at", "to", "level", "setting", "set", "on", "is"})

AGE_SUFFIXES: Final[tuple[tuple[str, ...], ...]] = (
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
AGE_PREFIXES: Final[tuple[tuple[str, ...], ...]] = (
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

CONNECTORS: Final = frozenset({"and", "a", "an", "of", "per", "point", "-", "/"})


def _all_unit_words() -> frozenset[str]:
    words: set[str] = set()
    for table in (DURATION_UNITS, WEIGHT_UNITS, SPEED_UNITS):
        for key in table:
            words.update(key)
    words.update(PERCENT_UNITS, DEGREE_UNITS, INCLINE_WORDS, DECLINE_WORDS)
    words.update({"old", "yo", "years", "year", "yrs", "yr", "age", "cent"})
    return frozenset(words - CONNECTORS - {"each"})


UNIT_WORDS: Final = _all_unit_words()
NUMBER_WORDS: Final = frozenset(
    set(UNITS_WORDS)
    | set(TENS_WORDS)
    | {"half", "quarter", "quarters", "couple", "dozen", "hundred", "minus", "point"}
)
