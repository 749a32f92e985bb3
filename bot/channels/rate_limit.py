"""Per-sender rate limiting (a token bucket per conversation id).

Plain Python with no Rasa import. Each sender may send ``burst`` messages at once and then
``per_minute`` messages per minute on average. Buckets of senders idle long enough to be full
again are dropped, so memory stays bounded by the number of recently active senders.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.env import env_float


@dataclass(frozen=True)
class RateLimitSettings:
    """How many messages a sender may send.

    Attributes:
        per_minute: Sustained messages per minute per sender (60: more than anyone types or
            taps buttons, far less than a script flooding the coach). Env
            ``RETROWALK_RATE_PER_MINUTE``; 0 turns limiting off.
        burst: Messages a sender may send at once before the sustained rate applies (20).
            Env ``RETROWALK_RATE_BURST``.
    """

    per_minute: float = 60.0
    burst: float = 20.0

    @classmethod
    def from_env(cls) -> RateLimitSettings:
        """Settings from ``RETROWALK_RATE_PER_MINUTE`` and ``RETROWALK_RATE_BURST``.

        Raises:
            ValueError: A variable that is not a number, or out of range.
        """
        defaults = cls()
        return cls(
            per_minute=env_float("RETROWALK_RATE_PER_MINUTE", defaults.per_minute),
            burst=env_float("RETROWALK_RATE_BURST", defaults.burst, minimum=1.0),
        )


class RateLimiter:
    """Token buckets keyed by sender (thread-safe)."""

    def __init__(
        self,
        settings: RateLimitSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create the limiter.

        Args:
            settings: Rate and burst (default: from the environment).
            clock: Seconds, monotonic (injectable for tests).
        """
        self.settings = settings or RateLimitSettings.from_env()
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # sender -> (tokens, updated at)
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def allow(self, sender: str) -> bool:
        """Take one message from ``sender``'s bucket; False when it is empty (rate exceeded)."""
        if self.settings.per_minute <= 0:
            return True
        rate = self.settings.per_minute / 60.0
        now = self._clock()
        with self._lock:
            tokens, updated = self._buckets.get(sender, (self.settings.burst, now))
            tokens = min(self.settings.burst, tokens + (now - updated) * rate)
            allowed = tokens >= 1.0
            self._buckets[sender] = (tokens - 1.0 if allowed else tokens, now)
            self._sweep(now, rate)
        return allowed

    def retry_after(self, sender: str) -> float:
        """Seconds until ``sender`` may send again (0 when it may now)."""
        if self.settings.per_minute <= 0:
            return 0.0
        rate = self.settings.per_minute / 60.0
        with self._lock:
            tokens, updated = self._buckets.get(sender, (self.settings.burst, self._clock()))
        tokens = min(self.settings.burst, tokens + (self._clock() - updated) * rate)
        return max(0.0, (1.0 - tokens) / rate)

    def _sweep(self, now: float, rate: float) -> None:
        """Drop buckets that have refilled completely (at most once a minute)."""
        if now - self._last_sweep < 60.0:
            return
        self._last_sweep = now
        full_after = self.settings.burst / rate
        stale = [key for key, (_, updated) in self._buckets.items() if now - updated > full_after]
        for key in stale:
            del self._buckets[key]
