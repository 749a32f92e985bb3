"""The live status line: phase, time left and the next cue, on one terminal line.

On a terminal the line is redrawn in place (``\\r`` and padding); anywhere else (a log
file, a pipe) a plain line is written only when something other than the seconds changes
(phase, state or next cue), so logs stay readable.
"""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from voice.workout import StatusSnapshot

_CUE_NAMES = {
    "start": "start",
    "warmup": "warm-up",
    "turn_around": "turn around",
    "technique": "technique tip",
    "interval": "switch to forward",
    "halfway": "halfway",
    "one_minute_left": "one minute left",
    "cooldown": "cool-down",
    "finish": "finish",
}


def clock_text(seconds: float, *, pad: bool = True) -> str:
    """``252`` -> ``"04:12"`` (``pad=False``: ``"4:12"``); hours as ``"1:02:03"``."""
    whole = max(0, int(seconds + 0.5))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}" if pad else f"{minutes}:{secs:02d}"


def render_status(snapshot: StatusSnapshot) -> str:
    """One line, e.g. ``"Backward 2/3 | 04:12 left | next: halfway in 0:35"``."""
    if snapshot.state == "finished":
        return f"Finished | {clock_text(snapshot.elapsed_s)} walked"
    if snapshot.state == "stopped":
        return f"Stopped | {clock_text(snapshot.time_left_s)} left"
    parts = [snapshot.phase, f"{clock_text(snapshot.time_left_s)} left"]
    if snapshot.next_cue is not None and snapshot.next_cue_in_s is not None:
        name = _CUE_NAMES.get(snapshot.next_cue.kind, snapshot.next_cue.kind.replace("_", " "))
        parts.append(f"next: {name} in {clock_text(snapshot.next_cue_in_s, pad=False)}")
    if snapshot.state == "paused":
        parts.append("PAUSED")
    return " | ".join(parts)


class StatusLine:
    """Writes status snapshots to a stream; use :meth:`update` as ``on_status``.

    Args:
        stream: Where to write (default ``sys.stdout``).
        tty: Redraw in place; default: whether ``stream`` is a terminal.
    """

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdout
        if tty is None:
            isatty = getattr(self._stream, "isatty", None)
            tty = bool(isatty()) if callable(isatty) else False
        self.tty = tty
        self._lock = threading.Lock()
        self._width = 0
        self._last_key: tuple[str, str, str] | None = None
        self._open = False

    def update(self, snapshot: StatusSnapshot) -> None:
        """Show ``snapshot`` (thread-safe)."""
        line = render_status(snapshot)
        with self._lock:
            if self.tty:
                padding = " " * max(0, self._width - len(line))
                self._stream.write("\r" + line + padding)
                self._width = len(line)
                self._open = True
            else:
                kind = snapshot.next_cue.kind if snapshot.next_cue else ""
                key = (snapshot.state, snapshot.phase, kind)
                if key == self._last_key:
                    return
                self._last_key = key
                self._stream.write(line + "\n")
            self._stream.flush()

    def clear(self) -> None:
        """Blank the status line so ordinary output starts on a clean line (a terminal
        only; the next :meth:`update` draws it again)."""
        with self._lock:
            self._clear_locked()

    def _clear_locked(self) -> None:
        if self.tty and self._open:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0
            self._open = False

    def message(self, text: str) -> None:
        """Print ``text`` on its own line without garbling the status line."""
        with self._lock:
            self._clear_locked()
            self._stream.write(text + "\n")
            self._stream.flush()

    def finish(self) -> None:
        """End the status line, keeping its last state on screen (a newline on a terminal)."""
        with self._lock:
            if self.tty and self._open:
                self._stream.write("\n")
                self._stream.flush()
            self._open = False
            self._width = 0
            self._last_key = None

    close = finish
