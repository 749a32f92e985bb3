"""Unit tests of the bot.nlp.quantities package (pure Python: no spaCy needed)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.nlp.quantities.age import parse_age
from bot.nlp.quantities.duration_weight import parse_duration, parse_weight
from bot.nlp.quantities.incline import parse_incline
from bot.nlp.quantities.kinds import CANONICAL_UNITS, KINDS, Quantity
from bot.nlp.quantities.numbers import parse_number
from bot.nlp.quantities.parse import parse_quantity
from bot.nlp.quantities.speed import parse_speed
from bot.nlp.quantities.tokens import is_number_token, is_quantity_token, is_unit_token, tokenize

LB = 0.45359237
KMH = 1 / 1.609344

DURATIONS = [
    ("10 minutes", 10),
    ("10 min", 10),
    ("10mins", 10),
    ("10 MINUTES", 10),
    ("half an hour", 30),
    ("half hour", 30),
    ("a half hour", 30),
    ("an hour", 60),
    ("an hour and a half", 90),
    ("1.5 hours", 90),
    ("1,5 hours", 90),
    ("1 1/2 hours", 90),
    ("1½ hours", 90),
    ("one and a half hours", 90),
    ("90 seconds", 1.5),
    ("a quarter of an hour", 15),
    ("three quarters of an hour", 45),
    ("ten minutes", 10),
    ("twenty-five mins", 25),
    ("twenty five minutes", 25),
    ("1h30", 90),
    ("1h30m", 90),
    ("1 hr 15 min", 75),
    ("2 hours and 15 minutes", 135),
    ("1 hour 30", 90),
    ("1 min 30 s", 1.5),
    ("a couple of minutes", 2),
    ("about 20 minutes", 20),
    ("for an hour", 60),
    ("20 minuets", 20),
]
WEIGHTS = [
    ("176 lbs", 176 * LB),
    ("176lbs", 176 * LB),
    ("80 kg", 80),
    ("80kg", 80),
    ("80 kilos", 80),
    ("80.5 kilograms", 80.5),
    ("12 stone", 12 * 14 * LB),
    ("12st", 12 * 14 * LB),
    ("11 st 4 lb", (11 * 14 + 4) * LB),
    ("11st 4lb", (11 * 14 + 4) * LB),
    ("11 stone 4", (11 * 14 + 4) * LB),
    ("twelve and a half stone", 12.5 * 14 * LB),
    ("165 pounds", 165 * LB),
    ("a hundred and sixty pounds", 160 * LB),
]
AGES = [
    ("65", 65),
    ("65 years old", 65),
    ("65 years", 65),
    ("65-year-old", 65),
    ("65 yo", 65),
    ("65yo", 65),
    ("65 y/o", 65),
    ("65 y.o.", 65),
    ("sixty-five", 65),
    ("sixty five", 65),
    ("aged 65", 65),
    ("I'm 65", 65),
    ("I’m 65", 65),
    ("I am 65", 65),
    ("in my sixties", 60),
    ("in my 60s", 60),
    ("in my early seventies", 70),
    ("in my mid-sixties", 65),
    ("in my late 60s", 68),
]
SPEEDS = [
    ("2.5 mph", 2.5),
    ("2.5mph", 2.5),
    ("2,5 mph", 2.5),
    ("3 m.p.h.", 3),
    ("4 km/h", 4 * KMH),
    ("4km/h", 4 * KMH),
    ("4 km / h", 4 * KMH),
    ("4 kph", 4 * KMH),
    ("4kph", 4 * KMH),
    ("4 kmh", 4 * KMH),
    ("3 kilometres per hour", 3 * KMH),
    ("3 kilometers an hour", 3 * KMH),
    ("1 mile an hour", 1),
    ("two and a half miles per hour", 2.5),
    ("half a mile an hour", 0.5),
    ("1 m/s", 3.6 * KMH),
]
INCLINES = [
    ("5%", 5),
    ("5 %", 5),
    ("5 percent", 5),
    ("5 per cent", 5),
    ("5% incline", 5),
    ("5 percent incline", 5),
    ("5% grade", 5),
    ("incline 3", 3),
    ("3 incline", 3),
    ("incline of 4.5%", 4.5),
    ("incline level 2", 2),
    ("10 degrees", 100 * math.tan(math.radians(10))),
    ("10° slope", 100 * math.tan(math.radians(10))),
    ("2% decline", -2),
    ("-2%", -2),
    ("incline 0", 0),
]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [("duration", t, v) for t, v in DURATIONS]
    + [("weight", t, v) for t, v in WEIGHTS]
    + [("age", t, v) for t, v in AGES]
    + [("speed", t, v) for t, v in SPEEDS]
    + [("incline", t, v) for t, v in INCLINES],
)
def test_parses_to_canonical_value(kind: str, text: str, expected: float) -> None:
    result = parse_quantity(kind, text)
    assert result is not None, f"{kind}: {text!r} not parsed"
    assert result.kind == kind
    assert result.unit == CANONICAL_UNITS[kind]
    assert result.text == text
    assert result.value == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("duration", ""),
        ("duration", "minutes"),
        ("duration", "3 times"),
        ("duration", "10"),
        ("duration", "0 minutes"),
        ("duration", "10-15 minutes"),
        ("duration", "10m"),  # metres or minutes: ambiguous on its own
        ("duration", "30s"),  # seconds or a decade: ambiguous on its own
        ("duration", "3 days"),
        ("duration", "a few minutes"),
        ("duration", "1:30"),
        ("duration", "30 minutes 1 hour"),  # units must decrease
        ("duration", "10 minutes walk"),
        ("duration", "-10 minutes"),
        ("duration", "25 hours"),
        ("weight", "80"),
        ("weight", "£80"),
        ("weight", "1 st 2 kg"),  # no mixing of systems
        ("weight", "80 kg 5"),
        ("weight", "2000 kg"),
        ("age", "route 66"),
        ("age", "0"),
        ("age", "130"),
        ("age", "65 kg"),
        ("age", "sixty-five and"),
        ("speed", "3"),
        ("speed", "3 miles"),
        ("speed", "speed 3"),
        ("speed", "300 mph"),
        ("incline", "3"),
        ("incline", "grade 3"),  # school, not slope
        ("incline", "a 5% incline"),
        ("incline", "150%"),
        ("incline", "60 degrees"),
        ("incline", "incline"),
        ("unknown", "10 minutes"),
    ],
)
def test_rejects(kind: str, text: str) -> None:
    assert parse_quantity(kind, text) is None


def test_per_kind_helpers_match_parse_quantity() -> None:
    assert parse_duration("half an hour") == parse_quantity("duration", "half an hour")
    assert parse_weight("80 kg") == parse_quantity("weight", "80 kg")
    assert parse_age("65") == parse_quantity("age", "65")
    assert parse_speed("2 mph") == parse_quantity("speed", "2 mph")
    assert parse_incline("5%") == parse_quantity("incline", "5%")


def test_quantity_is_frozen_and_has_canonical_string() -> None:
    result = parse_duration("half an hour")
    assert result == Quantity(kind="duration", value=30.0, unit="min", text="half an hour")
    assert result.canonical == "30 min"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.5", 2.5),
        ("2,5", 2.5),
        ("1,500", 1500),
        ("twenty-five", 25),
        ("ninety nine", 99),
        ("a hundred and sixty", 160),
        ("one hundred", 100),
        ("one and a half", 1.5),
        ("three quarters", 0.75),
        ("two point five", 2.5),
        ("1/2", 0.5),
        ("minus 3", -3),
        ("", None),
        ("twenty-ten", None),
        ("1/0", None),
        ("ten ten", None),
    ],
)
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("text", "quantity", "number", "unit"),
    [
        ("10kg", True, False, False),
        ("km/h", True, False, True),
        ("mph", True, False, True),
        ("%", True, False, True),
        ("twenty", True, True, False),
        ("2,5", True, True, False),
        ("and", True, False, False),
        ("1h30", True, False, False),
        ("'s", False, False, False),
        ("route66", False, False, False),
        ("3x", False, False, False),
        ("treadmill", False, False, False),
    ],
)
def test_token_predicates(text: str, quantity: bool, number: bool, unit: bool) -> None:
    assert is_quantity_token(text) is quantity
    assert is_number_token(text) is number
    assert is_unit_token(text) is unit


# ---------------------------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------------------------

QUANTITY_ALPHABET = st.sampled_from(
    [
        *"0123456789 .,/-'%°½¼¾:~()",
        *[" and ", " a ", " an ", " half ", " quarter ", " of ", " per ", " point ", " minus "],
        *[" min", " hour", "h", " kg", " lbs", " st", " stone", " mph", " km/h", " kph", " m/s"],
        *[" incline", " decline", " degrees", " percent", " years old", " yo", " in my ", "s"],
        *[" twenty", " five", " hundred", " sixty", " i'm ", " aged "],
    ]
)
quantity_like_text = st.lists(QUANTITY_ALPHABET, max_size=25).map("".join)
any_kind = st.sampled_from([*KINDS, "", "DURATION", "nonsense"])
# No example database: these tests write nothing into the working tree.
quick = settings(database=None, deadline=None)
fast = settings(quick, max_examples=300, suppress_health_check=[HealthCheck.too_slow])


def _check_result(kind: str, text: str, result: Quantity | None) -> None:
    if result is None:
        return
    assert result.kind == kind
    assert result.text == text
    assert result.unit == CANONICAL_UNITS[kind]
    assert math.isfinite(result.value)


@fast
@given(kind=any_kind, text=st.text(max_size=300))
def test_parse_quantity_never_raises_on_arbitrary_text(kind: str, text: str) -> None:
    _check_result(kind, text, parse_quantity(kind, text))


@fast
@given(kind=any_kind, text=quantity_like_text)
def test_parse_quantity_never_raises_on_quantity_like_text(kind: str, text: str) -> None:
    _check_result(kind, text, parse_quantity(kind, text))


@fast
@given(text=st.one_of(st.text(max_size=50), quantity_like_text))
def test_helpers_never_raise(text: str) -> None:
    parse_number(text)
    tokenize(text)
    is_number_token(text)
    is_unit_token(text)
    is_quantity_token(text)


@quick
@given(kind=any_kind, value=st.one_of(st.none(), st.integers(), st.floats(), st.binary(max_size=8)))
def test_parse_quantity_never_raises_on_non_strings(kind: str, value: object) -> None:
    assert parse_quantity(kind, value) is None  # type: ignore[arg-type]


@quick
@given(
    n=st.integers(min_value=1, max_value=1440),
    unit=st.sampled_from(["min", "mins", "minute", "minutes", "Minutes"]),
    glue=st.sampled_from(["", " ", "  "]),
)
def test_minutes_round_trip(n: int, unit: str, glue: str) -> None:
    result = parse_duration(f"{n}{glue}{unit}")
    assert result is not None
    assert result.value == n


@quick
@given(
    value=st.decimals(min_value="0.1", max_value="400", places=1),
    unit=st.sampled_from(["kg", "kgs", "kilos"]),
)
def test_kilograms_round_trip(value: object, unit: str) -> None:
    result = parse_weight(f"{value} {unit}")
    assert result is not None
    assert result.value == pytest.approx(float(str(value)), abs=1e-4)


@quick
@given(n=st.integers(min_value=1, max_value=99))
def test_number_words_match_digits(n: int) -> None:
    words = {
        1: "one",
        2: "two",
        3: "three",
        4: "four",
        5: "five",
        6: "six",
        7: "seven",
        8: "eight",
        9: "nine",
        10: "ten",
        11: "eleven",
        12: "twelve",
        13: "thirteen",
        14: "fourteen",
        15: "fifteen",
        16: "sixteen",
        17: "seventeen",
        18: "eighteen",
        19: "nineteen",
    }
    tens = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy"}
    tens |= {8: "eighty", 9: "ninety"}
    if n < 20:
        spelled = words[n]
    elif n % 10 == 0:
        spelled = tens[n // 10]
    else:
        spelled = f"{tens[n // 10]}-{words[n % 10]}"
    assert parse_number(spelled) == n
    age = parse_age(spelled)
    assert age is not None
    assert age.value == n
