"""Clocks for the walk: real time, or time running faster than the wall clock.

A clock only tells the time and waits for a time to come, waking early when asked to;
pausing is the workout's business (it stops counting walk time), not the clock's.
Waits block on a :class:`threading.Event`, never poll.
"""

from __future__ import annotations

import math
import threading
import time
from abc import ABC, abstractmethod


class Clock(ABC):
    """A source of time in seconds, and a way to wait for a time."""

    @abstractmethod
    def now(self) -> float:
        """The current time in seconds (only differences between readings mean anything)."""

    @abstractmethod
    def _wall_seconds(self, seconds: float) -> float:
        """Wall-clock seconds that ``seconds`` of this clock take."""

    def wait_until(self, t: float, interrupt: threading.Event) -> bool:
        """Block until :meth:`now` reaches ``t`` or ``interrupt`` is set.

        Args:
            t: The time to wait for, on this clock.
            interrupt: Set by another thread to end the wait early. It is not cleared.

        Returns:
            True if ``t`` was reached, False if ``interrupt`` was set first (also when it
            was already set on entry).
        """
        while True:
            if interrupt.is_set():
                return False
            remaining = t - self.now()
            if remaining <= 0:
                return True
            if interrupt.wait(self._wall_seconds(remaining)):
                return False


class MonotonicClock(Clock):
    """Real time, from :func:`time.monotonic`."""

    def now(self) -> float:
        """Seconds of the monotonic clock."""
        return time.monotonic()

    def _wall_seconds(self, seconds: float) -> float:
        return seconds


class ScaledClock(Clock):
    """Time that runs ``speed`` times faster than the wall clock (for tests and demos).

    It starts at 0 when created: at 30x, one wall-clock second later :meth:`now` reads 30.

    Args:
        speed: How many clock seconds pass per wall-clock second (positive).

    Raises:
        ValueError: If ``speed`` is not a positive finite number.
    """

    def __init__(self, speed: float) -> None:
        if isinstance(speed, bool) or not (math.isfinite(speed) and speed > 0):
            raise ValueError(f"speed must be a positive number, got {speed!r}")
        self.speed = float(speed)
        self._origin = time.monotonic()

    def now(self) -> float:
        """Seconds since creation, scaled by ``speed``."""
        return (time.monotonic() - self._origin) * self.speed

    def _wall_seconds(self, seconds: float) -> float:
        return seconds / self.speed
