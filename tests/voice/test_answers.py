"""The bot's fixed answers rendered ahead of time: real domain file, real espeak-ng engine."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.voice.gtts_standin import GttsStandIn, gtts_standin  # noqa: F401
from voice.answers import known_answer_sentences, prerender_answers
from voice.tts.cache import ClipCache
from voice.tts.espeak_engine import EspeakEngine
from voice.tts.factory import build_speech
from voice.tts.settings import TtsSettings
from voice.tts.speech import Speech, split_sentences

pytestmark = pytest.mark.speech

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"


def faq_answer(key: str) -> dict:
    return yaml.safe_load(DOMAIN.read_text())["responses"][f"utter_faq/{key}"][0]


def test_every_sentence_of_the_faq_answers_is_known() -> None:
    sentences = known_answer_sentences(DOMAIN)
    answer = faq_answer("benefits_general")
    for sentence in split_sentences(answer["text"]):
        assert sentence in sentences
    assert "You can say: Is that proven? or How do I start?." in sentences
    assert len(sentences) == len(set(sentences))
    assert not [s for s in sentences if "{" in s]  # slot templates are not knowable


def test_a_slot_response_is_left_out(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text(
        "responses:\n"
        "  utter_hi:\n  - text: 'Hello {name}. Ready to walk?'\n"
        "  utter_bye:\n  - text: 'Bye. See you soon.'\n    buttons:\n"
        "    - {title: 'Yes', payload: '/affirm'}\n"
        "  utter_image_only:\n  - image: 'https://example.org/a.png'\n"
    )
    assert known_answer_sentences(domain) == ["Bye.", "See you soon.", "You can say: Yes."]


def test_prerendered_answers_are_spoken_from_the_cache(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    speech = Speech([EspeakEngine()], cache=ClipCache(cache_dir))
    report = prerender_answers(speech, DOMAIN)
    assert report.ok and report.total == len(known_answer_sentences(DOMAIN))
    assert report.rendered == {"espeak": report.total}
    # A new coach process: every sentence of an FAQ answer comes from the disk cache.
    fresh = Speech([EspeakEngine()], cache=ClipCache(cache_dir))
    rendered = list(fresh.render_sentences(faq_answer("benefits_knees")["text"]))
    assert rendered and all(item.cached for item in rendered)
    again = prerender_answers(fresh, DOMAIN)
    assert again.cached == again.total and again.rendered == {}


# -- offline first ---------------------------------------------------------------------------


@pytest.fixture
def small_domain(tmp_path: Path) -> Path:
    domain = tmp_path / "domain.yml"
    domain.write_text(
        "responses:\n"
        "  utter_start:\n  - text: 'Start slowly. Hold a rail.'\n"
        "  utter_bye:\n  - text: 'Well done today.'\n"
    )
    return domain


def settings_from_env(
    monkeypatch: pytest.MonkeyPatch, cache: Path, engines: str | None
) -> TtsSettings:
    """The TTS settings exactly as ``retrowalk run`` reads them for the pre-render."""
    monkeypatch.setenv("RETROWALK_TTS_CACHE", str(cache))
    if engines is None:
        monkeypatch.delenv("RETROWALK_TTS_ENGINES", raising=False)
    else:
        monkeypatch.setenv("RETROWALK_TTS_ENGINES", engines)
    return TtsSettings.from_env()


def test_the_prerender_sends_nothing_to_a_speech_service_by_default(
    gtts_standin: GttsStandIn,  # noqa: F811
    small_domain: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """First run, default settings: the gTTS endpoint (a recording stand-in) gets no request."""
    monkeypatch.setenv("RETROWALK_GTTS_URL", gtts_standin.base_url)
    settings = settings_from_env(monkeypatch, tmp_path / "cache", engines=None)
    speech = build_speech(settings)
    try:
        report = prerender_answers(speech, small_domain)
    finally:
        speech.close()
    assert report.ok and report.total == 3
    assert report.rendered == {"piper": 3}
    assert gtts_standin.requests == []


def test_the_prerender_uses_gtts_only_when_configured(
    gtts_standin: GttsStandIn,  # noqa: F811
    small_domain: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("RETROWALK_GTTS_URL", gtts_standin.base_url)
    settings = settings_from_env(monkeypatch, tmp_path / "cache", engines="gtts,piper,espeak")
    speech = build_speech(settings)
    try:
        report = prerender_answers(speech, small_domain)
    finally:
        speech.close()
    assert report.ok and report.rendered == {"gtts": 3}
    assert gtts_standin.texts == ["Start slowly.", "Hold a rail.", "Well done today."]
