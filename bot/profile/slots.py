"""The profile slots a message can answer, and what the parser returns for each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

EXPERIENCE: Final = "experience"
AGE_SLOT: Final = "age"
CONDITIONS: Final = "conditions"
LOCATION: Final = "location"
GOAL: Final = "goal"
MINUTES: Final = "minutes_per_session"
DAYS: Final = "days_per_week"
WEIGHT_SLOT: Final = "weight_kg"
ACTIVE: Final = "regularly_active"

#: The profile slots, in the order answers and rejections are returned.
SLOTS: Final[tuple[str, ...]] = (
    EXPERIENCE,
    AGE_SLOT,
    CONDITIONS,
    LOCATION,
    GOAL,
    MINUTES,
    DAYS,
    WEIGHT_SLOT,
    ACTIVE,
)

#: Longer messages are cut to this many characters before parsing.
MAX_TEXT_CHARS: Final = 2000

_ASKED_ALIASES: Final[dict[str, str]] = {
    "weight": WEIGHT_SLOT,
    "minutes": MINUTES,
    "days": DAYS,
    "condition": CONDITIONS,
    "active": ACTIVE,
}


@dataclass(frozen=True)
class ParsedAnswer:
    """One profile slot value found in a message.

    Attributes:
        slot: The slot name (one of :data:`SLOTS`).
        value: The value: ``str`` for experience/location/goal, ``int`` for age, minutes and
            days, ``float`` for weight_kg, ``tuple[str, ...]`` for conditions, ``bool`` for
            regularly_active.
        text: The words of the message the value was read from.
    """

    slot: str
    value: Any
    text: str


@dataclass(frozen=True)
class Rejection:
    """A slot the user answered with something the coach cannot use.

    Attributes:
        slot: The slot name (one of :data:`SLOTS`).
        reason: A friendly, specific sentence to show the user, ending with the question to
            ask again.
    """

    slot: str
    reason: str


# --------------------------------------------------------------------------------------------
# Text, claims and collected values


def asked_slot(asked: Any) -> str | None:
    if not isinstance(asked, str):
        return None
    asked = _ASKED_ALIASES.get(asked, asked)
    return asked if asked in SLOTS else None
