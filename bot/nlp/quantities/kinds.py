"""The five quantity kinds, their canonical units and the :class:`Quantity` a parser returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

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

_DECIMALS: Final = 4


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


def result(kind: str, value: float, text: str) -> Quantity:
    value = round(value, _DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    return Quantity(kind=kind, value=value, unit=CANONICAL_UNITS[kind], text=text)
