"""Property tests of bot.profile.parse: never raises, values always usable, ranges exact."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.profile.model import (
    AGE_RANGE,
    DAYS_RANGE,
    EXPERIENCES,
    GOALS,
    LOCATIONS,
    MINUTES_RANGE,
    WEIGHT_KG_RANGE,
)
from bot.profile.parse import parse_answers
from bot.profile.slots import SLOTS, ParsedAnswer, Rejection
from tests.profile.answers import parsed

_RANGES: dict[str, tuple[float, float]] = {
    "age": AGE_RANGE,
    "minutes_per_session": MINUTES_RANGE,
    "days_per_week": DAYS_RANGE,
    "weight_kg": WEIGHT_KG_RANGE,
}
_CHOICES: dict[str, tuple[Any, ...]] = {
    "experience": EXPERIENCES,
    "location": LOCATIONS,
    "goal": GOALS,
    "regularly_active": (True, False),
}


def assert_valid(answers: list[ParsedAnswer], rejections: list[Rejection]) -> None:
    """Every returned value is usable and each slot is reported at most once."""
    slots = [a.slot for a in answers] + [r.slot for r in rejections]
    assert len(slots) == len(set(slots))
    assert set(slots) <= set(SLOTS)
    for answer in answers:
        assert isinstance(answer.text, str)
        if answer.slot in _RANGES:
            low, high = _RANGES[answer.slot]
            assert isinstance(answer.value, (int, float))
            assert not isinstance(answer.value, bool)
            assert math.isfinite(answer.value)
            assert low <= answer.value <= high
            if answer.slot != "weight_kg":
                assert isinstance(answer.value, int)
        elif answer.slot == "conditions":
            assert isinstance(answer.value, tuple)
            assert all(isinstance(c, str) and c for c in answer.value)
        else:
            assert answer.value in _CHOICES[answer.slot]
            assert type(answer.value) is type(_CHOICES[answer.slot][0])
    for rejection in rejections:
        assert isinstance(rejection.reason, str) and len(rejection.reason) > 10


_ENTITY_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["park", "treadmill", "gym", "knee pain", "arthritis", "70", "nan", "1e400"]),
)
_ENTITY = st.one_of(
    st.dictionaries(
        st.sampled_from(["entity", "value", "unit", "raw", "start", "end", "extractor"]),
        st.one_of(
            _ENTITY_VALUES,
            st.sampled_from(
                ["age", "duration", "weight", "place", "condition", "symptom", "body_part"]
            ),
        ),
    ),
    st.builds(
        lambda label, value, raw: {"entity": label, "value": value, "raw": raw},
        st.sampled_from(["age", "duration", "weight", "place", "condition", "symptom"]),
        _ENTITY_VALUES,
        st.text(max_size=15),
    ),
    st.none(),
    st.integers(),
    st.text(max_size=5),
)
_ASKED = st.one_of(st.none(), st.sampled_from(SLOTS), st.text(max_size=10))

_FRAGMENTS = st.sampled_from(
    [
        "I'm",
        "I am",
        "aged",
        "years old",
        "kg",
        "lbs",
        "stone",
        "st",
        "minutes",
        "mins",
        "hours",
        "an hour",
        "half an hour",
        "days a week",
        "times a week",
        "twice",
        "once",
        "a week",
        "every day",
        "weekends",
        "every other day",
        "-",
        "to",
        "or",
        "and",
        "between",
        "no",
        "not",
        "never",
        "tried it",
        "a few times",
        "regularly",
        "for years",
        "treadmill",
        "park",
        "gym",
        "at home",
        "hallway",
        "for my knees",
        "balance",
        "fitness",
        "rehab",
        "curious",
        "bad knee",
        "asthma",
        "no injuries",
        "active",
        "sedentary",
        "weigh",
        "my weight is",
        "in my sixties",
        ",",
        ".",
        "yes",
        "none",
    ]
)
_NUMBERS = st.one_of(
    st.integers(min_value=-50, max_value=2000).map(str),
    st.floats(min_value=-100, max_value=1000, allow_nan=False).map(lambda x: f"{x:.1f}"),
    st.sampled_from(["seventy", "twenty-five", "a hundred and ten", "zero", "three", "½"]),
)
_SENTENCES = st.lists(st.one_of(_FRAGMENTS, _NUMBERS), max_size=14).map(" ".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300), entities=st.lists(_ENTITY, max_size=6), asked=_ASKED)
def test_never_raises_on_arbitrary_input(
    text: str, entities: list[Mapping[str, Any]], asked: str | None
) -> None:
    answers, rejections = parse_answers(text, entities, asked)
    assert_valid(answers, rejections)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_SENTENCES, entities=st.lists(_ENTITY, max_size=3), asked=_ASKED)
def test_values_always_in_range_for_profile_like_text(
    text: str, entities: list[Mapping[str, Any]], asked: str | None
) -> None:
    answers, rejections = parse_answers(text, entities, asked)
    assert_valid(answers, rejections)


@settings(max_examples=200, deadline=None)
@given(age=st.integers(min_value=-20, max_value=400))
def test_age_is_accepted_exactly_when_plausible(age: int) -> None:
    got, reasons = parsed(f"I'm {age} years old")
    if AGE_RANGE[0] <= age <= AGE_RANGE[1]:
        assert got == {"age": age}
    else:
        assert "age" in reasons and "age" not in got


@settings(max_examples=200, deadline=None)
@given(days=st.integers(min_value=-10, max_value=30))
def test_days_are_accepted_exactly_when_plausible(days: int) -> None:
    got, reasons = parsed(f"I can walk {days} days a week")
    if DAYS_RANGE[0] <= days <= DAYS_RANGE[1]:
        assert got == {"days_per_week": days}
    else:
        assert set(reasons) == {"days_per_week"} and not got


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(min_value=0, max_value=5000))
def test_minutes_are_accepted_exactly_when_plausible(minutes: int) -> None:
    got, reasons = parsed(f"{minutes} minutes each time")
    if MINUTES_RANGE[0] <= minutes <= MINUTES_RANGE[1]:
        assert got == {"minutes_per_session": minutes}
    else:
        assert set(reasons) == {"minutes_per_session"} and not got


@settings(max_examples=200, deadline=None)
@given(kg=st.integers(min_value=1, max_value=900))
def test_weights_are_accepted_exactly_when_plausible(kg: int) -> None:
    got, reasons = parsed(f"I weigh {kg} kg")
    if WEIGHT_KG_RANGE[0] <= kg <= WEIGHT_KG_RANGE[1]:
        assert got == {"weight_kg": float(kg)}
    else:
        assert set(reasons) == {"weight_kg"} and not got


@settings(max_examples=100, deadline=None)
@given(days=st.integers(min_value=1, max_value=7), minutes=st.integers(min_value=5, max_value=120))
def test_days_and_minutes_never_swap(days: int, minutes: int) -> None:
    got, _ = parsed(f"I walk {days} days a week for {minutes} minutes")
    assert got == {"days_per_week": days, "minutes_per_session": minutes}
    got, _ = parsed(f"{minutes} minutes, {days} times a week")
    assert got == {"days_per_week": days, "minutes_per_session": minutes}
