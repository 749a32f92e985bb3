"""Walking speeds ("2.5 mph", "4 km/h", "1 mile an hour"); canonical unit: mph."""

from __future__ import annotations

from typing import Final

from bot.nlp.quantities.kinds import SPEED, Quantity, result
from bot.nlp.quantities.lexicon import SPEED_UNITS
from bot.nlp.quantities.numbers import match_unit, number_before_unit, prepare

_MAX_SPEED_MPH: Final = 50.0


def parse_speed(text: str) -> Quantity | None:
    """Parse a walking speed; canonical unit: miles per hour.

    Args:
        text: e.g. "2.5 mph", "2.5mph", "4 km/h", "4 kph", "3 kilometres per hour",
            "1 mile an hour", "1.2 m/s".

    Returns:
        The speed in mph (0 < value <= 50), or ``None``. A number without a unit is not a
        speed (treadmills show km/h or mph depending on the country).
    """
    tokens = prepare(text)
    if tokens is None:
        return None
    for j in range(len(tokens)):
        found = match_unit(tokens, j, SPEED_UNITS)
        if found is None:
            continue
        length, unit = found
        if j + length != len(tokens):
            return None
        value = number_before_unit(tokens[:j])
        if value is None or value <= 0:
            return None
        mph = value * unit.factor
        return result(SPEED, mph, text) if mph <= _MAX_SPEED_MPH else None
    return None
