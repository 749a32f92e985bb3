"""Units of measurement: the one table of conversion factors and spellings.

Every module that reads or converts a unit takes it from here: the quantity parsers
(:mod:`bot.nlp.quantities`), the calorie estimate (:mod:`bot.calories`), the plan's
treadmill speeds (:mod:`bot.plan.week`) and the profile parser (:mod:`bot.profile.parse`).
Plain Python, no spaCy, no Rasa.

Canonical units: minutes for durations, kilograms for weights, miles per hour for speeds,
percent grade for inclines. Spellings are lower-case words as the quantity tokenizer splits
them ("km/h" is ``("km", "per", "h")``), misspellings people type included.
"""

from __future__ import annotations

from typing import Final

# --------------------------------------------------------------------------------------------
# Conversion factors
# --------------------------------------------------------------------------------------------

KG_PER_LB: Final = 0.45359237
KG_PER_STONE: Final = 14 * KG_PER_LB
KMH_PER_MPH: Final = 1.609344
MPH_PER_KMH: Final = 1 / KMH_PER_MPH
MPH_PER_METRE_PER_SECOND: Final = MPH_PER_KMH / 1000 * 3600
MINUTES_PER_SECOND: Final = 1 / 60
MINUTES_PER_HOUR: Final = 60.0

# --------------------------------------------------------------------------------------------
# Durations
# --------------------------------------------------------------------------------------------

SECOND_WORDS: Final = ("sec", "secs", "second", "seconds", "secconds", "sek")
MINUTE_WORDS: Final = (
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
)
HOUR_WORDS: Final = ("h", "hr", "hrs", "hour", "hours", "houre", "hous")
#: "s" and "m" are seconds and minutes only inside a compound ("1m30s"): alone, "m" is metres.
COMPOUND_SECOND_WORDS: Final = ("s",)
COMPOUND_MINUTE_WORDS: Final = ("m",)

# --------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------

KG_WORDS: Final = (
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
)
LB_WORDS: Final = ("lb", "lbs", "ib", "ibs", "pound", "pounds", "pnd", "pnds")
STONE_WORDS: Final = ("st", "stone", "stones", "stn")

# --------------------------------------------------------------------------------------------
# Speeds
# --------------------------------------------------------------------------------------------

MPH_WORDS: Final = ("mph", "mphs")
KMH_WORDS: Final = ("kph", "kmh", "kmph", "kmhr")
METRE_PER_SECOND_WORDS: Final = ("mps",)
MILE_WORDS: Final = ("mile", "miles", "mi")
KM_WORDS: Final = ("km", "kms", "kilometre", "kilometres", "kilometer", "kilometers")
METRE_WORDS: Final = ("m", "metre", "metres", "meter", "meters")
_SPEED_HOUR_WORDS: Final = ("h", "hr", "hour")
_SPEED_SECOND_WORDS: Final = ("s", "sec", "second")
_PER_WORDS: Final[dict[str, bool]] = {"per": False, "an": True, "a": True}

MPH: Final = "mph"
KMH: Final = "km/h"
METRES_PER_SECOND: Final = "m/s"


def speed_units() -> dict[tuple[str, ...], tuple[str, float]]:
    """Every speed spelling, as tokens, with the unit it names and its factor to mph.

    Returns:
        ``{("mph",): ("mph", 1.0), ("km", "per", "h"): ("km/h", 0.6214), ...}``: the
        abbreviations and the "distance per/an/a time" phrases ("a mile an hour", but never
        "km an h" or "m a s").
    """
    table: dict[tuple[str, ...], tuple[str, float]] = {}
    for words, name, factor in (
        (MPH_WORDS, MPH, 1.0),
        (KMH_WORDS, KMH, MPH_PER_KMH),
        (METRE_PER_SECOND_WORDS, METRES_PER_SECOND, MPH_PER_METRE_PER_SECOND),
    ):
        for word in words:
            table[(word,)] = (name, factor)
    for dists, name, factor, times in (
        (MILE_WORDS, MPH, 1.0, _SPEED_HOUR_WORDS),
        (KM_WORDS, KMH, MPH_PER_KMH, _SPEED_HOUR_WORDS),
        (METRE_WORDS, METRES_PER_SECOND, MPH_PER_METRE_PER_SECOND, _SPEED_SECOND_WORDS),
    ):
        for dist in dists:
            for per, spelled_out in _PER_WORDS.items():
                for time in times:
                    if spelled_out and (len(time) < 4 or len(dist) < 3):
                        continue
                    table[(dist, per, time)] = (name, factor)
    return table


# --------------------------------------------------------------------------------------------
# Inclines
# --------------------------------------------------------------------------------------------

PERCENT_WORDS: Final = frozenset({"%", "percent", "pct", "pc", "prcnt", "procent", "percentage"})
DEGREE_WORDS: Final = frozenset({"degrees", "degree", "deg", "degs", "°", "degres"})

# --------------------------------------------------------------------------------------------
# The spellings most people write, as regular expressions
# --------------------------------------------------------------------------------------------

#: Weight units the profile parser looks for beside an implausible number ("1000 kg").
COMMON_WEIGHT_UNIT_RE: Final = r"kgs?|kilos?|kilograms?|lbs?|pounds?|stones?|st"
#: Duration units the profile parser looks for beside an implausible number ("0 minutes").
COMMON_DURATION_UNIT_RE: Final = r"minutes?|mins?|hours?|hrs?|seconds?|secs?"
