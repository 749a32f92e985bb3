"""Walk logs kept on this device while the bot cannot be reached, sent on the next walk."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PendingWalk:
    """A walk that still has to be logged to the bot.

    Attributes:
        sender: The user id it belongs to.
        minutes_done: Backward minutes walked (what the bot logs).
        completed: Whether the whole session was done.
        stopped_by: Why it ended early (``walker``, ``red_flag``, ``interrupted``), or None.
    """

    sender: str
    minutes_done: float
    completed: bool
    stopped_by: str | None = None


class PendingLogs:
    """A JSON-lines file of walks waiting to be logged (atomic rewrites)."""

    def __init__(self, path: Path) -> None:
        """Keep pending walks in ``path`` (created on first use)."""
        self.path = path
        self._lock = threading.Lock()

    def add(self, walk: PendingWalk) -> None:
        """Remember a walk that could not be logged."""
        with self._lock:
            self._write([*self._read(), walk])

    def take(self, sender: str) -> list[PendingWalk]:
        """The pending walks of ``sender`` (they stay stored until ``done`` is called)."""
        with self._lock:
            return [w for w in self._read() if w.sender == sender]

    def done(self, walk: PendingWalk) -> None:
        """Forget one walk that has now been logged."""
        with self._lock:
            walks = self._read()
            if walk in walks:
                walks.remove(walk)
            self._write(walks)

    def _read(self) -> list[PendingWalk]:
        if not self.path.exists():
            return []
        walks = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                raw = json.loads(line)
                walks.append(
                    PendingWalk(
                        sender=str(raw["sender"]),
                        minutes_done=float(raw["minutes_done"]),
                        completed=bool(raw["completed"]),
                        stopped_by=raw.get("stopped_by"),
                    )
                )
            except (ValueError, KeyError, TypeError):
                continue  # a damaged line is skipped, the others are kept
        return walks

    def _write(self, walks: list[PendingWalk]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(w.__dict__) + "\n" for w in walks), encoding="utf-8")
        os.replace(tmp, self.path)
