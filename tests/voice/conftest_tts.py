"""Fixtures and checks shared by the speech-synthesis tests (imported by those modules).

The lead may move the fixtures into ``tests/voice/conftest.py``; they only need this module.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from voice.audio.clip import Clip
from voice.tts.piper_engine import PiperEngine


class FakeClock:
    """A monotonic clock that only moves when told (for the circuit breaker)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


def voiced_fraction(clip: Clip, threshold: float = 0.02, frame_s: float = 0.02) -> float:
    """Share of 20 ms frames whose RMS is above ``threshold``."""
    size = max(1, round(clip.rate * frame_s))
    count = len(clip.samples) // size
    if count == 0:
        return 0.0
    frames = clip.samples[: count * size].reshape(count, size)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return float(np.mean(rms > threshold))


def assert_speech_like(clip: Clip, text: str) -> None:
    """Real, non-silent audio of a plausible length for ``text`` (0.15-0.8 s per word)."""
    words = len(text.split())
    assert clip.rate >= 8000
    assert np.isfinite(clip.samples).all()
    assert float(np.max(np.abs(clip.samples))) > 0.1, "clip is (nearly) silent"
    assert voiced_fraction(clip) > 0.3, "too little of the clip is sound"
    assert 0.15 * words <= clip.duration_s <= 0.8 * words + 1.0, (
        f"{clip.duration_s:.2f} s is implausible for {words} words"
    )


@pytest.fixture(scope="session")
def piper_engine() -> Iterator[PiperEngine]:
    """The packaged Piper voice, loaded once per test session (deterministic)."""
    engine = PiperEngine()
    engine.load()
    yield engine
    engine.close()
