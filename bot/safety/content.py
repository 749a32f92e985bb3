"""The safety content file: disclaimers, condition advice, red-flag advice and stop wording.

Plain Python with no Rasa import. The wording lives in ``bot/content/safety.yml`` and is
traceable to the fact sheet; this module only parses it (once per process, on first use).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SAFETY_CONTENT_PATH = Path(__file__).resolve().parent.parent / "content" / "safety.yml"


@dataclass(frozen=True)
class ConditionAdvice:
    """What to tell someone who mentions a health condition or injury.

    Attributes:
        id: The condition label (e.g. ``"heart"``); ``other`` for one not recognised.
        name: How the condition is named back to the user (e.g. ``"a heart condition"``).
        consult: Who to talk to (e.g. ``"your doctor or cardiologist"``).
        why: One sentence on why, from the fact sheet.
        clearance: A clinician must clear the person before a plan (PAR-Q "yes").
        supervised_only: Practise only with a physical therapist supervising.
    """

    id: str
    name: str
    consult: str
    why: str
    clearance: bool = True
    supervised_only: bool = False


@dataclass(frozen=True)
class RedFlagAdvice:
    """What to say for one red-flag kind: a short sentence and the fuller advice."""

    short: str
    advice: str


@dataclass(frozen=True)
class SafetyContent:
    """The parsed safety content file."""

    general_disclaimer: str
    emergency_numbers: dict[str, str]
    conditions: dict[str, ConditionAdvice]
    red_flags: dict[str, RedFlagAdvice]
    stop_first: dict[str, str]
    stop_other: str
    stop_other_unresponsive: str
    stop_other_check: str
    stop_call: str
    stop_call_emergency: str
    stop_not_a_service: str


def _text(raw: dict[str, Any], key: str) -> str:
    return " ".join(str(raw[key]).split())


def load_safety_content(path: Path = SAFETY_CONTENT_PATH) -> SafetyContent:
    """Parse a safety content file.

    Raises:
        ValueError: If the file lacks the ``other`` condition or a default emergency number.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    conditions = {
        label: ConditionAdvice(
            id=label,
            name=item["name"],
            consult=item["consult"],
            why=" ".join(item["why"].split()),
            clearance=bool(item.get("clearance", True)),
            supervised_only=bool(item.get("supervised_only", False)),
        )
        for label, item in raw["conditions"].items()
    }
    if "other" not in conditions:
        raise ValueError(f"{path}: the conditions need an 'other' entry")
    numbers = {str(k).upper(): str(v) for k, v in raw["emergency_numbers"].items()}
    if "DEFAULT" not in numbers:
        raise ValueError(f"{path}: emergency_numbers needs a 'default'")
    return SafetyContent(
        general_disclaimer=_text(raw, "general_disclaimer"),
        emergency_numbers=numbers,
        conditions=conditions,
        red_flags={
            kind: RedFlagAdvice(short=item["short"], advice=item["advice"])
            for kind, item in raw["red_flags"].items()
        },
        stop_first={str(k): str(v) for k, v in raw["stop_first"].items()},
        stop_other=_text(raw, "stop_other"),
        stop_other_unresponsive=_text(raw, "stop_other_unresponsive"),
        stop_other_check=_text(raw, "stop_other_check"),
        stop_call=_text(raw, "stop_call"),
        stop_call_emergency=_text(raw, "stop_call_emergency"),
        stop_not_a_service=_text(raw, "stop_not_a_service"),
    )


@lru_cache(maxsize=1)
def default_content() -> SafetyContent:
    """The packaged safety content, parsed once per process on first use."""
    return load_safety_content()
