"""One entry point for every kind: :func:`parse_quantity` (cached, never raises)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Final

from bot.nlp.quantities.age import parse_age
from bot.nlp.quantities.duration_weight import parse_duration, parse_weight
from bot.nlp.quantities.incline import parse_incline
from bot.nlp.quantities.kinds import AGE, DURATION, INCLINE, SPEED, WEIGHT, Quantity
from bot.nlp.quantities.speed import parse_speed
from bot.nlp.quantities.tokens import CACHE_SIZE

_PARSERS: Final[dict[str, Callable[[str], Quantity | None]]] = {
    DURATION: parse_duration,
    WEIGHT: parse_weight,
    AGE: parse_age,
    SPEED: parse_speed,
    INCLINE: parse_incline,
}


def parse_quantity(kind: str, text: str) -> Quantity | None:
    """Parse ``text`` as a quantity of the given kind.

    Args:
        kind: One of :data:`KINDS`.
        text: The text to parse, e.g. a span's text or a free-text slot value.

    Returns:
        The normalised :class:`Quantity`, or ``None`` when the kind is unknown or the text is
        not exactly one quantity of that kind. Never raises.
    """
    if not isinstance(kind, str) or kind not in _PARSERS or not isinstance(text, str):
        return None
    return _parse_cached(kind, text)


@lru_cache(maxsize=CACHE_SIZE)
def _parse_cached(kind: str, text: str) -> Quantity | None:
    # Results are immutable, so sharing them between callers is safe.
    try:
        return _PARSERS[kind](text)
    except (ValueError, ArithmeticError, IndexError, RecursionError):  # pragma: no cover
        return None
