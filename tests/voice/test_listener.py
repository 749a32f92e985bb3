"""The listener end to end: real engines, real synthesized audio through an in-memory source."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.voice.speech import ClipSource, concat, synthesize, with_noise
from voice.audio.clip import Clip
from voice.listen.language_model import ensure_language_model, normalise
from voice.listen.listener import Listener, ListenerState, strip_wake_phrase
from voice.listen.pocketsphinx_asr import PocketsphinxRecognizer
from voice.listen.recognizer import FallbackRecognizer, Recognizer, Transcript
from voice.listen.settings import ListenSettings
from voice.listen.whisper_asr import WhisperRecognizer

pytestmark = pytest.mark.speech

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ListenSettings(no_speech_timeout_s=2.0)
WAIT_S = 60.0


class RecordingRecognizer(Recognizer):
    """A real recogniser that also keeps the clips it was given (to check their length)."""

    def __init__(self, inner: Recognizer) -> None:
        self.inner = inner
        self.name = inner.name
        self.clips: list[Clip] = []
        self.called = threading.Event()

    def warm_up(self) -> None:
        self.inner.warm_up()

    def transcribe(self, clip: Clip) -> Transcript:
        self.clips.append(clip)
        self.called.set()
        return self.inner.transcribe(clip)


class Events:
    """Collects listener callbacks in order (thread-safe)."""

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[str, object]] = queue.Queue()

    def wake(self) -> None:
        self.queue.put(("wake", None))

    def speech(self) -> None:
        self.queue.put(("speech", None))

    def utterance(self, transcript: Transcript) -> None:
        self.queue.put(("utterance", transcript))

    def timeout(self) -> None:
        self.queue.put(("timeout", None))

    def until(self, kind: str) -> list[tuple[str, object]]:
        """Events up to and including the first of ``kind`` (fails after WAIT_S)."""
        seen = []
        while True:
            event = self.queue.get(timeout=WAIT_S)
            seen.append(event)
            if event[0] == kind:
                return seen


@pytest.fixture(scope="module")
def engines() -> FallbackRecognizer:
    sphinx = PocketsphinxRecognizer(ensure_language_model(PROJECT_ROOT, SETTINGS.lm_dir))
    return FallbackRecognizer(sphinx, WhisperRecognizer(), SETTINGS.min_confidence)


def make_listener(
    engines: FallbackRecognizer, settings: ListenSettings = SETTINGS
) -> tuple[Listener, ClipSource, Events, RecordingRecognizer]:
    source = ClipSource()
    events = Events()
    recognizer = RecordingRecognizer(engines)
    listener = Listener(
        source,
        settings,
        recognizer=recognizer,
        on_wake=events.wake,
        on_speech_start=events.speech,
        on_utterance=events.utterance,
        on_timeout=events.timeout,
    )
    return listener, source, events, recognizer


@pytest.fixture()
def running(
    engines: FallbackRecognizer,
) -> Iterator[tuple[Listener, ClipSource, Events, RecordingRecognizer]]:
    parts = make_listener(engines)
    parts[0].start()
    assert parts[0].ready.wait(WAIT_S) and parts[0].error is None
    yield parts
    parts[0].stop()
    assert parts[0].state is ListenerState.STOPPED


def spoken(text: str) -> str:
    return " ".join(normalise(text))


def test_strip_wake_phrase() -> None:
    assert strip_wake_phrase("Hey, Coach. How much time is left?", "hey coach") == (
        "How much time is left?"
    )
    assert strip_wake_phrase("hey coach", "hey coach") == ""
    assert strip_wake_phrase("hey coaching tips", "hey coach") == "hey coaching tips"
    assert strip_wake_phrase("pause", "hey coach") == "pause"
    # As whisper often writes it (a dropped h); but no other sound-alike.
    assert strip_wake_phrase("A coach. Pause.", "hey coach") == "Pause."
    assert strip_wake_phrase("They coach kids", "hey coach") == "They coach kids"
    assert strip_wake_phrase("We took a coach", "hey coach") == "We took a coach"


def test_wake_then_question_gives_a_transcript(
    running: tuple[Listener, ClipSource, Events, RecordingRecognizer],
) -> None:
    listener, source, events, _ = running
    stream = concat(
        synthesize("could you turn the music down a little", "piper"),
        1.2,
        synthesize("hey coach", "piper"),
        0.8,
        synthesize("how much time is left", "piper"),
        2.0,
    )
    source.feed(with_noise(stream, 25.0, seed=3))
    seen = events.until("utterance")
    kinds = [kind for kind, _ in seen]
    assert kinds[0] == "wake" and "speech" in kinds
    transcript = seen[-1][1]
    assert isinstance(transcript, Transcript)
    assert spoken(transcript.text) == "how much time is left"
    assert source.drained.wait(WAIT_S)
    assert listener.state is ListenerState.IDLE


def test_wake_phrase_and_question_in_one_breath(
    running: tuple[Listener, ClipSource, Events, RecordingRecognizer],
) -> None:
    _, source, events, recognizer = running
    stream = concat(
        synthesize("okay, let's meet at the cafe around noon", "piper"),
        1.2,
        synthesize("hey coach, i feel dizzy", "piper"),
        2.0,
    )
    source.feed(with_noise(stream, 25.0, seed=4))
    seen = events.until("utterance")
    assert seen[0][0] == "wake"
    transcript = seen[-1][1]
    assert isinstance(transcript, Transcript)
    assert spoken(transcript.text) == "i feel dizzy"
    # One utterance, wake phrase included then stripped: the clip recognised last holds it all.
    assert recognizer.clips[-1].duration_s >= max(clip.duration_s for clip in recognizer.clips)


def test_push_to_talk(
    running: tuple[Listener, ClipSource, Events, RecordingRecognizer],
) -> None:
    listener, source, events, _ = running
    listener.push_to_talk()
    source.feed(concat(0.5, synthesize("pause the workout", "piper"), 1.5))
    seen = events.until("utterance")
    assert "wake" not in [kind for kind, _ in seen]
    transcript = seen[-1][1]
    assert isinstance(transcript, Transcript)
    assert spoken(transcript.text) == "pause the workout"


def test_no_speech_after_push_to_talk_times_out(
    running: tuple[Listener, ClipSource, Events, RecordingRecognizer],
) -> None:
    listener, source, events, recognizer = running
    listener.push_to_talk()
    source.feed(with_noise(Clip.silence(3.0), 20.0, seed=1))
    seen = events.until("timeout")
    assert [kind for kind, _ in seen] == ["timeout"]
    assert recognizer.clips == []
    assert source.drained.wait(WAIT_S)
    assert listener.state is ListenerState.IDLE


def test_long_speech_is_cut_at_the_maximum_length(engines: FallbackRecognizer) -> None:
    settings = replace(SETTINGS, max_utterance_s=2.5)
    listener, source, events, recognizer = make_listener(engines, settings)
    listener.start()
    try:
        listener.push_to_talk()
        parts: list[Clip | float] = [0.5]
        for text in ("i walked backwards in the park", "then on the treadmill", "and my knees"):
            parts += [synthesize(text, "piper"), 0.1]
        source.feed(concat(*parts, 1.5))
        events.until("utterance")
        assert len(recognizer.clips) == 1
        assert recognizer.clips[0].duration_s <= 2.5 + 0.3 + 0.05
    finally:
        listener.stop()


def test_muted_listener_ignores_the_wake_phrase(
    running: tuple[Listener, ClipSource, Events, RecordingRecognizer],
) -> None:
    listener, source, events, _ = running
    warm_up = synthesize("could you turn the music down a little", "piper")
    wake = concat(warm_up, 1.2, synthesize("hey coach, stop the walk", "piper"), 2.0)
    listener.mute(True)
    assert listener.muted
    source.feed(with_noise(wake, 25.0, seed=5))
    assert source.drained.wait(WAIT_S)
    # Let the listener finish the last chunk it took: it reads again only when done.
    source.feed(Clip.silence(0.2))
    assert source.drained.wait(WAIT_S)
    assert events.queue.empty()
    listener.mute(False)
    source.feed(with_noise(wake, 25.0, seed=6))
    seen = events.until("utterance")
    transcript = seen[-1][1]
    assert isinstance(transcript, Transcript)
    assert spoken(transcript.text) == "stop the walk"


def test_start_twice_is_refused_and_stop_ends_the_thread(engines: FallbackRecognizer) -> None:
    listener, _, _, _ = make_listener(engines)
    listener.start()
    assert listener.ready.wait(WAIT_S)
    with pytest.raises(RuntimeError):
        listener.start()
    listener.stop()
    assert listener.state is ListenerState.STOPPED


@pytest.mark.parametrize("early_ms", [200, 0])
def test_recognition_starts_while_the_end_of_speech_is_awaited(
    engines: FallbackRecognizer, early_ms: int
) -> None:
    settings = replace(SETTINGS, end_silence_ms=600, early_decode_ms=early_ms)
    listener, source, events, recognizer = make_listener(engines, settings)
    listener.start()
    try:
        assert listener.ready.wait(WAIT_S)
        listener.push_to_talk()
        # The question and 400 ms of silence: a pause, not yet the end of the utterance.
        source.feed(concat(0.5, synthesize("should i warm up first", "piper"), 0.4))
        if early_ms:
            assert recognizer.called.wait(WAIT_S)  # recognising before the end is confirmed
        else:
            assert source.drained.wait(WAIT_S)
            source.feed(Clip.silence(0.1))  # the listener has handled the last chunk it took
            assert source.drained.wait(WAIT_S)
            assert not recognizer.called.is_set()
        assert events.queue.empty() or "utterance" not in [k for k, _ in events.queue.queue]
        source.feed(Clip.silence(1.0))
        transcript = events.until("utterance")[-1][1]
        assert isinstance(transcript, Transcript)
        assert spoken(transcript.text) == "should i warm up first"
        assert len(recognizer.clips) == 1  # the early result was used, not recomputed
    finally:
        listener.stop()


def test_speaking_on_after_a_pause_recognises_the_whole_utterance(
    engines: FallbackRecognizer,
) -> None:
    listener, source, events, recognizer = make_listener(engines)
    listener.start()
    try:
        listener.push_to_talk()
        first, rest = synthesize("how much time", "piper"), synthesize("is left", "piper")
        source.feed(concat(0.5, first, 0.4, rest, 1.5))
        transcript = events.until("utterance")[-1][1]
        assert isinstance(transcript, Transcript)
        assert spoken(transcript.text) == "how much time is left"
        assert len(recognizer.clips) >= 2  # the early guess at the pause was dropped
        assert recognizer.clips[-1].duration_s > first.duration_s + 0.4 + rest.duration_s
    finally:
        listener.stop()
