"""Reading payload fields: one error type that names the field, and the checks every payload uses.

A malformed payload raises :class:`PayloadError` (a ``ValueError``) whose message names the
payload, the field (with its path, e.g. ``segments[1].minutes``), what was expected and what
came: ``Malformed session payload: segments[1].minutes must be a number, got '5'``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

_SHOWN_CHARS = 60


class PayloadError(ValueError):
    """A payload that does not follow the protocol.

    Attributes:
        payload: Which payload (``session``, ``no-session``, ``walk log``...).
        field: The bad field's path (``segments[1].minutes``; ``payload`` for the whole).
        problem: What was expected (``must be a number``).
        value: What came.
    """

    def __init__(self, payload: str, field: str, problem: str, value: Any) -> None:
        """Keep the parts; the message says them in one line."""
        shown = repr(value)
        if len(shown) > _SHOWN_CHARS:
            shown = shown[: _SHOWN_CHARS - 3] + "..."
        super().__init__(f"Malformed {payload} payload: {field} {problem}, got {shown}")
        self.payload = payload
        self.field = field
        self.problem = problem
        self.value = value

    @property
    def reason(self) -> str:
        """The field and the problem without the value (``minutes must be a number``)."""
        return f"{self.field} {self.problem}"


def expect_object(payload: str, value: Any, field: str = "payload") -> Mapping[str, Any]:
    """``value`` if it is a JSON object.

    Raises:
        PayloadError: If it is not.
    """
    if not isinstance(value, Mapping):
        raise PayloadError(payload, field, "must be an object", value)
    return value


def expect_type(payload: str, data: Mapping[str, Any], type_name: str) -> None:
    """Check the payload's ``type``.

    Raises:
        PayloadError: If ``data["type"]`` is not ``type_name``.
    """
    if data.get("type") != type_name:
        raise PayloadError(payload, "type", f"must be {type_name!r}", data.get("type"))


def number(
    payload: str, value: Any, field: str, low: float, high: float, *, low_open: bool
) -> float:
    """A finite number in ``(low, high]`` (``low_open``) or ``[low, high]``.

    A whole number is returned as it came (an ``int``), so a payload read and written again
    is the same JSON.

    Raises:
        PayloadError: If ``value`` is not such a number (booleans are not numbers).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PayloadError(payload, field, "must be a number", value)
    too_low = value <= low if low_open else value < low
    if not math.isfinite(value) or too_low or value > high:
        bound = f"above {low:g}" if low_open else f"at least {low:g}"
        raise PayloadError(payload, field, f"must be {bound} and at most {high:g}", value)
    return value


def whole(payload: str, value: Any, field: str, *, least: int = 1) -> int:
    """A whole number from ``least`` (``2.0`` counts as ``2``).

    Raises:
        PayloadError: If ``value`` is not such a number.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise PayloadError(payload, field, f"must be a whole number from {least}", value)
    return value


def optional_whole(payload: str, value: Any, field: str, *, least: int = 1) -> int | None:
    """:func:`whole`, or None when ``value`` is None (absent or ``null``).

    Raises:
        PayloadError: If ``value`` is neither None nor such a number.
    """
    return None if value is None else whole(payload, value, field, least=least)


def text(payload: str, value: Any, field: str) -> str:
    """Text, stripped.

    Raises:
        PayloadError: If ``value`` is not a string.
    """
    if not isinstance(value, str):
        raise PayloadError(payload, field, "must be text", value)
    return value.strip()


def flag(payload: str, value: Any, field: str) -> bool:
    """``true`` or ``false``.

    Raises:
        PayloadError: If ``value`` is not a boolean.
    """
    if not isinstance(value, bool):
        raise PayloadError(payload, field, "must be true or false", value)
    return value


def choice(payload: str, value: Any, field: str, options: tuple[str, ...]) -> str:
    """One of ``options``.

    Raises:
        PayloadError: If ``value`` is not one of them.
    """
    if not isinstance(value, str) or value not in options:
        raise PayloadError(payload, field, f"must be one of {', '.join(options)}", value)
    return value
