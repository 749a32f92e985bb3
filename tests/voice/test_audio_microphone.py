"""The microphone: what is said into the virtual microphone comes back as 16 kHz chunks."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest

from tests.voice.pulse import MIC, PulseAudio, SpeakerRecorder, align, chirp, say_into_mic
from voice.audio.clip import Clip
from voice.audio.devices import MICROPHONE_FAILED, NO_MICROPHONE
from voice.audio.factory import open_microphone
from voice.audio.microphone import SoundDeviceMicrophone, StreamResampler
from voice.audio.settings import AudioSettings

CHUNK_S = 512 / 16000


def speech_like(seconds: float = 1.0, rate: int = 22050) -> Clip:
    """A clip with 0.2 s of silence either side of a sweep (matches itself at one offset)."""
    body = chirp(150, 1000, seconds, rate).samples
    pad = np.zeros(round(0.2 * rate), np.float32)
    return Clip(np.concatenate([pad, body, pad]), rate)


def read_while(
    microphone: SoundDeviceMicrophone, until: threading.Event, tail_s: float
) -> tuple[np.ndarray, list[float]]:
    """Read chunks until ``until`` is set and ``tail_s`` more audio arrived; with arrival times."""
    chunks: list[np.ndarray] = []
    arrivals: list[float] = []
    tail = -1
    while tail < round(tail_s / CHUNK_S):
        chunk = microphone.read(timeout=2.0)
        assert chunk is not None, "the microphone stopped delivering audio"
        assert chunk.shape == (512,) and chunk.dtype == np.float32
        chunks.append(chunk)
        arrivals.append(time.monotonic())
        if until.is_set():
            tail += 1
    return np.concatenate(chunks), arrivals


@pytest.mark.audio
@pytest.mark.parametrize("input_rate", [None, 44100], ids=["device-at-16k", "resampled-44k"])
def test_microphone_hears_what_is_said_into_it(
    pulse: PulseAudio, input_rate: int | None, audio_figures: dict[str, Any]
) -> None:
    clip = speech_like()
    reference = clip.resampled(16000).samples
    in_sink = SpeakerRecorder(pulse, sink=MIC).start()  # when the sound was "in the air"
    with SoundDeviceMicrophone(AudioSettings(input_rate=input_rate)) as microphone:
        assert microphone.device_rate == (input_rate or 16000)
        assert microphone.read(timeout=2.0) is not None  # running
        speech = say_into_mic(pulse, clip)
        recorded, arrivals = read_while(microphone, speech.done, tail_s=0.3)
        speech.wait()
        stats = microphone.stats
    sink_samples = in_sink.stop().samples
    offset, r = align(recorded, reference)
    assert r > 0.9, r
    assert stats["dropped_chunks"] == 0 and stats["callback_errors"] == 0
    # Latency: the sweep's first sound in the microphone sink -> the chunk holding it was read.
    pad = round(0.2 * 16000)
    sink_offset, sink_r = align(sink_samples, reference)
    assert sink_r > 0.9
    in_air = in_sink.start_time + (sink_offset + pad) / 16000
    read_at = arrivals[(offset + pad) // 512]
    latency = read_at - in_air
    assert 0.0 < latency < 0.5, latency
    key = f"mic_{'resampled_44k' if input_rate else 'native_16k'}"
    audio_figures[f"{key}_correlation"] = round(r, 4)
    audio_figures[f"{key}_sink_to_read_ms"] = round(1000 * latency, 1)


@pytest.mark.audio
def test_flush_drops_what_was_heard(pulse: PulseAudio) -> None:
    with SoundDeviceMicrophone(AudioSettings()) as microphone:
        assert microphone.read(timeout=2.0) is not None
        say_into_mic(pulse, speech_like(0.5)).wait()
        microphone.flush()  # e.g. the coach's own voice: thrown away
        after = [microphone.read(timeout=2.0) for _ in range(5)]
    assert all(chunk is not None for chunk in after)
    assert max(float(np.abs(chunk).max()) for chunk in after if chunk is not None) < 0.01


@pytest.mark.audio
def test_a_slow_reader_loses_the_oldest_chunks_and_they_are_counted(pulse: PulseAudio) -> None:
    settings = AudioSettings(mic_queue_chunks=4)
    with SoundDeviceMicrophone(settings) as microphone:
        assert microphone.read(timeout=2.0) is not None
        # Deliberately fall behind: the reader does nothing for 0.5 s (~15 chunks).
        threading.Event().wait(0.5)
        backlog: list[np.ndarray] = []
        while (chunk := microphone.read(timeout=0.0)) is not None and len(backlog) < 10:
            backlog.append(chunk)
        stats = microphone.stats
    assert 4 <= len(backlog) <= 5  # the bound (plus at most one new arrival)
    assert stats["dropped_chunks"] >= 8
    assert stats["chunks"] >= stats["dropped_chunks"] + 4


@pytest.mark.audio
def test_microphone_vanishing_reports_once(pulse: PulseAudio) -> None:
    daemon = PulseAudio().start()
    errors: list[str] = []
    reported = threading.Event()

    def on_error(message: str) -> None:
        errors.append(message)
        reported.set()

    try:
        microphone = SoundDeviceMicrophone(AudioSettings(), on_error=on_error)
        microphone.start()
        assert microphone.read(timeout=2.0) is not None
        daemon.kill()
        assert reported.wait(3)
        assert errors == [MICROPHONE_FAILED] and microphone.failed
        microphone.flush()
        began = time.monotonic()
        assert microphone.read(timeout=2.0) is None
        assert time.monotonic() - began < 0.1  # no waiting on a dead microphone
        microphone.stop()
        assert errors == [MICROPHONE_FAILED]
    finally:
        daemon.stop()


@pytest.mark.audio
def test_no_microphone_gives_a_clear_message(no_audio_device: str) -> None:
    microphone, message = open_microphone(AudioSettings())
    assert microphone is None
    assert message == NO_MICROPHONE
    assert "microphone" in message and "keyboard" in message


@pytest.mark.parametrize(("source", "target"), [(44100, 16000), (48000, 16000), (8000, 16000)])
def test_stream_resampler_is_continuous_across_blocks(source: int, target: int) -> None:
    freq = 440.0
    t = np.arange(source * 2) / source
    signal = (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    resampler = StreamResampler(source, target)
    rng = np.random.default_rng(7)
    parts, start = [], 0
    while start < len(signal):
        size = int(rng.integers(1, 2000))
        parts.append(resampler.process(signal[start : start + size]))
        start += size
    out = np.concatenate(parts)
    assert abs(len(out) - 2 * target) <= 2
    delay = (63 - 1) / 2 / source if target < source else 0.0  # the low-pass filter's delay
    expected = 0.5 * np.sin(2 * np.pi * freq * (np.arange(len(out)) / target - delay))
    settled = slice(round(0.01 * target), None)  # after the filter fills
    assert np.abs(out[settled] - expected[settled]).max() < 0.01


def test_stream_resampler_removes_what_the_target_rate_cannot_hold() -> None:
    t = np.arange(44100) / 44100
    above_nyquist = np.sin(2 * np.pi * 11000 * t).astype(np.float32)  # would alias to 5 kHz
    out = StreamResampler(44100, 16000).process(above_nyquist)
    assert float(np.abs(out[200:]).max()) < 0.02
