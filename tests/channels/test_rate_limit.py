"""The per-sender token bucket, on an injected clock."""

from __future__ import annotations

import pytest

from bot.channels.rate_limit import RateLimiter, RateLimitSettings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_the_sustained_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimitSettings(per_minute=60, burst=3), clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.retry_after("a") == pytest.approx(1.0)
    clock.now += 0.5
    assert not limiter.allow("a")
    clock.now += 0.5
    assert limiter.allow("a") and not limiter.allow("a")
    clock.now += 60
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]  # capped at burst


def test_senders_have_their_own_buckets() -> None:
    limiter = RateLimiter(RateLimitSettings(per_minute=1, burst=1), clock=Clock())
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")


def test_zero_rate_turns_limiting_off() -> None:
    limiter = RateLimiter(RateLimitSettings(per_minute=0, burst=1), clock=Clock())
    assert all(limiter.allow("a") for _ in range(1000))
    assert limiter.retry_after("a") == 0.0


def test_idle_buckets_are_dropped() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimitSettings(per_minute=60, burst=5), clock=clock)
    for sender in range(100):
        limiter.allow(f"user-{sender}")
    clock.now += 120
    limiter.allow("new")
    assert len(limiter._buckets) == 1


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_RATE_PER_MINUTE", "12")
    monkeypatch.setenv("RETROWALK_RATE_BURST", "4")
    assert RateLimitSettings.from_env() == RateLimitSettings(per_minute=12, burst=4)
    monkeypatch.setenv("RETROWALK_RATE_BURST", "0.5")
    with pytest.raises(ValueError, match="RETROWALK_RATE_BURST"):
        RateLimitSettings.from_env()
    monkeypatch.setenv("RETROWALK_RATE_BURST", "many")
    with pytest.raises(ValueError, match="must be a number"):
        RateLimitSettings.from_env()
