"""Speech recognition with the real engines: pocketsphinx (domain LM), whisper, and the hybrid."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.voice.speech import concat, synthesize, word_errors
from voice.audio.clip import Clip
from voice.listen.factory import build_recognizer
from voice.listen.language_model import LanguageModelFiles, ensure_language_model, normalise
from voice.listen.pocketsphinx_asr import PocketsphinxRecognizer
from voice.listen.recognizer import FallbackRecognizer
from voice.listen.settings import ListenSettings
from voice.listen.whisper_asr import WhisperRecognizer

pytestmark = pytest.mark.speech

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ListenSettings()

IN_DOMAIN = (
    "what are the benefits of walking backwards",
    "how much time is left",
    "i feel dizzy",
    "pause the workout",
    "is it safe for my knees",
    "can i walk backwards on a treadmill",
)
OUT_OF_DOMAIN = (
    "the capital of france is paris",
    "please order a large pizza with mushrooms",
    "my grandson plays the violin in an orchestra",
    "turn off the kitchen lights",
)


def utterance(text: str, voice: str = "piper") -> Clip:
    """Speech as the end-pointer gives it: pre-roll before, end silence after."""
    return concat(0.3, synthesize(text, voice), 0.6)


def wer(pairs: list[tuple[str, str]]) -> float:
    errors = words = 0
    for reference, hypothesis in pairs:
        e, n = word_errors(" ".join(normalise(reference)), " ".join(normalise(hypothesis)))
        errors, words = errors + e, words + n
    return errors / words


@pytest.fixture(scope="module")
def lm() -> LanguageModelFiles:
    return ensure_language_model(PROJECT_ROOT, SETTINGS.lm_dir)


@pytest.fixture(scope="module")
def sphinx(lm: LanguageModelFiles) -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer(lm)


@pytest.fixture(scope="module")
def whisper() -> WhisperRecognizer:
    return WhisperRecognizer()


def test_pocketsphinx_transcribes_in_domain_questions(sphinx: PocketsphinxRecognizer) -> None:
    results = [(text, sphinx.transcribe(utterance(text))) for text in IN_DOMAIN]
    for text, transcript in results:
        print(f"{text!r} -> {transcript.text!r} ({transcript.confidence:.2f})")
        assert transcript.engine == "pocketsphinx"
        assert 0.0 <= transcript.confidence <= 1.0
        assert transcript.seconds < 2.0
    exact = sum(text == transcript.text for text, transcript in results)
    assert exact >= len(IN_DOMAIN) - 1
    assert wer([(text, transcript.text) for text, transcript in results]) <= 0.05


def test_pocketsphinx_is_unsure_out_of_domain(sphinx: PocketsphinxRecognizer) -> None:
    inside = [sphinx.transcribe(utterance(text)).confidence for text in IN_DOMAIN]
    outside = [sphinx.transcribe(utterance(text)).confidence for text in OUT_OF_DOMAIN]
    print("in-domain", [round(c, 2) for c in inside], "out", [round(c, 2) for c in outside])
    assert max(outside) < SETTINGS.min_confidence
    assert sum(inside) / len(inside) > sum(outside) / len(outside) + 0.2


def test_pocketsphinx_hears_nothing_in_silence(sphinx: PocketsphinxRecognizer) -> None:
    transcript = sphinx.transcribe(Clip.silence(1.5))
    assert transcript.text == ""
    assert transcript.confidence == 0.0


def test_whisper_gets_out_of_domain_speech_mostly_right(whisper: WhisperRecognizer) -> None:
    pairs = []
    for text in OUT_OF_DOMAIN:
        transcript = whisper.transcribe(utterance(text))
        print(f"{text!r} -> {transcript.text!r} ({transcript.confidence:.2f})")
        assert transcript.engine == "whisper"
        assert 0.0 < transcript.confidence <= 1.0
        pairs.append((text, transcript.text))
    assert wer(pairs) <= 0.15


def test_hybrid_falls_back_to_whisper_when_pocketsphinx_is_unsure(
    sphinx: PocketsphinxRecognizer, whisper: WhisperRecognizer
) -> None:
    hybrid = FallbackRecognizer(sphinx, whisper, SETTINGS.min_confidence)
    text = "my grandson plays the violin in an orchestra"
    result = hybrid.transcribe(utterance(text))
    assert result.engine == "whisper"
    assert result.rejected is not None and result.rejected.engine == "pocketsphinx"
    assert result.rejected.confidence < SETTINGS.min_confidence
    assert wer([(text, result.text)]) <= 0.15
    assert result.seconds >= result.rejected.seconds

    confident = hybrid.transcribe(utterance("what are the benefits of walking backwards"))
    assert confident.engine == "pocketsphinx"
    assert confident.rejected is None
    assert confident.confidence >= SETTINGS.min_confidence


def test_hybrid_threshold_decides(
    sphinx: PocketsphinxRecognizer, whisper: WhisperRecognizer
) -> None:
    clip = utterance("how much time is left")
    assert FallbackRecognizer(sphinx, whisper, 0.0).transcribe(clip).engine == "pocketsphinx"
    assert FallbackRecognizer(sphinx, whisper, 1.01).transcribe(clip).engine == "whisper"


def test_espeak_voice_goes_through_the_hybrid(
    sphinx: PocketsphinxRecognizer, whisper: WhisperRecognizer
) -> None:
    hybrid = FallbackRecognizer(sphinx, whisper, SETTINGS.min_confidence)
    pairs = []
    for text in ("is it safe for my knees", "how much time is left", "i feel dizzy"):
        pairs.append((text, hybrid.transcribe(utterance(text, "espeak")).text))
    print(pairs)
    assert wer(pairs) <= 0.2


def test_recogniser_resamples_other_rates(sphinx: PocketsphinxRecognizer) -> None:
    clip = utterance("how much time is left").resampled(22050)
    assert sphinx.transcribe(clip).text == "how much time is left"


def test_build_recognizer_follows_the_settings(tmp_path: Path) -> None:
    lm_dir = SETTINGS.lm_dir
    assert isinstance(build_recognizer(ListenSettings(asr="whisper")), WhisperRecognizer)
    sphinx = build_recognizer(ListenSettings(asr="pocketsphinx", lm_dir=lm_dir))
    assert isinstance(sphinx, PocketsphinxRecognizer)
    hybrid = build_recognizer(ListenSettings(asr="hybrid", min_confidence=0.4, lm_dir=lm_dir))
    assert isinstance(hybrid, FallbackRecognizer)
    assert hybrid.min_confidence == 0.4
    missing = build_recognizer(ListenSettings(asr="whisper", whisper_model_dir=tmp_path))
    with pytest.raises(FileNotFoundError):
        missing.transcribe(utterance("pause"))


def test_settings_from_environment(tmp_path: Path) -> None:
    settings = ListenSettings.from_env(
        {
            "RETROWALK_WAKE_PHRASE": "  Hello   Coach ",
            "RETROWALK_ASR": "Whisper",
            "RETROWALK_WHISPER_MODEL": str(tmp_path),
            "RETROWALK_ASR_MIN_CONFIDENCE": "0.3",
            "RETROWALK_MAX_UTTERANCE_S": "5",
        }
    )
    assert settings.wake_phrase == "hello coach"
    assert settings.asr == "whisper"
    assert settings.whisper_model_dir == tmp_path
    assert settings.min_confidence == 0.3
    assert settings.max_utterance_s == 5.0
    assert ListenSettings.from_env({}) == ListenSettings()
    with pytest.raises(ValueError, match="RETROWALK_ASR"):
        ListenSettings.from_env({"RETROWALK_ASR": "vosk"})
