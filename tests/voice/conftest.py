"""Fixtures for the voice tests: a private PulseAudio daemon, a speaker recorder, no device."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT
from tests.voice.bot_standin import stand_in  # noqa: F401  (shared fixture)
from tests.voice.conftest_tts import piper_engine  # noqa: F401  (shared fixture)
from tests.voice.gtts_standin import gtts_standin  # noqa: F401  (shared fixture)
from tests.voice.pulse import PulseAudio, SpeakerRecorder, dead_pulse_server

AUDIO_REPORT = PROJECT_ROOT / "artifacts" / "voice-audio-timing.json"


@pytest.fixture(scope="session")
def pulse() -> Iterator[PulseAudio]:
    """A private PulseAudio daemon (speaker sink + virtual microphone), once per session.

    It sets ``PULSE_SERVER`` and re-initialises PortAudio, so it works whether or not
    ``sounddevice`` was imported earlier; ``stop()`` restores both.
    """
    daemon = PulseAudio().start()
    try:
        yield daemon
    finally:
        daemon.stop()


@pytest.fixture
def speaker_recording(pulse: PulseAudio) -> Iterator[SpeakerRecorder]:
    """What reaches the speaker sink during the test, with monotonic timestamps."""
    recorder = SpeakerRecorder(pulse).start()
    try:
        yield recorder
    finally:
        recorder.stop()


@pytest.fixture
def no_audio_device() -> Iterator[str]:
    """No sound device at all: ``PULSE_SERVER`` names a dead socket; restored after."""
    with dead_pulse_server() as server:
        yield server


@pytest.fixture(scope="session")
def audio_figures() -> Iterator[dict[str, Any]]:
    """Measured latencies and timing errors, written to artifacts/voice-audio-timing.json."""
    figures: dict[str, Any] = {}
    yield figures
    if figures:
        AUDIO_REPORT.parent.mkdir(exist_ok=True)
        merged = json.loads(AUDIO_REPORT.read_text()) if AUDIO_REPORT.exists() else {}
        merged.update(figures)
        AUDIO_REPORT.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
