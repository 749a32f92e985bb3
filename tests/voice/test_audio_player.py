"""The player: clips reach the speaker sink on time, channels pause, duck, mix and cancel.

Audio tests play through a real PortAudio stream into a private PulseAudio daemon and record
the speaker sink's monitor (tests/voice/pulse.py). Text-only tests check the same timing logic
without a device.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tests.voice.pulse import (
    PulseAudio,
    SpeakerRecorder,
    align,
    band_levels,
    chirp,
    rms,
    tone,
)
from voice.audio.clip import Clip
from voice.audio.devices import SPEAKER_FAILED
from voice.audio.player import Playback, SoundDevicePlayer, TextOnlyPlayer
from voice.audio.settings import AudioSettings

RATE = 16000  # the recorder's rate
WINDOW_S = 0.02  # band-level analysis window


@pytest.fixture
def player(pulse: PulseAudio) -> Iterator[SoundDevicePlayer]:
    """A player on the private daemon's speaker sink."""
    with SoundDevicePlayer(AudioSettings()) as opened:
        yield opened


def wait_until(at: float, timer: threading.Event | None = None) -> float:
    """Event-based timer: block until ``time.monotonic()`` reaches ``at``; returns the time."""
    (timer or threading.Event()).wait(max(0.0, at - time.monotonic()))
    return time.monotonic()


def recording_until(recorder: SpeakerRecorder, at: float) -> np.ndarray:
    """The recording once it covers everything up to ``at``."""
    recorder.wait_for(at)
    return recorder.samples()


def mostly_above(levels: np.ndarray, floor: float) -> bool:
    """At least 90% of the windows are above ``floor`` (tolerates a dropout under load)."""
    return bool(np.mean(levels > floor) >= 0.9)


def heard_span(levels: np.ndarray, floor: float = 0.2) -> slice:
    """The analysis windows from the first to the last above ``floor``, less one each side."""
    loud = np.flatnonzero(levels > floor)
    assert len(loud), "never heard"
    return slice(int(loud[0]) + 1, int(loud[-1]))


@pytest.mark.audio
def test_clip_reaches_the_speaker_sink_intact_and_fast(
    player: SoundDevicePlayer, speaker_recording: SpeakerRecorder, audio_figures: dict[str, Any]
) -> None:
    clip = chirp(150, 1000, 0.8, rate=22050)  # another rate: the player resamples to 44.1 kHz
    reference = clip.resampled(RATE).samples
    calls: list[float] = []
    playbacks: list[Playback] = []
    for _ in range(3):
        calls.append(time.monotonic())
        playbacks.append(player.play(clip))
        assert playbacks[-1].wait(5)
    recorded = recording_until(speaker_recording, max(p.finished_at or 0 for p in playbacks) + 0.3)
    start = speaker_recording.start_time

    latencies, correlations = [], []
    for called in calls:
        begin = max(0, round((called - start - 0.1) * RATE))
        segment = recorded[begin : begin + len(reference) + round(0.6 * RATE)]
        offset, r = align(segment, reference)
        correlations.append(r)
        latencies.append(start + (begin + offset) / RATE - called)
    # A busy machine can starve the stream for a moment (an underrun shifts the rest of a
    # clip); one such play out of three is tolerated, and reported.
    assert max(correlations) > 0.99 and float(np.median(correlations)) > 0.9, correlations
    assert all(-0.03 < latency < 0.15 for latency in latencies), latencies
    for playback, called in zip(playbacks, calls, strict=True):
        assert playback.started_at is not None and playback.finished_at is not None
        assert 0 <= playback.started_at - called < 0.1
        assert playback.finished_at - playback.started_at == pytest.approx(0.8, abs=0.02)
    assert player.stats["callback_errors"] == 0
    audio_figures["play_to_sink_latency_ms"] = [round(1000 * x, 1) for x in latencies]
    audio_figures["play_to_sink_correlation"] = [round(r, 4) for r in correlations]
    audio_figures["portaudio_output_latency_ms"] = round(1000 * player.output_latency_s, 1)


@pytest.mark.audio
def test_clips_played_at_scheduled_times_start_within_100_ms(
    player: SoundDevicePlayer, speaker_recording: SpeakerRecorder, audio_figures: dict[str, Any]
) -> None:
    burst = tone(660, 0.25, rate=24000)
    base = time.monotonic() + 0.3
    schedule = [base, base + 0.7, base + 1.25]
    timer = threading.Event()
    wakes, playbacks = [], []
    for at in schedule:
        wakes.append(wait_until(at, timer) - at)
        playbacks.append(player.play(burst))
    assert playbacks[-1].wait(5)
    assert playbacks[-1].finished_at is not None
    speaker_recording.wait_for(playbacks[-1].finished_at + 0.3)

    start = speaker_recording.start_time
    heard = [start + s for s in speaker_recording.onsets(threshold=0.1, min_gap_s=0.15)]
    heard = [at for at in heard if at > base - 0.2]
    assert len(heard) == 3, [round(h - base, 3) for h in heard]
    errors = [h - at for h, at in zip(heard, schedule, strict=True)]
    assert all(abs(error) < 0.1 for error in errors), errors
    audio_figures["scheduled_onset_error_ms"] = [round(1000 * e, 1) for e in errors]
    audio_figures["event_timer_wake_error_ms"] = [round(1000 * w, 1) for w in wakes]


@pytest.mark.audio
def test_paused_cue_holds_while_answer_plays_then_resumes(
    player: SoundDevicePlayer, speaker_recording: SpeakerRecorder, audio_figures: dict[str, Any]
) -> None:
    cue_clip, answer_clip = tone(440, 1.2), tone(1000, 0.6)
    cue = player.play(cue_clip, channel="cue")
    assert cue.started.wait(2) and cue.started_at is not None
    wait_until(cue.started_at + 0.4)
    player.pause_channel("cue")
    paused_at = time.monotonic()
    answer = player.play(answer_clip, channel="answer")
    assert answer.wait(3)
    assert not cue.done.is_set() and not player.idle("cue") and player.idle("answer")
    player.resume_channel("cue")
    resumed_at = time.monotonic()
    assert cue.wait(3) and not cue.cancelled
    assert cue.finished_at is not None and cue.started_at is not None
    assert answer.started_at is not None and answer.finished_at is not None
    recorded = recording_until(speaker_recording, cue.finished_at + 0.3)

    cue_level = band_levels(recorded, RATE, 440, WINDOW_S)
    answer_level = band_levels(recorded, RATE, 1000, WINDOW_S)
    during_answer = heard_span(answer_level)
    assert during_answer.stop - during_answer.start >= round(0.5 / WINDOW_S)
    assert mostly_above(answer_level[during_answer], 0.3)  # the answer plays...
    assert cue_level[during_answer].max() < 0.01  # ...with no cue energy at all
    audible = cue_level > 0.2
    assert audible[during_answer.stop + 2 :].any()  # the cue resumed after the answer
    # The whole cue is heard once: nothing repeated (a dropout under load may lose a little).
    assert 1.05 <= audible.sum() * WINDOW_S <= 1.26
    held = resumed_at - paused_at
    assert cue.finished_at - cue.started_at == pytest.approx(1.2 + held, abs=0.06)
    audio_figures["pause_cue_level_during_answer"] = round(float(cue_level[during_answer].max()), 5)
    audio_figures["pause_cue_audible_s"] = round(float(audible.sum() * WINDOW_S), 3)


@pytest.mark.audio
def test_ducking_lowers_the_cue_by_the_gain_and_restores_it(
    player: SoundDevicePlayer, speaker_recording: SpeakerRecorder, audio_figures: dict[str, Any]
) -> None:
    gain = AudioSettings().duck_gain
    cue = player.play(tone(440, 2.4), channel="cue")
    assert cue.started.wait(2) and cue.started_at is not None
    timer = threading.Event()
    ducked_at = wait_until(cue.started_at + 0.8, timer)
    player.set_gain("cue", gain)
    restored_at = wait_until(cue.started_at + 1.6, timer)
    player.set_gain("cue", 1.0)
    assert cue.wait(3) and cue.finished_at is not None
    recorded = recording_until(speaker_recording, cue.finished_at + 0.3)

    def level(begin: float, end: float) -> float:
        """Median RMS of 20 ms windows (a dropout under load does not skew it)."""
        begin, end = begin + player.output_latency_s, end + player.output_latency_s
        first = round(speaker_recording.elapsed(begin) * RATE)
        part = recorded[first : round(speaker_recording.elapsed(end) * RATE)]
        size = round(WINDOW_S * RATE)
        return float(np.median([rms(part[i : i + size]) for i in range(0, len(part) - size, size)]))

    full = level(cue.started_at + 0.1, ducked_at - 0.05)
    ducked = level(ducked_at + 0.1, restored_at - 0.05)
    again = level(restored_at + 0.1, cue.finished_at - 0.1)
    assert full == pytest.approx(0.4 / np.sqrt(2), rel=0.05)
    assert ducked / full == pytest.approx(gain, rel=0.05)
    assert again / full == pytest.approx(1.0, rel=0.05)
    audio_figures["duck_rms_ratio"] = round(ducked / full, 4)
    audio_figures["duck_gain"] = gain


@pytest.mark.audio
def test_channels_mix_and_clear_cancels_at_once(
    player: SoundDevicePlayer, speaker_recording: SpeakerRecorder
) -> None:
    cue = player.play(tone(440, 2.0), channel="cue")
    queued = player.play(tone(440, 1.0), channel="cue")
    answer = player.play(tone(1000, 0.5), channel="answer")
    assert answer.wait(3) and answer.started_at is not None and answer.finished_at is not None
    player.clear("cue")
    cleared_at = time.monotonic()
    assert cue.done.is_set() and cue.cancelled and queued.cancelled
    assert queued.started_at is None and player.idle()
    recorded = recording_until(speaker_recording, cleared_at + 0.5)

    answer_level = band_levels(recorded, RATE, 1000, WINDOW_S)
    both = heard_span(answer_level)
    assert both.stop - both.start >= round(0.4 / WINDOW_S)
    cue_level = band_levels(recorded, RATE, 440, WINDOW_S)[both]
    assert mostly_above(cue_level, 0.3), np.round(cue_level, 2)
    assert mostly_above(answer_level[both], 0.3), np.round(answer_level[both], 2)
    # Silent within 60 ms of clear() (plus the device's own output latency).
    after = round((speaker_recording.elapsed(cleared_at) + player.output_latency_s + 0.06) * RATE)
    assert np.abs(recorded[after:]).max() < 0.01


def _second_daemon_player(
    stall_timeout_s: float = 5.0,
) -> tuple[PulseAudio, SoundDevicePlayer, list[str], threading.Event]:
    daemon = PulseAudio().start()
    errors: list[str] = []
    reported = threading.Event()

    def on_error(message: str) -> None:
        errors.append(message)
        reported.set()

    try:
        player = SoundDevicePlayer(AudioSettings(stall_timeout_s=stall_timeout_s), on_error)
    except Exception:
        daemon.stop()
        raise
    return daemon, player, errors, reported


@pytest.mark.audio
def test_speaker_vanishing_mid_play_reports_once_and_keeps_timing(pulse: PulseAudio) -> None:
    daemon, player, errors, reported = _second_daemon_player()
    try:
        playing = player.play(tone(440, 1.5))
        assert playing.started.wait(2) and playing.started_at is not None
        wait_until(playing.started_at + 0.3)
        daemon.kill()  # the sound server dies: PortAudio's stream stops
        killed_at = time.monotonic()
        assert reported.wait(3)
        assert time.monotonic() - killed_at < 1.0
        assert player.failed and errors == [SPEAKER_FAILED]
        assert playing.wait(3) and not playing.cancelled
        assert playing.finished_at is not None
        assert playing.finished_at - playing.started_at == pytest.approx(1.5, abs=0.1)
        later = player.play(tone(440, 0.4))  # text-only timing from now on
        assert later.wait(2) and later.finished_at is not None and later.started_at is not None
        assert later.finished_at - later.started_at == pytest.approx(0.4, abs=0.05)
        assert errors == [SPEAKER_FAILED]  # reported once
    finally:
        player.close()
        daemon.stop()


@pytest.mark.audio
def test_speaker_hanging_is_detected_by_the_watchdog(pulse: PulseAudio) -> None:
    daemon, player, errors, reported = _second_daemon_player(stall_timeout_s=0.5)
    assert daemon.process is not None
    try:
        playing = player.play(tone(440, 2.0))
        assert playing.started.wait(2)
        daemon.process.send_signal(signal.SIGSTOP)  # the server hangs: no more callbacks
        stopped_at = time.monotonic()
        assert reported.wait(3)
        assert 0.3 < time.monotonic() - stopped_at < 1.5
        assert errors == [SPEAKER_FAILED] and player.failed
        assert playing.wait(3) and not playing.cancelled
    finally:
        daemon.process.send_signal(signal.SIGCONT)
        player.close()
        daemon.stop()


def test_text_only_playback_takes_the_clip_duration_in_fifo_order() -> None:
    with TextOnlyPlayer() as player:
        first = player.play(Clip.silence(0.3))
        second = player.play(Clip.silence(0.2))
        other = player.play(Clip.silence(0.1), channel="answer")
        called = time.monotonic()
        assert second.wait(2) and other.done.is_set()
        assert first.started_at is not None and first.finished_at is not None
        assert second.started_at is not None and second.finished_at is not None
        assert other.started_at is not None and other.finished_at is not None
        assert first.started_at - called < 0.03
        assert first.finished_at - first.started_at == pytest.approx(0.3, abs=0.03)
        assert second.started_at == pytest.approx(first.finished_at, abs=0.015)
        assert second.finished_at - second.started_at == pytest.approx(0.2, abs=0.03)
        assert other.started_at - called < 0.03  # channels run side by side
        assert player.idle()


def test_text_only_pause_holds_position_and_clear_cancels() -> None:
    with TextOnlyPlayer() as player:
        cue = player.play(Clip.silence(0.4), channel="cue")
        assert cue.started.wait(1) and cue.started_at is not None
        wait_until(cue.started_at + 0.1)
        player.pause_channel("cue")
        paused_at = time.monotonic()
        assert not cue.wait(0.3)  # held while paused
        player.resume_channel("cue")
        held = time.monotonic() - paused_at
        assert cue.wait(1) and cue.finished_at is not None
        assert cue.finished_at - cue.started_at == pytest.approx(0.4 + held, abs=0.04)

        long, queued = player.play(Clip.silence(5)), player.play(Clip.silence(1))
        assert long.started.wait(1)
        queued.cancel()
        assert queued.cancelled and queued.started_at is None and not long.done.is_set()
        player.clear()
        assert long.cancelled and long.done.is_set() and player.idle()
        kept = player.play(Clip.silence(5))
    assert kept.cancelled  # close() cancels what is left
    with pytest.raises(RuntimeError):
        player.play(Clip.silence(0.1))


def test_text_only_immediate_finishes_at_once() -> None:
    player = TextOnlyPlayer(immediate=True)
    playback = player.play(Clip.silence(30))
    assert playback.done.is_set() and not playback.cancelled
    assert playback.started_at == playback.finished_at
    assert player.idle()
    player.close()
