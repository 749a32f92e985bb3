"""A record of what the voice coach did, that tests and the benchmark can wait on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CoachEvent:
    """Something the coach did.

    Attributes:
        name: What happened (``cue``, ``said``, ``heard``, ``command``, ``answer``, ``red_flag``,
            ``bot_unavailable``, ``logged``, ``finished`` ...).
        at: ``time.monotonic()`` when it happened.
        data: Details (text, cue kind, command ...).
    """

    name: str
    at: float
    data: dict[str, Any] = field(default_factory=dict)


class EventLog:
    """Thread-safe, append-only list of coach events with waiting."""

    def __init__(self) -> None:
        """An empty log."""
        self._events: list[CoachEvent] = []
        self._changed = threading.Condition()

    def add(self, name: str, **data: Any) -> CoachEvent:
        """Record an event now."""
        event = CoachEvent(name, time.monotonic(), data)
        with self._changed:
            self._events.append(event)
            self._changed.notify_all()
        return event

    def all(self, name: str | None = None) -> list[CoachEvent]:
        """Events so far, optionally only those called ``name``."""
        with self._changed:
            return [e for e in self._events if name is None or e.name == name]

    def wait_for(
        self,
        name: str | tuple[str, ...],
        timeout: float,
        where: Callable[[CoachEvent], bool] | None = None,
        after: int = 0,
    ) -> CoachEvent | None:
        """Wait until an event called ``name`` (matching ``where``) is recorded.

        Args:
            name: Event name, or several names (any of them).
            timeout: Seconds to wait at most.
            where: Extra condition on the event.
            after: Only look at events with an index >= this (see ``count``).

        Returns:
            The first matching event, or None on time-out.
        """
        names = (name,) if isinstance(name, str) else name
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event in self._events[after:]:
                    if event.name in names and (where is None or where(event)):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)

    def count(self) -> int:
        """Number of events so far (a position for ``wait_for(after=...)``)."""
        with self._changed:
            return len(self._events)
