"""Clocks: real and scaled time, and waits that end on time or as soon as interrupted."""

from __future__ import annotations

import threading
import time

import pytest

from voice.clock import MonotonicClock, ScaledClock


def test_monotonic_clock_waits_until_the_time() -> None:
    clock = MonotonicClock()
    never = threading.Event()
    start = clock.now()
    assert clock.wait_until(start + 0.05, never) is True
    waited = clock.now() - start
    assert 0.05 <= waited < 0.5


def test_a_time_already_past_returns_at_once() -> None:
    clock = MonotonicClock()
    wall = time.monotonic()
    assert clock.wait_until(clock.now() - 10, threading.Event()) is True
    assert time.monotonic() - wall < 0.05


def test_an_interrupt_ends_the_wait_early() -> None:
    clock = MonotonicClock()
    interrupt = threading.Event()
    timer = threading.Timer(0.05, interrupt.set)
    start = clock.now()
    timer.start()
    try:
        assert clock.wait_until(start + 30, interrupt) is False
    finally:
        timer.cancel()
    assert clock.now() - start < 5
    # A set interrupt is not cleared, and ends the next wait at once.
    assert interrupt.is_set()
    assert clock.wait_until(clock.now() + 30, interrupt) is False


def test_scaled_clock_runs_faster_than_the_wall() -> None:
    clock = ScaledClock(40)
    never = threading.Event()
    wall = time.monotonic()
    start = clock.now()
    assert clock.wait_until(start + 4.0, never) is True  # 0.1 s of wall time
    elapsed_wall = time.monotonic() - wall
    assert clock.now() - start >= 4.0
    assert 0.1 <= elapsed_wall < 1.0
    # Its readings keep the ratio to wall time.
    assert (clock.now() - start) / (time.monotonic() - wall) == pytest.approx(40, rel=0.2)


def test_scaled_clock_wait_can_be_interrupted() -> None:
    clock = ScaledClock(10)
    interrupt = threading.Event()
    timer = threading.Timer(0.05, interrupt.set)
    timer.start()
    try:
        assert clock.wait_until(clock.now() + 3600, interrupt) is False
    finally:
        timer.cancel()
    assert clock.now() < 60


@pytest.mark.parametrize("speed", [0, -2, float("inf"), float("nan"), True])
def test_scaled_clock_rejects_a_bad_speed(speed: float) -> None:
    with pytest.raises(ValueError, match="speed must be a positive number"):
        ScaledClock(speed)
