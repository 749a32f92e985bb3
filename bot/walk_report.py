"""Read a walker's report of a finished walk: minutes, how it felt, any pain.

Plain Python with no Rasa import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.nlp.quantities import parse_quantity

Feel = Literal["easy", "ok", "hard"]

_EASY = re.compile(r"\b(easy|easier|fine|breeze|comfortable|piece of cake|good|great|felt good)\b")
_HARD = re.compile(
    r"\b(hard|tough|difficult|exhausting|exhausted|struggled|brutal|tiring|knackered)\b"
)
_OK = re.compile(r"\b(ok|okay|alright|all right|not bad|moderate|so-so|manageable)\b")
_RPE = re.compile(r"\b(?:rpe|borg|exertion)\s*(?:of|was|=|:)?\s*(\d{1,2})\b")
_PAIN = re.compile(
    r"\b(pain|painful|hurt|hurts|hurting|sore|ache|aching|achy|twinge|throbbing|swollen)\b"
)
_NO_PAIN = re.compile(r"\b(no|without|zero|not any|nothing)\s+(pain|soreness|aches?|hurt)\b")
_DURATION_SPAN = re.compile(
    r"(?:\d+(?:[.,]\d+)?|half an|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"fifteen|twenty|thirty|forty|forty-five|sixty)\s*(?:hours?|hrs?|minutes?|mins?)\b"
)
_NEGATED_FEEL = re.compile(r"\bnot\s+(too\s+|that\s+|very\s+)?(hard|tough|difficult|easy)\b")


@dataclass(frozen=True)
class WalkReport:
    """What a walk report says.

    Attributes:
        minutes: Backward minutes, if stated.
        feel: easy, ok or hard, if stated (RPE maps to it when no word is given).
        rpe: Borg 6-20 rating, if stated.
        pain: Whether pain or soreness was reported.
        note: The report text (kept for the walker's log).
    """

    minutes: float | None
    feel: Feel | None
    rpe: int | None
    pain: bool
    note: str


def _feel(text: str, rpe: int | None) -> Feel | None:
    negated = _NEGATED_FEEL.search(text)
    if negated:
        return "easy" if negated.group(2) != "easy" else "ok"
    if _HARD.search(text):
        return "hard"
    if _EASY.search(text):
        return "easy"
    if _OK.search(text):
        return "ok"
    if rpe is not None:
        return "easy" if rpe <= 11 else ("ok" if rpe <= 13 else "hard")
    return None


def parse_walk_report(text: str, entities: Sequence[Mapping[str, Any]] = ()) -> WalkReport:
    """Parse a walk report.

    Args:
        text: The message, e.g. "did 12 minutes backwards today, felt easy".
        entities: Rasa entities from the spaCy pipeline (a ``duration`` in minutes is used).

    Returns:
        The report; fields not stated are None (pain defaults to False).
    """
    lowered = text.lower()
    minutes = next(
        (float(e["value"]) for e in entities if e.get("entity") == "duration" and e.get("value")),
        None,
    )
    if minutes is None:
        span = _DURATION_SPAN.search(lowered)
        quantity = parse_quantity("duration", span.group(0)) if span else None
        minutes = quantity.value if quantity else None
    rpe_match = _RPE.search(lowered)
    rpe = int(rpe_match.group(1)) if rpe_match and 6 <= int(rpe_match.group(1)) <= 20 else None
    pain = bool(_PAIN.search(lowered)) and not _NO_PAIN.search(lowered)
    return WalkReport(minutes=minutes, feel=_feel(lowered, rpe), rpe=rpe, pain=pain, note=text)
