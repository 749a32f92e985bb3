"""Unit and property tests of bot.calories: MET rules, units, caveats and input checks."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calories import (
    CalorieEstimate,
    CalorieInputError,
    estimate_calories,
    format_estimate,
)
from bot.nlp.units import KG_PER_LB, KG_PER_STONE, KMH_PER_MPH


def _sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", text))


# --- Worked examples (fact sheet §2.2) ---------------------------------------------------------


def test_worked_example_level() -> None:
    e = estimate_calories(70, minutes=20, speed=3.5)
    assert e.kcal == 140
    assert (e.met, e.code) == (6.0, "17320")


def test_worked_example_uphill() -> None:
    e = estimate_calories(70, minutes=20, speed=3.5, incline_pct=5)
    assert e.kcal == 187
    assert (e.met, e.code) == (8.0, "17325")


def test_worked_example_85kg() -> None:
    assert estimate_calories(85, minutes=15, speed=3.5).kcal == 128


# --- Units --------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["kg", "KG", "kgs", "kilograms", "Kilogram", "kilos"])
def test_kg_spellings(unit: str) -> None:
    assert estimate_calories(70, unit, minutes=20, speed=3.5).kcal == 140


@pytest.mark.parametrize("unit", ["lb", "lbs", "pounds", "Pound", "lbs."])
def test_pound_spellings(unit: str) -> None:
    e = estimate_calories(70 / KG_PER_LB, unit, minutes=20, speed=3.5)
    assert e.weight_kg == pytest.approx(70)
    assert e.kcal == 140


@pytest.mark.parametrize("unit", ["stone", "st", "stones"])
def test_stone(unit: str) -> None:
    e = estimate_calories(11, unit, minutes=20, speed=3.5)
    assert e.weight_kg == pytest.approx(11 * KG_PER_STONE)
    assert e.kcal == round(6.0 * 11 * KG_PER_STONE / 3)


def test_hours_equal_minutes() -> None:
    by_hours = estimate_calories(70, hours=0.5, speed=3.5)
    by_minutes = estimate_calories(70, minutes=30, speed=3.5)
    assert by_hours.kcal == by_minutes.kcal == 210
    assert by_hours.minutes == pytest.approx(30)


def test_hours_and_minutes_add_up() -> None:
    assert estimate_calories(70, hours=1, minutes=20, speed=3.5).minutes == pytest.approx(80)


@pytest.mark.parametrize("unit", ["km/h", "kmh", "kph", "KM/H", "kilometres per hour"])
def test_kmh_matches_mph(unit: str) -> None:
    e = estimate_calories(70, minutes=20, speed=5.6, speed_unit=unit)
    assert (e.kcal, e.met, e.speed_unit) == (140, 6.0, "km/h")
    assert "5.6 km/h" in format_estimate(e)


def test_miles_per_hour_spelling() -> None:
    assert estimate_calories(70, minutes=20, speed=3.5, speed_unit="miles per hour").kcal == 140


# --- Slow speeds: 1.4 x forward MET [ASSUMPTION §2.3] -----------------------------------------


@pytest.mark.parametrize(
    ("mph", "met", "code"),
    [
        (0.5, 2.8, "17151"),
        (1.0, 2.8, "17151"),
        (1.9, 2.8, "17151"),
        (2.0, 3.9, "17152"),
        (2.4, 3.9, "17152"),
        (2.5, 4.2, "17170"),
        (2.8, 4.9, "17190"),
        (3.2, 4.9, "17190"),
        (3.4, 4.9, "17190"),
        (3.5, 6.0, "17320"),
    ],
)
def test_slow_speed_rule(mph: float, met: float, code: str) -> None:
    e = estimate_calories(70, minutes=60, speed=mph)
    assert (e.met, e.code) == (met, code)
    assert e.kcal == round(met * 70)
    if code != "17320":
        assert any("1.4 times" in c for c in e.caveats)
        assert "approximation" in format_estimate(e)


def test_met_never_falls_with_speed() -> None:
    speeds = [x / 10 for x in range(1, 60)]
    mets = [estimate_calories(70, minutes=20, speed=s).met for s in speeds]
    assert mets == sorted(mets)


def test_no_speed_assumes_beginner_pace_and_says_so() -> None:
    e = estimate_calories(70, minutes=30)
    assert e.speed_assumed and e.speed_mph == 1.0
    assert (e.met, e.code) == (2.8, "17151")
    assert e.kcal == 98
    assert any("assumed" in c for c in e.caveats)
    text = format_estimate(e)
    assert "assumed beginner pace of about 1 mph" in text
    assert "guess your speed" in text


def test_no_speed_in_kmh_context() -> None:
    text = format_estimate(estimate_calories(70, minutes=30, speed_unit="km/h"))
    assert "about 1.6 km/h" in text


def test_fast_speed_is_capped_and_said() -> None:
    e = estimate_calories(70, minutes=20, speed=4.5)
    assert e.speed_capped and e.met == 6.0 and e.kcal == 140
    assert e.speed_mph == 4.5
    assert any("3.5 mph" in c and "higher" in c for c in e.caveats)
    text = format_estimate(e)
    assert "4.5 mph" in text and "3.5 mph value" in text


# --- Incline [SYNTHESIS] -------------------------------------------------------------------------


def test_incline_interpolates_at_35_mph() -> None:
    e = estimate_calories(70, minutes=60, speed=3.5, incline_pct=2.5)
    assert e.met == pytest.approx(7.0)
    assert e.code == "17320"
    assert any("approximation" in c for c in e.caveats)


def test_incline_above_5_counts_as_5() -> None:
    e = estimate_calories(70, minutes=20, speed=3.5, incline_pct=10)
    assert (e.met, e.code, e.kcal) == (8.0, "17325", 187)
    assert e.incline_pct == 10
    assert any("counted your 10% as 5%" in c for c in e.caveats)
    assert "counted the incline as 5%" in format_estimate(e)


def test_incline_at_slow_speed_scales_level_value() -> None:
    e = estimate_calories(70, minutes=60, speed=1.0, incline_pct=5)
    assert e.met == pytest.approx(round(2.8 * 8.0 / 6.0, 2))
    assert e.code == "17151"
    assert "incline adjustment is approximate" in format_estimate(e)


def test_incline_never_lowers_the_estimate() -> None:
    kcals = [estimate_calories(80, minutes=30, speed=2.0, incline_pct=g).kcal for g in range(0, 26)]
    assert kcals == sorted(kcals)
    assert kcals[0] < kcals[5]


# --- Experience and caveats ----------------------------------------------------------------------


def test_experienced_scales_down_19_percent() -> None:
    e = estimate_calories(70, minutes=20, speed=3.5, experienced=True)
    assert e.kcal == round(140 * 0.81)
    assert e.experience_factor == pytest.approx(0.81)
    assert e.met == 6.0
    assert any("19%" in c and "Heath 2001" in c for c in e.caveats)
    assert "took off 19%" in format_estimate(e)


def test_standard_caveats_always_present() -> None:
    e = estimate_calories(70, minutes=20, speed=3.5)
    joined = " ".join(e.caveats)
    assert "estimate" in joined
    assert "individual differences" in joined
    assert "rails" in joined
    assert "19%" in joined


def test_explanation_shows_the_arithmetic() -> None:
    e = estimate_calories(70, minutes=20, speed=3.5)
    assert "6.0 MET" in e.explanation and "70 kg" in e.explanation
    assert "17320" in e.explanation and "140 kcal" in e.explanation


def test_format_estimate_is_two_or_three_sentences() -> None:
    text = format_estimate(estimate_calories(70, minutes=20, speed=3.5))
    assert text.startswith("About 140 kcal for 20 minutes of backward walking at 3.5 mph")
    assert "This is an estimate because" in text
    assert 2 <= _sentences(text) <= 3


# --- Input errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"weight": 10, "minutes": 20}, "weight"),
        ({"weight": 400, "minutes": 20}, "weight"),
        ({"weight": 700, "weight_unit": "lb", "minutes": 20}, "700 lb"),
        ({"weight": 1, "weight_unit": "stone", "minutes": 20}, "1 stone"),
        ({"weight": -70, "minutes": 20}, "weight"),
        ({"weight": math.nan, "minutes": 20}, "weight"),
        ({"weight": 70, "weight_unit": "furlongs", "minutes": 20}, "furlongs"),
        ({"weight": 70}, "how long"),
        ({"weight": 70, "minutes": 0}, "how long"),
        ({"weight": 70, "minutes": -5}, "how long"),
        ({"weight": 70, "minutes": 301}, "300 minutes"),
        ({"weight": 70, "hours": 6}, "300 minutes"),
        ({"weight": 70, "minutes": math.inf}, "time"),
        ({"weight": 70, "minutes": 20, "speed": 0}, "speed"),
        ({"weight": 70, "minutes": 20, "speed": -2}, "speed"),
        ({"weight": 70, "minutes": 20, "speed": 11}, "11 mph"),
        ({"weight": 70, "minutes": 20, "speed": 20, "speed_unit": "km/h"}, "20 km/h"),
        ({"weight": 70, "minutes": 20, "speed_unit": "knots"}, "knots"),
        ({"weight": 70, "minutes": 20, "incline_pct": -1}, "incline"),
        ({"weight": 70, "minutes": 20, "incline_pct": 30}, "incline"),
    ],
)
def test_absurd_inputs_raise_clear_errors(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(CalorieInputError) as info:
        estimate_calories(**kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert fragment in message
    assert message[0].isupper() and message.endswith(".")
    assert isinstance(info.value, ValueError)


def test_bounds_are_inclusive() -> None:
    assert estimate_calories(25, minutes=300, speed=10, incline_pct=25).kcal > 0
    assert estimate_calories(300, minutes=0.5, speed=0.1, incline_pct=0).kcal >= 0


# --- Properties -----------------------------------------------------------------------------------

_WEIGHT_UNITS = {"kg": 1.0, "lb": KG_PER_LB, "stone": KG_PER_STONE}


@st.composite
def _inputs(draw: st.DrawFn) -> dict[str, object]:
    unit = draw(st.sampled_from(sorted(_WEIGHT_UNITS)))
    kg = draw(st.floats(25.01, 299.99))
    speed_unit = draw(st.sampled_from(["mph", "km/h"]))
    max_speed = 10.0 if speed_unit == "mph" else 10.0 * KMH_PER_MPH - 0.01
    return {
        "weight": kg / _WEIGHT_UNITS[unit],
        "weight_unit": unit,
        "minutes": draw(st.floats(0.01, 300.0)),
        "speed": draw(st.none() | st.floats(0.01, max_speed)),
        "speed_unit": speed_unit,
        "incline_pct": draw(st.none() | st.floats(0.0, 25.0)),
        "experienced": draw(st.booleans()),
    }


@settings(max_examples=300, deadline=None)
@given(_inputs())
def test_valid_inputs_never_raise(kwargs: dict[str, object]) -> None:
    e = estimate_calories(**kwargs)  # type: ignore[arg-type]
    assert isinstance(e, CalorieEstimate)
    assert e.kcal >= 0
    assert 2.8 * 0.81 - 1e-9 <= e.met * e.experience_factor <= 8.0
    text = format_estimate(e)
    assert text.startswith(f"About {e.kcal} kcal")
    assert 2 <= _sentences(text) <= 3
    assert e.caveats


@settings(max_examples=300, deadline=None)
@given(_inputs(), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_kcal_monotonic_in_minutes_and_weight(
    kwargs: dict[str, object], minute_share: float, weight_share: float
) -> None:
    base = estimate_calories(**kwargs)  # type: ignore[arg-type]
    minutes = float(kwargs["minutes"])  # type: ignore[arg-type]
    longer = dict(kwargs, minutes=minutes + (300.0 - minutes) * minute_share)
    assert estimate_calories(**longer).kcal >= base.kcal  # type: ignore[arg-type]
    weight = float(kwargs["weight"])  # type: ignore[arg-type]
    top = 299.99 / _WEIGHT_UNITS[str(kwargs["weight_unit"])]
    heavier = dict(kwargs, weight=max(weight, weight + (top - weight) * weight_share))
    assert estimate_calories(**heavier).kcal >= base.kcal  # type: ignore[arg-type]
