"""The offline engines, for real: Piper (neural, packaged voice) and espeak-ng (binary)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.voice.conftest_tts import assert_speech_like, piper_engine  # noqa: F401
from voice.tts.base import TtsError
from voice.tts.espeak_engine import EspeakEngine
from voice.tts.piper_engine import PiperEngine, default_model_path

SENTENCE = "Walk backwards slowly and look over your shoulder every few steps."


# -- espeak-ng -----------------------------------------------------------------------------


@pytest.mark.speech
def test_espeak_speaks_a_sentence() -> None:
    clip = EspeakEngine().synthesize(SENTENCE)

    assert_speech_like(clip, SENTENCE)
    assert clip.rate == 22050


@pytest.mark.speech
def test_espeak_rate_changes_the_length() -> None:
    slow = EspeakEngine(rate_wpm=120).synthesize(SENTENCE)
    fast = EspeakEngine(rate_wpm=240).synthesize(SENTENCE)

    assert slow.duration_s > 1.5 * fast.duration_s


@pytest.mark.speech
def test_espeak_reads_text_starting_with_a_dash_as_text() -> None:
    clip = EspeakEngine().synthesize("-v is not an option here, it is words.")

    assert_speech_like(clip, "minus v is not an option here, it is words.")


@pytest.mark.speech
def test_espeak_unknown_voice_is_a_tts_error() -> None:
    with pytest.raises(TtsError, match="exit 1"):
        EspeakEngine(voice="xx-no-such-voice").synthesize("Hello.")


def test_espeak_missing_binary_is_a_clear_error() -> None:
    engine = EspeakEngine(binary="espeak-ng-not-installed")

    with pytest.raises(TtsError, match=r"not installed.*apt-get install espeak-ng"):
        engine.synthesize("Hello.")


@pytest.mark.speech
def test_espeak_timeout_is_a_tts_error() -> None:
    engine = EspeakEngine(timeout_s=0.001)

    with pytest.raises(TtsError, match="timed out"):
        engine.synthesize(SENTENCE * 20)


def test_espeak_voice_id_names_voice_and_rate() -> None:
    assert EspeakEngine(voice="en-gb", rate_wpm=150).voice_id() == "espeak:en-gb:150"
    with pytest.raises(ValueError, match="rate"):
        EspeakEngine(rate_wpm=10)


# -- Piper ---------------------------------------------------------------------------------


@pytest.mark.speech
def test_piper_speaks_a_sentence(piper_engine: PiperEngine) -> None:  # noqa: F811
    clip = piper_engine.synthesize(SENTENCE)

    assert_speech_like(clip, SENTENCE)
    assert clip.rate == 22050


@pytest.mark.speech
def test_piper_deterministic_output_is_byte_identical(piper_engine: PiperEngine) -> None:  # noqa: F811
    first = piper_engine.synthesize("Stop if you feel dizzy.")
    second = piper_engine.synthesize("Stop if you feel dizzy.")

    assert first.to_wav_bytes() == second.to_wav_bytes()


@pytest.mark.speech
def test_piper_speaks_every_sentence_of_a_text(piper_engine: PiperEngine) -> None:  # noqa: F811
    one = piper_engine.synthesize("Turn around.")
    two = piper_engine.synthesize("Turn around. Now walk forwards for one minute.")

    assert two.duration_s > one.duration_s + 1.0


@pytest.mark.speech
def test_piper_length_scale_slows_it_down(piper_engine: PiperEngine) -> None:  # noqa: F811
    slow = PiperEngine(length_scale=1.5)
    normal = piper_engine.synthesize(SENTENCE)

    assert slow.synthesize(SENTENCE).duration_s > 1.3 * normal.duration_s
    assert slow.voice_id() != piper_engine.voice_id()


@pytest.mark.speech
def test_piper_loads_lazily_and_only_once() -> None:
    engine = PiperEngine()
    assert not engine.loaded

    engine.synthesize("Hello.")
    assert engine.loaded
    voice = engine._voice
    engine.synthesize("Hello again.")
    assert engine._voice is voice

    engine.close()
    assert not engine.loaded


@pytest.mark.speech
def test_piper_is_safe_to_share_between_threads(piper_engine: PiperEngine) -> None:  # noqa: F811
    texts = ["Keep your steps short.", "Look over your shoulder.", "Breathe calmly."]
    expected = [piper_engine.synthesize(text).to_wav_bytes() for text in texts]
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def speak(index: int) -> None:
        try:
            results[index] = piper_engine.synthesize(texts[index % 3]).to_wav_bytes()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=speak, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert [results[i] for i in range(6)] == expected + expected


def test_piper_missing_model_is_a_tts_error(tmp_path: Path) -> None:
    engine = PiperEngine(model_path=tmp_path / "nope.onnx")

    with pytest.raises(TtsError, match="not found"):
        engine.load()
    with pytest.raises(TtsError, match="not found"):
        engine.synthesize("Hello.")


def test_piper_default_voice_is_the_packaged_one() -> None:
    engine = PiperEngine()

    assert engine.model_path == default_model_path()
    assert engine.model_path.name == "en_US-joe-medium.onnx"
    assert engine.voice_id().startswith("piper:en_US-joe-medium.onnx:")
    assert not engine.loaded  # voice_id needs no model
