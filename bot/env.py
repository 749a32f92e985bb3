"""The one reader of the ``RETROWALK_*`` environment variables, with clear errors.

Every setting of the coach, the voice coach and the scripts is read through these
functions (``tests/test_configuration.py`` checks that no other module reads
``os.environ`` for a ``RETROWALK_*`` name, and that each one is listed in
``docs/configuration.md``). A variable that is unset or empty (after stripping) takes its
default; a value that cannot be used raises :class:`SettingsError`, whose message names the
variable, the value and what was expected. No bad value is silently replaced by a default.

Each function takes ``environ``: the mapping to read (default ``os.environ``), for code that
is handed an environment (a server's, a test's).
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Mapping
from pathlib import Path

TRUE_WORDS = ("1", "true", "yes", "on")
"""Values a yes/no variable accepts for yes (any case)."""
FALSE_WORDS = ("0", "false", "no", "off")
"""Values a yes/no variable accepts for no (any case)."""


class SettingsError(ValueError):
    """A ``RETROWALK_*`` variable holds a value that cannot be used."""

    def __init__(self, name: str, raw: str, expected: str) -> None:
        """The error for variable ``name`` holding ``raw``, where ``expected`` was wanted.

        Args:
            name: The variable, e.g. ``RETROWALK_RASA_PORT``.
            raw: Its value as set.
            expected: What it must be, e.g. ``"a whole number from 1 to 65535"``.
        """
        super().__init__(f"{name} must be {expected}, got {raw!r}")
        self.name = name
        self.raw = raw
        self.expected = expected


def env_text(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    """The variable's value, stripped; ``default`` when unset or empty."""
    env = os.environ if environ is None else environ
    return env.get(name, "").strip() or default


def env_words(name: str, *, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The variable's value split at white space (``()`` when unset or empty)."""
    return tuple(env_text(name, environ=environ).split())


def env_path(name: str, default: Path, *, environ: Mapping[str, str] | None = None) -> Path:
    """A path from ``name`` (``~`` expanded), ``default`` when unset or empty."""
    raw = env_text(name, environ=environ)
    return Path(raw).expanduser() if raw else default


def _range(minimum: float | None, maximum: float | None, positive: bool) -> str:
    if positive and maximum is None:
        return "positive"
    parts = []
    if positive:
        parts.append("above 0")
    elif minimum is not None:
        parts.append(f"at least {minimum:g}")
    if maximum is not None:
        parts.append(f"at most {maximum:g}")
    return " and ".join(parts)


def env_float(
    name: str,
    default: float,
    *,
    minimum: float | None = 0.0,
    maximum: float | None = None,
    positive: bool = False,
    environ: Mapping[str, str] | None = None,
) -> float:
    """A finite number from ``name``, ``default`` when unset or empty.

    Args:
        name: The variable.
        default: The value when it is unset or empty.
        minimum: The least value allowed (None: no bound; default 0).
        maximum: The greatest value allowed (None: no bound).
        positive: Values must be above zero.
        environ: The environment to read (default ``os.environ``).

    Raises:
        SettingsError: When it is not a number or out of range.
    """
    raw = env_text(name, environ=environ)
    if not raw:
        return default
    bounds = _range(minimum, maximum, positive)
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(name, raw, f"a number ({bounds})" if bounds else "a number") from None
    if not math.isfinite(value):
        raise SettingsError(name, raw, "a finite number")
    if (
        (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
        or (positive and value <= 0)
    ):
        raise SettingsError(name, raw, bounds)
    return value


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = 0,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """A whole number from ``name``, ``default`` when unset or empty.

    Args:
        name: The variable.
        default: The value when it is unset or empty.
        minimum: The least value allowed (None: no bound; default 0).
        maximum: The greatest value allowed (None: no bound).
        environ: The environment to read (default ``os.environ``).

    Raises:
        SettingsError: When it is not a whole number or out of range.
    """
    raw = env_text(name, environ=environ)
    if not raw:
        return default
    bounds = _range(minimum, maximum, False)
    try:
        value = int(raw)
    except ValueError:
        expected = f"a whole number ({bounds})" if bounds else "a whole number"
        raise SettingsError(name, raw, expected) from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise SettingsError(name, raw, bounds)
    return value


def env_bool(
    name: str,
    default: bool,
    *,
    false_words: Collection[str] = FALSE_WORDS,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Yes or no from ``name`` (:data:`TRUE_WORDS`, ``false_words``; any case).

    Args:
        name: The variable.
        default: The value when it is unset or empty.
        false_words: The values meaning no (default :data:`FALSE_WORDS`).
        environ: The environment to read (default ``os.environ``).

    Raises:
        SettingsError: For any other value.
    """
    raw = env_text(name, environ=environ)
    if not raw:
        return default
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in false_words:
        return False
    raise SettingsError(name, raw, f"one of {', '.join((*TRUE_WORDS, *false_words))}")


def env_choice(
    name: str, default: str, choices: Collection[str], *, environ: Mapping[str, str] | None = None
) -> str:
    """One of ``choices`` from ``name`` (lower-cased), ``default`` when unset or empty.

    Raises:
        SettingsError: For a value not in ``choices``.
    """
    raw = env_text(name, environ=environ)
    if not raw:
        return default
    if raw.lower() not in choices:
        raise SettingsError(name, raw, f"one of {', '.join(choices)}")
    return raw.lower()
