"""Rasa entities of a message, validated and located in its text."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from bot.profile.slots import AGE_SLOT, MINUTES, WEIGHT_SLOT
from bot.profile.text import Text, normalise


@dataclass(frozen=True)
class Entity:
    """A Rasa entity, validated and located in the text when possible."""

    label: str
    value: Any
    span: tuple[int, int] | None


_VOCAB_LABELS: Final = frozenset({"place", "condition", "symptom"})
QUANTITY_SLOTS: Final[dict[str, str]] = {
    "age": AGE_SLOT,
    "duration": MINUTES,
    "weight": WEIGHT_SLOT,
}


def _as_float(value: Any) -> float | None:
    """A finite float from an entity value (numbers or numeric strings), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and len(value) < 40:
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _locate(t: Text, item: Mapping[str, Any]) -> tuple[int, int] | None:
    """Where an entity's ``raw`` text is in the message (``start``/``end`` if they agree)."""
    raw = item.get("raw")
    if not isinstance(raw, str) or not raw.strip():
        return None
    needle = normalise(raw)
    start, end = item.get("start"), item.get("end")
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start < end <= len(t.lower)
        and t.lower[start:end] == needle
    ):
        return start, end
    found = t.lower.find(needle)
    return (found, found + len(needle)) if found >= 0 else None


def read_entities(t: Text, entities: Any) -> list[Entity]:
    """Validate Rasa entity dicts; anything malformed is skipped."""
    try:
        items = list(entities or ())
    except TypeError:
        return []
    result = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        label = item.get("entity")
        if not isinstance(label, str):
            continue
        value = item.get("value")
        if label in _VOCAB_LABELS:
            if not isinstance(value, str) or not value.strip() or len(value) > 80:
                continue
            value = " ".join(value.lower().split())
        elif label in QUANTITY_SLOTS:
            value = _as_float(value)
            if value is None:
                continue
        else:
            continue
        result.append(Entity(label, value, _locate(t, item)))
    return result


# --------------------------------------------------------------------------------------------
