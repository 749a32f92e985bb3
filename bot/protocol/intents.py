"""Requests a client sends the bot as intent payloads: ``/intent{"entity": value}``.

Rasa's REST channel reads a message that starts with ``/`` as an intent with entities, so a
structured request never depends on the language model reading it right. The voice coach asks
for a session with :func:`session_request` and logs a walk with
:meth:`bot.protocol.walk_log.StructuredWalkLog.to_message`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

TODAYS_SESSION_INTENT = "todays_session"
LOG_WALK_INTENT = "log_walk"
# The entities of a session request: the week and the day (session of that week), from 1.
SESSION_REQUEST_ENTITIES = ("week", "day")


def intent_message(intent: str, entities: Mapping[str, Any] | None = None) -> str:
    """``/intent{"entity": value}`` as the bot's REST channel takes it (``/intent`` alone
    without entities).

    Raises:
        ValueError: If an entity value is not finite JSON.
    """
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(dict(entities), separators=(',', ':'), allow_nan=False)}"


def session_request(week: int | None = None, day: int | None = None) -> str:
    """The request for today's session, or for ``week`` (and ``day``).

    Raises:
        ValueError: If ``week`` or ``day`` is given and not a whole number from 1.
    """
    entities: dict[str, int] = {}
    for name, value in zip(SESSION_REQUEST_ENTITIES, (week, day), strict=True):
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number from 1, got {value!r}")
            entities[name] = value
    return intent_message(TODAYS_SESSION_INTENT, entities)
