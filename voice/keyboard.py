"""Keyboard input during a walk: Enter alone is push-to-talk, a typed line is said."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TextIO


class KeyboardInput:
    """Reads lines from a text stream in a background thread.

    Args:
        stream: Usually ``sys.stdin``.
        on_push_to_talk: Called when an empty line is entered (the Enter key).
        on_text: Called with a typed line (a question or command, as if spoken).
    """

    def __init__(
        self,
        stream: TextIO,
        on_push_to_talk: Callable[[], None],
        on_text: Callable[[str], None],
    ) -> None:
        """Prepare; nothing is read until ``start``."""
        self._stream = stream
        self._on_push_to_talk = on_push_to_talk
        self._on_text = on_text
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start reading (a daemon thread: it never keeps the program alive)."""
        self._thread = threading.Thread(target=self._read, name="voice-keyboard", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for line in self._stream:
                text = line.strip()
                if text:
                    self._on_text(text)
                else:
                    self._on_push_to_talk()
        except (OSError, ValueError):
            return  # stdin closed or not readable: keyboard input is simply unavailable
