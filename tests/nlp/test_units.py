"""bot.nlp.units is the one table of units: the quantity parser and the calorie estimate agree."""

from __future__ import annotations

import pytest

from bot.calories import estimate_calories
from bot.nlp import units
from bot.nlp.quantities.duration_weight import parse_weight
from bot.nlp.quantities.speed import parse_speed
from bot.plan.week import TreadmillSetting


@pytest.mark.parametrize(
    ("words", "kg"),
    [
        (units.KG_WORDS, 1.0),
        (units.LB_WORDS, units.KG_PER_LB),
        (units.STONE_WORDS, units.KG_PER_STONE),
    ],
)
def test_every_weight_spelling_reads_the_same_in_chat_and_calories(
    words: tuple[str, ...], kg: float
) -> None:
    for word in words:
        quantity = parse_weight(f"10 {word}")
        assert quantity is not None, word
        assert quantity.value == pytest.approx(10 * kg, abs=1e-4)
        assert estimate_calories(70 / kg, word, minutes=30).weight_kg == pytest.approx(70)


def test_every_mph_and_kmh_spelling_reads_the_same_in_chat_and_calories() -> None:
    for spelling, (name, factor) in units.speed_units().items():
        text = " ".join(spelling)
        quantity = parse_speed(f"2 {text}")
        assert quantity is not None, text
        assert quantity.value == pytest.approx(2 * factor, abs=1e-4)
        if name in (units.MPH, units.KMH):
            estimate = estimate_calories(70, minutes=30, speed=2, speed_unit=text)
            assert estimate.speed_mph == pytest.approx(2 * factor)
            assert estimate.speed_unit == name


def test_plan_speeds_use_the_same_factor() -> None:
    setting = TreadmillSetting(speed_mph=1.0, incline_pct=0.0)
    assert setting.speed_kmh == units.KMH_PER_MPH
    assert pytest.approx(1.0) == units.MPH_PER_KMH * units.KMH_PER_MPH
