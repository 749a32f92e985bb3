"""Reading numbers from ``RETROWALK_*`` environment variables, with clear errors."""

from __future__ import annotations

import math
import os


def env_text(name: str) -> str:
    """The variable's value, stripped ("" when unset)."""
    return os.environ.get(name, "").strip()


def env_float(name: str, default: float, *, minimum: float = 0.0, positive: bool = False) -> float:
    """A finite number from ``name``, ``default`` when unset or empty.

    Raises:
        ValueError: Naming the variable, when it is not a number, below ``minimum``, or not
            above zero although ``positive`` asks for it.
    """
    raw = env_text(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as error:
        raise ValueError(f"{name} must be a number, got {raw!r}") from error
    if not math.isfinite(value) or value < minimum or (positive and value <= 0):
        least = "positive" if positive else f"at least {minimum:g}"
        raise ValueError(f"{name} must be {least}, got {raw!r}")
    return value
