"""Silero VAD and the end-pointer on real synthesized speech, silence and noise."""

from __future__ import annotations

import numpy as np
import pytest

from tests.voice.speech import concat, synthesize, white_noise, with_noise
from voice.audio.clip import Clip
from voice.listen.endpointer import Endpointer, UtteranceTiming
from voice.listen.settings import ListenSettings
from voice.listen.vad import SileroVad

pytestmark = pytest.mark.speech

# End-of-speech errors measured by the tests below (printed with -s; see the final report).
END_ERRORS_MS: list[float] = []


@pytest.fixture(scope="module")
def vad() -> SileroVad:
    return SileroVad(0.5)


def frame_probabilities(vad: SileroVad, clip: Clip) -> np.ndarray:
    vad.reset()
    size = vad.frame_samples
    return np.array(
        [
            vad.speech_probability(clip.samples[i : i + size])
            for i in range(0, len(clip.samples) - size + 1, size)
        ]
    )


@pytest.mark.parametrize("voice", ["piper", "espeak"])
def test_speech_is_speech(vad: SileroVad, voice: str) -> None:
    speech = synthesize("should i walk backwards on grass or on the pavement", voice)
    probabilities = frame_probabilities(vad, speech)
    assert np.mean(probabilities >= 0.5) > 0.6


def test_silence_is_not_speech(vad: SileroVad) -> None:
    assert frame_probabilities(vad, Clip.silence(3.0)).max() < 0.1


@pytest.mark.parametrize("level", [0.01, 0.05, 0.2])
def test_white_noise_is_not_speech(vad: SileroVad, level: float) -> None:
    probabilities = frame_probabilities(vad, white_noise(30.0, level=level, seed=3))
    speech = probabilities >= 0.5
    # At most a stray frame in very loud noise (level 0.2 is -14 dBFS): never two in a row,
    # which no utterance is made of.
    assert np.mean(speech) <= 0.002
    assert not (speech[1:] & speech[:-1]).any()


def test_state_carries_between_frames_and_resets(vad: SileroVad) -> None:
    speech = synthesize("how much time is left", "piper")
    first = frame_probabilities(vad, speech)
    second = frame_probabilities(vad, speech)
    np.testing.assert_allclose(first, second, atol=1e-6)  # reset() gives the same run again
    vad.reset()
    size = vad.frame_samples
    middle = speech.samples[len(speech.samples) // 2 : len(speech.samples) // 2 + size]
    cold = vad.speech_probability(middle)
    warm = first[len(speech.samples) // 2 // size]
    assert cold != pytest.approx(warm, abs=1e-6)  # the recurrent state matters


def onset_delay_and_share(vad: SileroVad, quiet_s: float) -> tuple[float, float]:
    """Delay of the first speech frame after ``quiet_s`` of noise, and the phrase's speech share
    over its first 0.8 s."""
    phrase = synthesize("hey coach, pause", "piper")
    probabilities = frame_probabilities(vad, with_noise(concat(quiet_s, phrase, 1.0), 40.0, 1))
    frame_s = vad.frame_samples / 16000
    start = round(quiet_s / frame_s)
    speech = probabilities >= 0.5
    assert not speech[: start - 2].any()  # the noise is never speech
    first = start - 2 + int(np.argmax(speech[start - 2 :]))
    return first * frame_s - quiet_s, float(np.mean(speech[start : start + round(0.8 / frame_s)]))


@pytest.mark.parametrize("quiet_s", [40.0, 90.0])
def test_an_onset_after_a_long_silence_is_heard_promptly(vad: SileroVad, quiet_s: float) -> None:
    delay, share = onset_delay_and_share(vad, quiet_s)
    after_a_second = onset_delay_and_share(vad, 1.0)
    assert delay <= after_a_second[0] + 0.05
    assert share >= after_a_second[1] - 0.1
    # Without the reset after silence, the carried state drifts and hears the onset late.
    drifting = SileroVad(0.5, silence_reset_s=None)
    late, thin = onset_delay_and_share(drifting, quiet_s)
    assert late > delay + 0.1 and thin < share


def test_frame_longer_than_512_samples_is_refused(vad: SileroVad) -> None:
    with pytest.raises(ValueError, match="512"):
        vad.speech_probability(np.zeros(600, dtype=np.float32))


def run_stream(
    endpointer: Endpointer, clip: Clip, chunk: int = 1000
) -> list[tuple[Clip, UtteranceTiming]]:
    found: list[tuple[Clip, UtteranceTiming]] = []
    for i in range(0, len(clip.samples), chunk):
        result = endpointer.push(clip.samples[i : i + chunk])
        while result is not None:
            assert endpointer.last_timing is not None
            found.append((result, endpointer.last_timing))
            result = endpointer.push(np.zeros(0, dtype=np.float32))
    return found


@pytest.mark.parametrize(
    ("text", "voice", "snr"),
    [
        ("what are the benefits of walking backwards", "piper", None),
        ("i feel dizzy", "piper", 20.0),
        ("how much time is left", "espeak", None),
        ("is it safe for my knees", "espeak", 20.0),
    ],
)
def test_utterance_is_cut_at_the_end_of_speech(
    vad: SileroVad, text: str, voice: str, snr: float | None
) -> None:
    speech = synthesize(text, voice)
    stream = concat(1.0, speech, 2.0)
    if snr is not None:
        stream = with_noise(stream, snr, seed=1)
    settings = ListenSettings()
    started: list[float] = []
    endpointer = Endpointer(vad, settings)
    endpointer.on_speech_start = lambda: started.append(endpointer.stream_seconds)
    found = run_stream(endpointer, stream)
    assert len(found) == 1
    clip, timing = found[0]
    true_start, true_end = 1.0, 1.0 + speech.duration_s
    END_ERRORS_MS.append(1000 * (timing.speech_end_s - true_end))
    print(f"end-of-speech error {END_ERRORS_MS[-1]:+.0f} ms ({voice}, snr={snr})")
    assert abs(timing.speech_end_s - true_end) <= 0.150
    assert abs(timing.start_s - true_start) <= 0.150
    assert not timing.truncated
    assert len(started) == 1 and started[0] == pytest.approx(timing.start_s, abs=0.04)
    # Pre-roll before the first speech frame, end silence after the last one.
    assert timing.start_s - timing.clip_start_s == pytest.approx(0.3, abs=0.033)
    assert timing.clip_end_s - timing.speech_end_s == pytest.approx(
        settings.end_silence_ms / 1000, abs=0.033
    )
    assert clip.duration_s == pytest.approx(timing.clip_end_s - timing.clip_start_s, abs=0.001)
    assert not endpointer.speech_started


def test_short_pauses_do_not_split_an_utterance(vad: SileroVad) -> None:
    stream = concat(
        0.5,
        synthesize("hold on", "piper"),
        0.3,
        synthesize("my shoe is untied", "piper"),
        2.0,
    )
    found = run_stream(Endpointer(vad, ListenSettings()), stream)
    assert len(found) == 1


def test_two_utterances_in_one_push_come_out_one_by_one(vad: SileroVad) -> None:
    stream = concat(0.5, synthesize("pause", "piper"), 1.5, synthesize("resume", "piper"), 1.5)
    endpointer = Endpointer(vad, ListenSettings())
    first = endpointer.push(stream.samples)
    assert first is not None
    second = endpointer.push(np.zeros(0, dtype=np.float32))
    assert second is not None
    assert endpointer.push(np.zeros(0, dtype=np.float32)) is None


def test_maximum_utterance_length_is_respected(vad: SileroVad) -> None:
    parts: list[Clip | float] = [0.5]
    for text in ("walking backwards is hard", "but i keep going every day", "my legs feel strong"):
        parts += [synthesize(text, "piper"), 0.1]
    stream = concat(*parts, 1.0)
    settings = ListenSettings(max_utterance_s=2.0)
    found = run_stream(Endpointer(vad, settings), stream)
    assert found
    clip, timing = found[0]
    assert timing.truncated
    assert timing.clip_end_s - timing.start_s == pytest.approx(2.0, abs=0.033)
    assert clip.duration_s <= 2.0 + 0.3 + 0.033


def test_a_click_is_not_an_utterance(vad: SileroVad) -> None:
    speech = synthesize("stop", "piper")
    click = Clip(speech.samples[1500:1900], 16000)  # 25 ms
    found = run_stream(Endpointer(vad, ListenSettings()), concat(1.0, click, 2.0))
    assert found == []


def test_reset_forgets_an_utterance_in_progress(vad: SileroVad) -> None:
    endpointer = Endpointer(vad, ListenSettings())
    speech = synthesize("is it safe for my knees", "piper")
    assert endpointer.push(concat(0.5, speech).samples[:16000]) is None
    assert endpointer.speech_started
    endpointer.reset()
    assert not endpointer.speech_started
    assert endpointer.push(Clip.silence(2.0).samples) is None


def test_a_pause_offers_the_utterance_before_its_end(vad: SileroVad) -> None:
    speech = synthesize("what shoes should i wear", "piper")
    settings = ListenSettings(end_silence_ms=600, early_decode_ms=200)
    offers: list[tuple[Clip, float, float]] = []
    endpointer = Endpointer(vad, settings)
    endpointer.on_pause = lambda clip, end_s: offers.append(
        (clip, end_s, endpointer.stream_seconds)
    )
    found = run_stream(endpointer, concat(1.0, speech, 2.0), chunk=512)
    assert len(found) == 1 and len(offers) == 1
    final, timing = found[0]
    early, speech_end_s, offered_at = offers[0]
    assert speech_end_s == timing.speech_end_s  # nothing said after the pause: the offer stands
    assert offered_at == pytest.approx(timing.speech_end_s + 0.2, abs=0.04)
    # The early clip is padded with the silence heard so far, to the final clip's length.
    assert early.duration_s == pytest.approx(final.duration_s, abs=0.001)
    heard = round((offered_at - timing.clip_start_s) * 16000)
    np.testing.assert_array_equal(early.samples[:heard], final.samples[:heard])


def test_speech_after_a_pause_makes_the_early_offer_stale(vad: SileroVad) -> None:
    stream = concat(
        0.5, synthesize("how much time", "piper"), 0.4, synthesize("is left", "piper"), 2.0
    )
    offers: list[float] = []
    endpointer = Endpointer(vad, ListenSettings(early_decode_ms=200))
    endpointer.on_pause = lambda _clip, end_s: offers.append(end_s)
    found = run_stream(endpointer, stream)
    assert len(found) == 1
    timing = found[0][1]
    assert len(offers) == 2
    assert offers[0] < timing.speech_end_s - 0.3  # the pause mid-question: stale
    assert offers[1] == timing.speech_end_s


def test_early_decoding_can_be_turned_off(vad: SileroVad) -> None:
    offers: list[float] = []
    endpointer = Endpointer(vad, ListenSettings(early_decode_ms=0))
    endpointer.on_pause = lambda _clip, end_s: offers.append(end_s)
    assert len(run_stream(endpointer, concat(0.5, synthesize("pause", "piper"), 2.0))) == 1
    assert offers == []
