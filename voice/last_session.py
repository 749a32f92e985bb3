"""The bot's last walk decision for each user, kept on this device for walks offline.

When the bot cannot be reached the voice coach does not plan: it walks the last session the
bot gave it, or refuses when the bot's last answer was a refusal (screening needs a
clinician's clearance, or supervision). Kept as one small JSON file, rewritten atomically.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from voice.bot_client import WalkRefused
from voice.session import WalkSession


class LastSession:
    """The last session or refusal the bot gave each user (``{sender: record}`` in JSON)."""

    def __init__(self, path: Path) -> None:
        """Keep the records in ``path`` (created on first use)."""
        self.path = path
        self._lock = threading.Lock()

    def remember(self, sender: str, decision: WalkSession | WalkRefused) -> None:
        """Keep the bot's latest decision for ``sender``, replacing the one before."""
        if isinstance(decision, WalkRefused):
            record: dict[str, Any] = {
                "refusal": {"reason": decision.reason, "message": decision.message}
            }
        else:
            record = {"session": decision.to_payload(), "source": decision.source}
        with self._lock:
            records = self._read()
            records[sender] = record
            self._write(records)

    def recall(self, sender: str) -> WalkSession | WalkRefused | None:
        """The last decision kept for ``sender``; None when there is none or it is unreadable."""
        with self._lock:
            record = self._read().get(sender)
        if not isinstance(record, dict):
            return None
        refusal = record.get("refusal")
        if isinstance(refusal, dict):
            return WalkRefused(str(refusal.get("reason")), str(refusal.get("message") or ""))
        try:
            return WalkSession.from_payload(record.get("session"), str(record.get("source")))
        except ValueError:
            return None

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, records: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(self.path.suffix + ".tmp")
        temporary.write_text(json.dumps(records, indent=1), encoding="utf-8")
        os.replace(temporary, self.path)
