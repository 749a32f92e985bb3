"""The ``retrowalk_calories`` payload, as ``actions/calories.py`` sends it."""

from __future__ import annotations

from typing import Any

import pytest

from actions.calories import calories_payload
from bot.calories import estimate_calories
from bot.protocol.calories import CaloriesPayload
from bot.protocol.fields import PayloadError


def real_payload() -> dict[str, Any]:
    return calories_payload(estimate_calories(80, minutes=30, incline_pct=5))


def test_the_bots_estimate_reads_and_writes_back_the_same() -> None:
    payload = real_payload()
    read = CaloriesPayload.from_payload(payload)
    assert read.to_payload() == payload and list(read.to_payload()) == list(payload)
    assert (read.weight_kg, read.minutes, read.incline_pct) == (80, 30, 5)
    assert read.speed_assumed and read.kcal > 0


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("kcal", 12.5, "kcal must be a whole number from 0"),
        ("minutes", 0, "minutes must be above 0"),
        ("weight_kg", "80", "weight_kg must be a number"),
        ("speed_assumed", 1, "speed_assumed must be true or false"),
        ("incline_pct", -1, "incline_pct must be at least 0"),
        ("type", "retrowalk_session", "type must be 'retrowalk_calories'"),
    ],
)
def test_malformed_estimates_are_refused_naming_the_field(
    field: str, value: Any, words: str
) -> None:
    with pytest.raises(PayloadError, match="Malformed calories payload") as raised:
        CaloriesPayload.from_payload({**real_payload(), field: value})
    assert words in str(raised.value)
