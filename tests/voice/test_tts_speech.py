"""Speech: cache, per-utterance failover, circuit breaker, prerendering, sentences, settings."""

from __future__ import annotations

import io
import queue
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from tests.voice.conftest_tts import FakeClock, assert_speech_like, piper_engine  # noqa: F401
from tests.voice.gtts_standin import GttsStandIn, gtts_standin  # noqa: F401
from voice.audio.clip import Clip
from voice.tts.base import TtsError
from voice.tts.cache import ClipCache
from voice.tts.espeak_engine import EspeakEngine
from voice.tts.factory import build_speech
from voice.tts.gtts_engine import GttsEngine
from voice.tts.piper_engine import PiperEngine
from voice.tts.settings import TtsSettings
from voice.tts.speech import Rendered, Speech, progress_bar, split_sentences

CUE = "Turn around and walk backwards for two minutes."
RETRY_S = 60.0
MARGIN_S = 0.5


def gtts_for(standin: GttsStandIn, timeout_s: float = 2.0) -> GttsEngine:
    return GttsEngine(timeout_s=timeout_s, base_url=standin.base_url)


# -- failover and circuit breaker ----------------------------------------------------------


@pytest.mark.speech
@pytest.mark.parametrize("mode", ["fail", "hang"])
def test_failing_gtts_falls_over_to_piper_within_one_call(
    gtts_standin: GttsStandIn,  # noqa: F811
    piper_engine: PiperEngine,  # noqa: F811
    mode: str,
) -> None:
    gtts_standin.mode = mode  # type: ignore[assignment]
    events: list[str] = []
    speech = Speech([gtts_for(gtts_standin, 1.0), piper_engine], on_event=events.append)

    started = time.perf_counter()
    rendered = speech.render(CUE)
    elapsed = time.perf_counter() - started

    assert rendered.engine == "piper"
    assert not rendered.cached
    assert_speech_like(rendered.clip, CUE)
    assert gtts_standin.texts == [CUE]  # gTTS was tried first
    assert any("gtts failed" in event for event in events)
    if mode == "hang":
        assert elapsed >= 0.9  # it waited for gTTS's timeout, once
        assert rendered.seconds >= 0.9


@pytest.mark.speech
def test_breaker_skips_a_hung_gtts_then_retries_it(
    gtts_standin: GttsStandIn,  # noqa: F811
    piper_engine: PiperEngine,  # noqa: F811
) -> None:
    gtts_standin.mode = "hang"
    clock = FakeClock()
    events: list[str] = []
    speech = Speech(
        [gtts_for(gtts_standin, 2.0), piper_engine],
        retry_after_s=RETRY_S,
        on_event=events.append,
        clock=clock,
    )
    assert speech.render("First cue.").engine == "piper"
    status = {s.name: s for s in speech.engines_status()}
    assert not status["gtts"].healthy
    assert status["gtts"].failures == 1
    assert status["gtts"].retry_in_s == pytest.approx(RETRY_S)
    assert "no answer" in (status["gtts"].last_error or "")
    assert status["piper"].healthy

    # Next utterance: gTTS is not asked at all, so no timeout is paid.
    started = time.perf_counter()
    second = speech.render("Second cue.")
    assert time.perf_counter() - started < 2.0
    assert second.engine == "piper"
    assert gtts_standin.texts == ["First cue."]

    clock.advance(RETRY_S - 1)
    assert speech.render("Third cue.").engine == "piper"
    assert gtts_standin.texts == ["First cue."]

    # After retry_after_s gTTS is tried again; the network is back.
    gtts_standin.mode = "ok"
    clock.advance(1)
    fourth = speech.render("Fourth cue.")
    assert fourth.engine == "gtts"
    assert gtts_standin.texts == ["First cue.", "Fourth cue."]
    assert all(s.healthy and s.failures == 0 for s in speech.engines_status())
    assert any("gtts works again" in event for event in events)


@pytest.mark.speech
def test_retry_that_fails_again_reopens_the_breaker(
    gtts_standin: GttsStandIn,  # noqa: F811
) -> None:
    gtts_standin.mode = "fail"
    clock = FakeClock()
    speech = Speech([gtts_for(gtts_standin), EspeakEngine()], retry_after_s=RETRY_S, clock=clock)

    speech.render("One.")
    clock.advance(RETRY_S)
    assert speech.render("Two.").engine == "espeak"
    assert gtts_standin.texts == ["One.", "Two."]
    assert speech.engines_status()[0].failures == 2
    assert speech.render("Three.").engine == "espeak"
    assert gtts_standin.texts == ["One.", "Two."]


@pytest.mark.speech
def test_every_engine_failing_is_a_tts_error(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    gtts_standin.mode = "fail"
    events: list[str] = []
    speech = Speech(
        [gtts_for(gtts_standin), EspeakEngine(voice="xx-no-such-voice")], on_event=events.append
    )

    with pytest.raises(TtsError, match=r"gtts: .*500.*espeak: .*exit 1"):
        speech.render(CUE)
    assert any("no engine could speak" in event for event in events)
    # Both are now cooling down: the next call fails at once, naming why.
    with pytest.raises(TtsError, match="skipped for"):
        speech.render("Another cue.")
    assert gtts_standin.texts == [CUE]


def test_nothing_to_speak_is_a_value_error(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    speech = Speech([gtts_for(gtts_standin)])

    with pytest.raises(ValueError, match="nothing to speak"):
        speech.render(" ... ")
    assert gtts_standin.requests == []
    assert speech.engines_status()[0].healthy


def test_speech_needs_an_engine() -> None:
    with pytest.raises(ValueError, match="at least one engine"):
        Speech([])


# -- cache ---------------------------------------------------------------------------------


def test_cache_hit_skips_the_engine_and_survives_a_new_instance(
    gtts_standin: GttsStandIn,  # noqa: F811
    tmp_path: Path,
) -> None:
    cache_dir = tmp_path / "tts-cache"
    first = Speech([gtts_for(gtts_standin)], cache=ClipCache(cache_dir)).render(CUE)
    assert (first.engine, first.cached) == ("gtts", False)
    assert gtts_standin.texts == [CUE]

    again = Speech([gtts_for(gtts_standin)], cache=ClipCache(cache_dir)).render(f"  {CUE} ")

    assert (again.engine, again.cached) == ("gtts", True)
    assert gtts_standin.texts == [CUE]  # no second request
    # Exactly what was rendered, as stored (16-bit WAV).
    np.testing.assert_array_equal(
        again.clip.samples, Clip.from_bytes(first.clip.to_wav_bytes()).samples
    )
    assert len(list(cache_dir.glob("*.wav"))) == 1
    assert not list(cache_dir.glob(".tmp-*"))


@pytest.mark.speech
def test_cues_rendered_offline_need_no_network_later(
    gtts_standin: GttsStandIn,  # noqa: F811
    piper_engine: PiperEngine,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A cue cached in Piper's voice is used even when gTTS works again: no request at all."""
    gtts_standin.mode = "fail"
    cache = ClipCache(tmp_path / "cache")
    Speech([gtts_for(gtts_standin), piper_engine], cache=cache).prerender([CUE])
    gtts_standin.mode = "ok"

    rendered = Speech([gtts_for(gtts_standin), piper_engine], cache=cache).render(CUE)

    assert (rendered.engine, rendered.cached) == ("piper", True)
    assert gtts_standin.texts == [CUE]  # only the failed prerender attempt


@pytest.mark.parametrize("content", [b"", b"RIFF\x00\x00garbage, not audio"])
def test_corrupt_cache_file_is_a_miss_and_is_replaced(
    gtts_standin: GttsStandIn,  # noqa: F811
    tmp_path: Path,
    content: bytes,
) -> None:
    cache = ClipCache(tmp_path)
    engine = gtts_for(gtts_standin)
    Speech([engine], cache=cache).render(CUE)
    path = cache.path(ClipCache.key(engine.voice_id(), CUE))
    path.write_bytes(content)

    rendered = Speech([engine], cache=cache).render(CUE)

    assert not rendered.cached
    assert gtts_standin.texts == [CUE, CUE]
    assert Clip.load(path).duration_s == pytest.approx(rendered.clip.duration_s, abs=0.01)


def test_clip_cache_round_trip_and_atomic_put(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path / "c")
    clip = Clip(np.sin(np.linspace(0, 400, 16000)).astype(np.float32) * 0.5, 16000)
    key = ClipCache.key("espeak:en-us:160", "Hello.")

    assert cache.get(key) is None
    assert not (tmp_path / "c").exists()  # nothing created before the first put
    cache.put(key, clip)

    loaded = cache.get(key)
    assert loaded is not None
    np.testing.assert_array_equal(loaded.samples, Clip.from_bytes(clip.to_wav_bytes()).samples)
    assert cache.keys() == [key]
    assert key in cache
    assert [p.name for p in (tmp_path / "c").iterdir()] == [f"{key}.wav"]
    assert ClipCache.key("espeak:en-us:160", "Hello.") != ClipCache.key(
        "espeak:en-us:170", "Hello."
    )
    with pytest.raises(ValueError, match="empty"):
        cache.put(key, Clip.silence(0.0))


def test_unreadable_cache_file_is_removed(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    key = ClipCache.key("v", "t")
    cache.path(key).write_bytes(b"\x00" * 100)

    assert cache.get(key) is None
    assert not cache.path(key).exists()


# -- prerender -----------------------------------------------------------------------------


def test_prerender_counts_and_reports_progress(
    gtts_standin: GttsStandIn,  # noqa: F811
    tmp_path: Path,
) -> None:
    cache = ClipCache(tmp_path)
    Speech([gtts_for(gtts_standin)], cache=cache).render("Cue one.")
    calls: list[tuple[int, int]] = []
    speech = Speech([gtts_for(gtts_standin)], cache=cache)

    report = speech.prerender(
        ["Cue one.", "Cue two.", "Cue  one.", "Cue three.", "...", "Cue two."],
        progress=lambda done, total: calls.append((done, total)),
    )

    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert (report.total, report.cached, report.rendered, report.failed) == (
        3,
        1,
        {"gtts": 2},
        (),
    )
    assert report.ok
    assert gtts_standin.texts == ["Cue one.", "Cue two.", "Cue three."]
    assert report.summary().startswith("3/3 cues ready (1 cached, 2 gtts)")
    assert all(speech.render(t).cached for t in ["Cue one.", "Cue two.", "Cue three."])


@pytest.mark.speech
def test_prerender_with_hung_network_pays_the_timeout_once(
    gtts_standin: GttsStandIn,  # noqa: F811
    tmp_path: Path,
) -> None:
    gtts_standin.mode = "hang"
    speech = Speech([gtts_for(gtts_standin, 0.5), EspeakEngine()], cache=ClipCache(tmp_path))
    texts = [f"Cue number {n}." for n in range(8)]

    report = speech.prerender(texts)

    assert report.rendered == {"espeak": 8}
    assert gtts_standin.texts == [texts[0]]
    assert report.seconds < 0.5 + 8 * 0.3 + MARGIN_S


def test_prerender_lists_texts_no_engine_could_speak(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    gtts_standin.mode = "fail"
    speech = Speech([gtts_for(gtts_standin)])

    report = speech.prerender(["One.", "Two."])

    assert report.failed == ("One.", "Two.")
    assert not report.ok
    assert report.rendered == {}
    assert "2 failed" in report.summary()


def test_prerender_without_disk_cache_keeps_clips_in_memory(
    gtts_standin: GttsStandIn,  # noqa: F811
) -> None:
    speech = Speech([gtts_for(gtts_standin)])
    speech.prerender([CUE])

    rendered = speech.render(CUE)
    speech.render("Not prerendered.")
    speech.render("Not prerendered.")

    assert rendered.cached
    assert gtts_standin.texts == [CUE, "Not prerendered.", "Not prerendered."]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_one_line_on_a_terminal() -> None:
    stream = _Terminal()
    draw = progress_bar(stream)

    for done in range(11):
        draw(done, 10)

    text = stream.getvalue()
    assert "\rPreparing cues [#####-----] 5/10" in text
    assert text.endswith("\rPreparing cues [##########] 10/10\n")
    assert text.count("\n") == 1


def test_progress_bar_writes_a_line_every_10_s_to_a_log() -> None:
    """A file or pipe gets whole lines, the first, one per 10 s and the last, no redraws."""
    stream = io.StringIO()
    now = [0.0]
    draw = progress_bar(stream, label="    voice answers", clock=lambda: now[0])

    for done in range(247):
        now[0] = done * 0.25  # 246 answers in about a minute
        draw(done, 246)

    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[0] == "    voice answers [----------] 0/246"
    assert lines[-1] == "    voice answers [##########] 246/246"
    assert len(lines) == 8  # at 0, 10, 20, 30, 40, 50, 60 s and the end
    assert lines[1] == "    voice answers [##--------] 40/246"


def test_progress_bar_defaults_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    progress_bar()(0, 0)

    assert capsys.readouterr().err == "Preparing cues [##########] 0/0\n"


# -- sentences -----------------------------------------------------------------------------


def test_split_sentences() -> None:
    assert split_sentences("Hi there. How are you?  Fine!\nNext line") == [
        "Hi there.",
        "How are you?",
        "Fine!",
        "Next line",
    ]
    assert split_sentences("Go slowly, e.g. at 2.5 km/h. Then stop.") == [
        "Go slowly, e.g. at 2.5 km/h.",
        "Then stop.",
    ]
    assert split_sentences(" ... ") == []


def _next_within(iterator: object, timeout_s: float) -> Rendered:
    """``next(iterator)`` in a helper thread, failing the test if it takes too long."""
    box: queue.Queue[object] = queue.Queue()
    thread = threading.Thread(target=lambda: box.put(next(iterator)), daemon=True)  # type: ignore[call-overload]
    thread.start()
    try:
        item = box.get(timeout=timeout_s)
    except queue.Empty:
        pytest.fail(f"no sentence within {timeout_s} s")
    assert isinstance(item, Rendered)
    return item


@pytest.mark.parametrize("prefetch", [True, False])
def test_first_sentence_arrives_before_the_last_is_rendered(
    gtts_standin: GttsStandIn,  # noqa: F811
    prefetch: bool,
) -> None:
    answer = "Walking backwards uses your quads more. It is gentle on the knees. Start slowly."
    gate = gtts_standin.hold("Start slowly.")
    speech = Speech([gtts_for(gtts_standin, 10.0)])
    sentences = speech.render_sentences(answer, prefetch=prefetch)

    first = _next_within(sentences, 5.0)

    assert first.text == "Walking backwards uses your quads more."
    assert first.engine == "gtts"
    assert not gate.released.is_set()  # the last sentence has not been answered yet
    if not prefetch:
        assert gtts_standin.texts == [first.text]
    second = _next_within(sentences, 5.0)
    assert second.text == "It is gentle on the knees."
    if prefetch:  # the last sentence was being rendered while we handled the first two
        assert gate.arrived.wait(5.0)
    gate.release()
    last = _next_within(sentences, 5.0)
    assert last.text == "Start slowly."
    assert list(sentences) == []
    assert gtts_standin.texts == [first.text, second.text, last.text]


def test_render_sentences_raises_after_yielding_what_it_could(
    gtts_standin: GttsStandIn,  # noqa: F811
) -> None:
    gate = gtts_standin.hold("Two.")
    speech = Speech([gtts_for(gtts_standin)])
    sentences = speech.render_sentences("One. Two. Three.")

    assert _next_within(sentences, 5.0).text == "One."
    assert gate.arrived.wait(5.0)
    gtts_standin.mode = "fail"
    gate.release()
    with pytest.raises(TtsError, match="500"):
        next(sentences)


def test_abandoned_sentence_stream_stops_rendering(gtts_standin: GttsStandIn) -> None:  # noqa: F811
    gate = gtts_standin.hold("Three.")
    speech = Speech([gtts_for(gtts_standin)])
    sentences = speech.render_sentences("One. Two. Three. Four. Five. Six.")
    assert _next_within(sentences, 5.0).text == "One."
    assert gate.arrived.wait(5.0)  # "Two." is ready, "Three." is being rendered

    sentences.close()  # type: ignore[attr-defined]
    gate.release()

    assert not gtts_standin.wait_for_requests(4, timeout_s=0.5)
    assert gtts_standin.texts == ["One.", "Two.", "Three."]


# -- settings and factory ------------------------------------------------------------------

ENV_NAMES = (
    "RETROWALK_TTS_ENGINES",
    "RETROWALK_GTTS_LANG",
    "RETROWALK_GTTS_TLD",
    "RETROWALK_GTTS_TIMEOUT",
    "RETROWALK_GTTS_URL",
    "RETROWALK_PIPER_MODEL",
    "RETROWALK_PIPER_LENGTH_SCALE",
    "RETROWALK_ESPEAK_VOICE",
    "RETROWALK_ESPEAK_RATE",
    "RETROWALK_TTS_CACHE",
    "RETROWALK_TTS_RETRY_AFTER",
    "RETROWALK_VAR_DIR",
    "RETROWALK_ROOT",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_settings_defaults(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("RETROWALK_VAR_DIR", str(tmp_path / "var"))

    settings = TtsSettings.from_env()

    assert settings == TtsSettings()
    assert settings.engines == ("piper", "espeak")  # offline first: gTTS only when listed
    assert not settings.online
    assert settings.gtts_timeout_s == 3.0
    assert settings.gtts_base_url is None
    assert settings.piper_model is None
    assert settings.cache_dir == tmp_path / "var" / "tts-cache"
    assert settings.retry_after_s == 60.0


def test_settings_from_env(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("RETROWALK_TTS_ENGINES", " Piper , espeak ")
    clean_env.setenv("RETROWALK_GTTS_TIMEOUT", "1.5")
    clean_env.setenv("RETROWALK_GTTS_URL", "http://127.0.0.1:9")
    clean_env.setenv("RETROWALK_PIPER_MODEL", str(tmp_path / "v.onnx"))
    clean_env.setenv("RETROWALK_ESPEAK_VOICE", "en-gb")
    clean_env.setenv("RETROWALK_ESPEAK_RATE", "180")
    clean_env.setenv("RETROWALK_TTS_CACHE", str(tmp_path / "cache"))
    clean_env.setenv("RETROWALK_TTS_RETRY_AFTER", "5")

    settings = TtsSettings.from_env()

    assert settings.engines == ("piper", "espeak")
    assert settings.gtts_timeout_s == 1.5
    assert settings.gtts_base_url == "http://127.0.0.1:9"
    assert settings.piper_model == tmp_path / "v.onnx"
    assert (settings.espeak_voice, settings.espeak_rate_wpm) == ("en-gb", 180)
    assert settings.cache_dir == tmp_path / "cache"
    assert settings.retry_after_s == 5.0
    clean_env.setenv("RETROWALK_TTS_CACHE", "off")
    assert TtsSettings.from_env().cache_dir is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RETROWALK_TTS_ENGINES", "gtts,festival", "RETROWALK_TTS_ENGINES: unknown.*'festival'"),
        ("RETROWALK_TTS_ENGINES", "piper,piper", "listed twice"),
        ("RETROWALK_TTS_ENGINES", " , ", "RETROWALK_TTS_ENGINES: no TTS engine configured"),
        ("RETROWALK_GTTS_TIMEOUT", "soon", "RETROWALK_GTTS_TIMEOUT must be a number"),
        ("RETROWALK_GTTS_TIMEOUT", "0", "RETROWALK_GTTS_TIMEOUT must be positive"),
        ("RETROWALK_ESPEAK_RATE", "fast", "RETROWALK_ESPEAK_RATE must be a whole number"),
        ("RETROWALK_TTS_RETRY_AFTER", "-1", "RETROWALK_TTS_RETRY_AFTER must be at least 0"),
    ],
)
def test_settings_errors_name_the_problem(
    clean_env: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    clean_env.setenv(name, value)

    with pytest.raises(ValueError, match=message):
        TtsSettings.from_env()


def test_settings_reject_an_empty_engine_list() -> None:
    with pytest.raises(ValueError, match="no TTS engine"):
        TtsSettings(engines=())


@pytest.mark.speech
def test_build_speech_follows_the_settings(
    gtts_standin: GttsStandIn,  # noqa: F811
    tmp_path: Path,
) -> None:
    settings = TtsSettings(
        engines=("gtts", "espeak"),
        gtts_timeout_s=0.7,
        gtts_base_url=gtts_standin.base_url,
        espeak_rate_wpm=200,
        cache_dir=tmp_path / "cache",
        retry_after_s=7.0,
    )
    events: list[str] = []

    speech = build_speech(settings, on_event=events.append)

    assert [engine.name for engine in speech.engines] == ["gtts", "espeak"]
    assert speech.retry_after_s == 7.0
    assert speech.cache is not None and speech.cache.directory == tmp_path / "cache"
    assert speech.render(CUE).engine == "gtts"
    gtts_standin.mode = "fail"
    assert speech.render("A new cue.").engine == "espeak"
    assert speech.engines[1].voice_id() == "espeak:en-us:200"
    assert events and "gtts failed" in events[0]
    assert build_speech(TtsSettings(engines=("piper",), cache_dir=None)).cache is None
