"""The structured walk log a client sends: ``/log_walk{"minutes", "completed", "source"}``.

For example ``/log_walk{"minutes":12.5,"completed":false,"source":"voice"}``. ``minutes`` are
backward minutes walked (supported steps included; 0 for a walk stopped before any backward
part), from 0 to :data:`MAX_LOG_MINUTES`; ``completed`` (default true) says whether the whole
session was done; ``source`` (default ``app``) is who sent it. The bot stores it exactly as
given and asks how it felt (``actions/walks.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from bot.protocol.fields import PayloadError
from bot.protocol.intents import LOG_WALK_INTENT, intent_message

PAYLOAD = "walk log"
WalkLogSource = Literal["voice", "app"]
WALK_LOG_SOURCES: tuple[WalkLogSource, ...] = get_args(WalkLogSource)
# The entities of a structured walk log; a log_walk message with none of them is typed text.
WALK_LOG_FIELDS = ("minutes", "completed", "source")
MAX_LOG_MINUTES = 180


@dataclass(frozen=True)
class StructuredWalkLog:
    """A walk logged with an intent payload.

    Attributes:
        minutes: Backward minutes, exactly as sent.
        completed: Whether the planned session was completed.
        source: Who sent it (``voice`` or ``app``).
    """

    minutes: float
    completed: bool = True
    source: WalkLogSource = "app"

    def to_entities(self) -> dict[str, Any]:
        """The entities as sent."""
        return {"minutes": self.minutes, "completed": self.completed, "source": self.source}

    def to_message(self) -> str:
        """The message a client sends (``/log_walk{...}``)."""
        return intent_message(LOG_WALK_INTENT, self.to_entities())

    @classmethod
    def from_entities(cls, entities: Mapping[str, Any]) -> StructuredWalkLog | None:
        """Read the walk from a ``log_walk`` message's entities (``{name: value}``).

        Returns:
            The walk, or None when none of :data:`WALK_LOG_FIELDS` is there (a typed report
            such as "did 12 minutes today", read from its text instead).

        Raises:
            PayloadError: If a field is malformed (:attr:`PayloadError.reason` says which, in
                plain words: ``minutes must be a number from 0 to 180``).
        """
        values = {name: entities[name] for name in WALK_LOG_FIELDS if name in entities}
        if not values:
            return None
        minutes = values.get("minutes")
        if (
            isinstance(minutes, bool)
            or not isinstance(minutes, (int, float))
            or not math.isfinite(minutes)
            or not 0 <= minutes <= MAX_LOG_MINUTES
        ):
            raise PayloadError(
                PAYLOAD, "minutes", f"must be a number from 0 to {MAX_LOG_MINUTES}", minutes
            )
        completed = values.get("completed", True)
        if not isinstance(completed, bool):
            raise PayloadError(PAYLOAD, "completed", "must be true or false", completed)
        source = values.get("source", "app")
        if source not in WALK_LOG_SOURCES:
            raise PayloadError(
                PAYLOAD, "source", f"must be one of {', '.join(WALK_LOG_SOURCES)}", source
            )
        return cls(float(minutes), completed, source)
