"""The listener: wake phrase or push-to-talk, then capture one utterance and transcribe it.

A background thread reads 16 kHz float32 chunks from any source with
``read(timeout) -> np.ndarray | None`` (``voice.audio.microphone.Microphone`` or a test
source) and moves through the states::

    IDLE --(wake phrase | push_to_talk())--> CAPTURING --(end of speech)--> TRANSCRIBING --> IDLE
                                              |--(no speech within no_speech_timeout_s)--> IDLE

After the wake phrase, capture starts at the phrase's own speech onset, so "hey coach, how much
time is left" said in one breath is one utterance; the wake phrase is stripped from the
transcript. If nothing but the wake phrase was said, the listener keeps capturing for the
question (until ``no_speech_timeout_s``).

Callbacks run in the listener thread and must return quickly (hand work to another thread):
``on_wake()``, ``on_speech_start()`` (duck cues now), ``on_utterance(Transcript)``,
``on_timeout()``. Timing counts samples, so a source faster than real time behaves like a live
microphone.

Early decoding: when the walker pauses (``early_decode_ms`` of silence), the utterance so far
is handed to a recognition thread at once; when the end-pointer then confirms the end
(``end_silence_ms``) with nothing said after the pause, that result is used, so most of the
recogniser's time is spent while the end-pointer is still waiting. If the walker spoke on, the
early result is dropped and the whole utterance is recognised.

Muting: while ``mute(True)``, input is read and discarded (a capture in progress is abandoned).
Use it while the coach's voice plays through a loudspeaker the microphone can hear; with
headphones (the coach's voice on a separate sink the microphone does not pick up) it is not
needed, and leaving the listener unmuted lets the walker interrupt with the wake phrase.
"""

from __future__ import annotations

import enum
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

import numpy as np

from voice.audio.clip import Clip
from voice.listen.endpointer import Endpointer
from voice.listen.recognizer import FallbackRecognizer, Recognizer, Transcript
from voice.listen.settings import ListenSettings
from voice.listen.vad import SileroVad, Vad
from voice.listen.wake import WakeWordDetector, phrase_at

LOG = logging.getLogger(__name__)

RATE = 16000
READ_TIMEOUT_S = 0.1
HISTORY_S = 4.0


class AudioSource(Protocol):
    """Anything that gives 16 kHz mono float32 chunks."""

    def read(self, timeout: float) -> np.ndarray | None:
        """The next chunk, or None when none arrived within ``timeout`` seconds."""


class ListenerState(str, enum.Enum):
    """What the listener is doing."""

    IDLE = "idle"
    CAPTURING = "capturing"
    TRANSCRIBING = "transcribing"
    STOPPED = "stopped"


def strip_wake_phrase(text: str, phrase: str) -> str:
    """``text`` without a leading wake phrase ("Hey, Coach. How much..." -> "How much...").

    The phrase is recognised as the wake detector's verification hears it
    (:func:`voice.listen.wake.phrase_at`): "A coach. Pause." -> "Pause.".
    """
    words = phrase.lower().split()
    if not words:
        return text.strip()
    opening = re.match(
        r"^\W*" + r"\W+".join([r"([\w']+)"] * len(words)) + r"\b[\s,.!?:;-]*", text.strip()
    )
    if opening is None or not phrase_at([w.lower() for w in opening.groups()], words):
        return text.strip()
    return text.strip()[opening.end() :].strip()


class Listener:
    """Background listening loop (see the module docstring)."""

    def __init__(
        self,
        source: AudioSource,
        settings: ListenSettings | None = None,
        *,
        recognizer: Recognizer | None = None,
        wake: WakeWordDetector | None = None,
        vad: Vad | None = None,
        on_wake: Callable[[], None] | None = None,
        on_speech_start: Callable[[], None] | None = None,
        on_utterance: Callable[[Transcript], None] | None = None,
        on_timeout: Callable[[], None] | None = None,
    ) -> None:
        """Create a listener (nothing is loaded or started yet).

        Args:
            source: Audio source with ``read(timeout)``, already started (the listener only
                reads from it).
            settings: Listen settings (default: ``ListenSettings.from_env()``).
            recognizer: Speech recogniser (default: ``build_recognizer(settings)``).
            wake: Wake detector (default: ``build_wake_detector`` verifying with the
                recogniser's own engines).
            vad: VAD for end-pointing (default: Silero).
            on_wake: Called when the wake phrase is heard.
            on_speech_start: Called when the walker starts speaking during a capture.
            on_utterance: Called with each transcript (wake phrase stripped).
            on_timeout: Called when no speech follows the wake phrase / push-to-talk.
        """
        self.settings = settings or ListenSettings.from_env()
        self.source = source
        self.recognizer = recognizer
        self.wake = wake
        self.vad = vad
        self.on_wake = on_wake
        self.on_speech_start = on_speech_start
        self.on_utterance = on_utterance
        self.on_timeout = on_timeout
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self._state = ListenerState.IDLE
        self._stop = threading.Event()
        self._muted = threading.Event()
        self._push = threading.Event()
        self._thread: threading.Thread | None = None
        self._endpointer: Endpointer | None = None
        self._decoder_pool: ThreadPoolExecutor | None = None
        self._early: tuple[float, Future[Transcript]] | None = None  # (speech_end_s, job)
        # Capture bookkeeping (listener thread only).
        self._history = np.zeros(0, dtype=np.float32)
        self._position = 0  # samples read since start
        self._wake_origin = 0  # stream position where the wake detector was last reset
        self._wake_stale = False  # the wake detector missed audio (muted) and needs a reset
        self._capture_samples = 0
        self._capture_heard_speech = False
        self._after_wake = False

    # -- public API -----------------------------------------------------------------------

    @property
    def state(self) -> ListenerState:
        """Current state."""
        return self._state

    def start(self) -> None:
        """Start the background thread (returns at once; ``ready`` is set once loaded)."""
        if self._thread is not None:
            raise RuntimeError("listener already started")
        self._thread = threading.Thread(target=self._run, name="listener", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and wait for it (at most ``timeout`` seconds)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._decoder_pool is not None:
            self._decoder_pool.shutdown(wait=False, cancel_futures=True)

    def push_to_talk(self) -> None:
        """Start capturing an utterance now, as if the wake phrase had been heard."""
        self._push.set()

    def mute(self, muted: bool) -> None:
        """Ignore (read and discard) input while ``muted``."""
        if muted:
            self._muted.set()
        else:
            self._muted.clear()

    @property
    def muted(self) -> bool:
        """Whether input is being ignored."""
        return self._muted.is_set()

    # -- set-up ---------------------------------------------------------------------------

    def _load(self) -> None:
        from voice.listen.factory import build_recognizer
        from voice.listen.wake import build_wake_detector

        if self.recognizer is None:
            self.recognizer = build_recognizer(self.settings)
        if self.wake is None:
            # Share the recogniser's engines with the wake verification.
            parts = (
                [self.recognizer.primary, self.recognizer.fallback]
                if isinstance(self.recognizer, FallbackRecognizer)
                else [self.recognizer]
            )
            verifiers = [part for part in parts if part.name == "pocketsphinx"]
            verifiers += [part for part in parts if part.name == "whisper"]
            if not any(part.name == "pocketsphinx" for part in verifiers):
                self.wake = build_wake_detector(self.settings)
            else:
                self.wake = build_wake_detector(self.settings, verifiers)
        if self.vad is None:
            self.vad = SileroVad(self.settings.vad_threshold)
        self._endpointer = Endpointer(
            self.vad, self.settings, on_speech_start=self._speech_started, on_pause=self._paused
        )
        self._decoder_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recognizer")
        self.wake.warm_up()
        self.recognizer.warm_up()

    # -- loop -----------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._load()
        except BaseException as error:
            LOG.exception("listener failed to load")
            self.error = error
            self._state = ListenerState.STOPPED
            self.ready.set()
            return
        self.ready.set()
        try:
            while not self._stop.is_set():
                chunk = self.source.read(READ_TIMEOUT_S)
                if self._push.is_set() and not self._muted.is_set():
                    self._push.clear()
                    self._begin_capture(after_wake=False, since=None)
                if chunk is None:
                    continue
                self._step(np.asarray(chunk, dtype=np.float32).reshape(-1))
        except BaseException as error:
            LOG.exception("listener stopped by an error")
            self.error = error
        finally:
            self._state = ListenerState.STOPPED

    def _step(self, chunk: np.ndarray) -> None:
        chunk_start = self._position
        self._position += len(chunk)
        self._history = np.concatenate([self._history, chunk])[-round(HISTORY_S * RATE) :]
        if self._muted.is_set():
            if self._state is ListenerState.CAPTURING:
                self._go_idle()
            self._wake_stale = True
            return
        if self._state is ListenerState.IDLE:
            assert self.wake is not None
            if self._wake_stale:
                self.wake.reset()
                self._wake_origin = chunk_start
                self._wake_stale = False
            if self.wake.process(chunk):
                onset = self.wake.last_onset_sample
                since = None if onset is None else self._wake_origin + onset
                self._call(self.on_wake)
                self._begin_capture(after_wake=True, since=since)
            return
        if self._state is ListenerState.CAPTURING:
            self._capture(chunk)

    def _begin_capture(self, *, after_wake: bool, since: int | None) -> None:
        """Enter CAPTURING; with ``since``, replay the history from that stream position."""
        assert self._endpointer is not None
        self._endpointer.reset()
        self._early = None
        self._state = ListenerState.CAPTURING
        self._after_wake = after_wake
        self._capture_samples = 0
        self._capture_heard_speech = False
        if since is not None:
            pre_roll = round(self.settings.pre_roll_ms * RATE / 1000)
            first = self._position - len(self._history)
            start = max(since - pre_roll, first)
            self._capture(self._history[start - first :])

    def _speech_started(self) -> None:
        self._capture_heard_speech = True
        self._call(self.on_speech_start)

    def _capture(self, chunk: np.ndarray) -> None:
        assert self._endpointer is not None
        self._capture_samples += len(chunk)
        clip = self._endpointer.push(chunk)
        if clip is not None:
            self._transcribe(clip)
            return
        if (
            not self._capture_heard_speech
            and self._capture_samples >= self.settings.no_speech_timeout_s * RATE
        ):
            self._go_idle()
            self._call(self.on_timeout)

    def _recognize_later(self, clip: Clip) -> Future[Transcript]:
        assert self.recognizer is not None and self._decoder_pool is not None
        return self._decoder_pool.submit(self.recognizer.transcribe, clip)

    def _paused(self, clip: Clip, speech_end_s: float) -> None:
        """The walker paused: start recognising the utterance so far."""
        self._early = (speech_end_s, self._recognize_later(clip))

    def _transcribe(self, clip: Clip) -> None:
        assert self._endpointer is not None
        self._state = ListenerState.TRANSCRIBING
        timing = self._endpointer.last_timing
        early, self._early = self._early, None
        if early is not None and timing is not None and early[0] == timing.speech_end_s:
            transcript = early[1].result()  # nothing was said after the pause
        else:
            transcript = self._recognize_later(clip).result()
        if self._after_wake:
            text = strip_wake_phrase(transcript.text, self.settings.wake_phrase)
            if not text:
                # Only the wake phrase: keep listening for the question.
                self._begin_capture(after_wake=False, since=None)
                return
            transcript = Transcript(
                text,
                transcript.confidence,
                transcript.engine,
                transcript.seconds,
                transcript.rejected,
            )
        self._go_idle()
        self._call(self.on_utterance, transcript)

    def _go_idle(self) -> None:
        self._state = ListenerState.IDLE
        self._early = None
        if self._endpointer is not None:
            self._endpointer.reset()
        if self.wake is not None:
            self.wake.reset()
            self._wake_origin = self._position

    @staticmethod
    def _call(callback: Callable[..., None] | None, *args: object) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            LOG.exception("listener callback %r failed", callback)
