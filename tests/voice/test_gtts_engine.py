"""gTTS's real code path (request building, HTTP, response parsing) against a local stand-in."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from tests.voice.conftest_tts import assert_speech_like
from tests.voice.gtts_standin import PATH, GttsStandIn, gtts_standin  # noqa: F401
from voice.audio.clip import Clip
from voice.tts.base import TtsError
from voice.tts.cache import ClipCache
from voice.tts.gtts_engine import GttsEngine, rebase_url
from voice.tts.speech import Speech

SENTENCE = "Walk backwards slowly and look over your shoulder every few steps."
MARGIN_S = 0.5  # scheduling slack on a loaded 2-core machine


def engine_for(
    standin: GttsStandIn, timeout_s: float = 2.0, lang: str = "en", slow: bool = False
) -> GttsEngine:
    """The real gTTS engine, pointed at the stand-in."""
    return GttsEngine(lang=lang, timeout_s=timeout_s, slow=slow, base_url=standin.base_url)


def test_request_reaches_the_standin_in_googles_format(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    clip = engine_for(gtts_standin).synthesize(SENTENCE)

    assert gtts_standin.texts == [SENTENCE]
    request = gtts_standin.requests[0]
    assert request.method == "POST"
    assert request.path == PATH
    assert request.lang == "en"
    assert request.slow is False
    assert request.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert request.headers["Referer"] == "http://translate.google.com/"
    # The clip is exactly the stand-in's MP3, decoded.
    served = Clip.from_bytes(gtts_standin.served[0])
    assert clip.rate == served.rate
    np.testing.assert_array_equal(clip.samples, served.samples)
    assert_speech_like(clip, SENTENCE)


def test_language_and_slow_speech_are_sent(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    engine_for(gtts_standin, lang="en-us", slow=True).synthesize("Hello there.")

    request = gtts_standin.requests[0]
    assert request.lang == "en"  # gTTS maps the deprecated en-us to en
    assert request.slow is True


def test_long_text_is_split_by_gtts_and_every_part_is_decoded(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    text = (
        "Walk backwards slowly and look over your shoulder every few steps, "
        "keep your core engaged, and stop at once if you feel dizzy or unsteady."
    )
    clip = engine_for(gtts_standin).synthesize(text)

    assert len(gtts_standin.requests) >= 2
    assert all(len(t or "") <= 100 for t in gtts_standin.texts)
    assert " ".join(t or "" for t in gtts_standin.texts).replace(",", "") in text.replace(",", "")
    parts = [Clip.from_bytes(mp3) for mp3 in gtts_standin.served]
    # Joined part by part (libsndfile would stop after the first of concatenated MP3s).
    assert len(clip.samples) == sum(len(part.samples) for part in parts)
    assert_speech_like(clip, text)


def test_http_error_is_a_tts_error(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    gtts_standin.mode = "fail"

    with pytest.raises(TtsError, match="500"):
        engine_for(gtts_standin).synthesize(SENTENCE)


def test_answer_without_audio_is_a_tts_error(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    gtts_standin.mode = "noaudio"

    with pytest.raises(TtsError, match="No audio stream"):
        engine_for(gtts_standin).synthesize(SENTENCE)


@pytest.mark.parametrize("mode", ["hang", "trickle"])
def test_timeout_bounds_a_server_that_does_not_answer(
    gtts_standin: GttsStandIn,  # noqa: F811
    mode: str,
) -> None:
    """``hang``: gTTS's own read timeout would do; ``trickle``: only the hard deadline does."""
    gtts_standin.mode = mode  # type: ignore[assignment]
    engine = engine_for(gtts_standin, timeout_s=0.6)

    started = time.perf_counter()
    with pytest.raises(TtsError, match=r"no answer within|Failed to connect"):
        engine.synthesize(SENTENCE)
    elapsed = time.perf_counter() - started

    assert gtts_standin.texts == [SENTENCE]  # it did reach the server
    assert 0.6 * 0.9 <= elapsed <= 0.6 + MARGIN_S


def test_unreachable_server_fails_fast() -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = GttsEngine(timeout_s=2.0, base_url=f"http://127.0.0.1:{port}")

    started = time.perf_counter()
    with pytest.raises(TtsError, match="Failed to connect"):
        engine.synthesize(SENTENCE)
    assert time.perf_counter() - started < 1.0


def test_failed_attempt_leaves_no_cache_file(gtts_standin: GttsStandIn, tmp_path: Path) -> None:  # noqa: F811
    gtts_standin.mode = "fail"
    speech = Speech([engine_for(gtts_standin)], cache=ClipCache(tmp_path / "cache"))

    with pytest.raises(TtsError):
        speech.render(SENTENCE)

    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_unspeakable_text_is_a_tts_error_without_a_request(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    with pytest.raises(TtsError, match="nothing to speak"):
        engine_for(gtts_standin).synthesize("  ...  ")

    assert gtts_standin.requests == []


def test_voice_id_and_settings_validation(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    assert GttsEngine().voice_id() == "gtts:en:com:normal"
    assert GttsEngine(tld="co.uk", slow=True).voice_id() == "gtts:en:co.uk:slow"
    # A redirected engine never shares cache entries with Google's voice.
    assert engine_for(gtts_standin).voice_id().endswith(f"@{gtts_standin.base_url}")
    with pytest.raises(ValueError, match="language"):
        GttsEngine(lang="xx-nope")
    with pytest.raises(ValueError, match="timeout"):
        GttsEngine(timeout_s=0)
    with pytest.raises(ValueError, match="base URL"):
        GttsEngine(base_url="ftp://example.org")


def test_rebase_url_keeps_gtts_path_and_query() -> None:
    url = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute?x=1"

    assert rebase_url(url, "http://127.0.0.1:9000") == (
        "http://127.0.0.1:9000/_/TranslateWebserverUi/data/batchexecute?x=1"
    )
    assert rebase_url(url, "https://relay.example/tts/") == (
        "https://relay.example/tts/_/TranslateWebserverUi/data/batchexecute?x=1"
    )
