"""Recording: fixed-size float32 mono chunks at the recogniser's rate, from a bounded queue.

:class:`SoundDeviceMicrophone` records with one explicit ``sounddevice.InputStream`` (never
``sd.rec()``, which shares PortAudio's default stream with ``sd.play()``). Its callback only
converts, re-chunks and queues; when the reader falls behind, the oldest chunks are dropped and
counted.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

import numpy as np

from voice.audio.devices import (
    MICROPHONE_FAILED,
    NO_MICROPHONE,
    AudioUnavailable,
    check_input,
    close_stream,
    load_sounddevice,
)
from voice.audio.settings import AudioSettings

LOG = logging.getLogger(__name__)

_Self = TypeVar("_Self", bound="Microphone")

ANTI_ALIAS_TAPS = 63
"""Length of the low-pass filter applied before downsampling."""


class Microphone(ABC):
    """A source of float32 mono chunks of ``chunk_samples`` samples at ``rate`` Hz."""

    rate: int
    chunk_samples: int

    @abstractmethod
    def start(self) -> None:
        """Start recording (chunks queue up until read)."""

    @abstractmethod
    def stop(self) -> None:
        """Stop recording and release the device; queued chunks stay readable."""

    @abstractmethod
    def read(self, timeout: float) -> np.ndarray | None:
        """The next chunk, or None if none arrived within ``timeout`` seconds."""

    @abstractmethod
    def flush(self) -> None:
        """Drop every queued chunk (e.g. the coach's own voice picked up while it spoke)."""

    def __enter__(self: _Self) -> _Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def lowpass_taps(cutoff_hz: float, rate: int, taps: int = ANTI_ALIAS_TAPS) -> np.ndarray:
    """A windowed-sinc low-pass FIR filter (Hamming window, unity gain at 0 Hz)."""
    n = np.arange(taps) - (taps - 1) / 2
    h = np.sinc(2 * cutoff_hz / rate * n) * np.hamming(taps)
    return (h / h.sum()).astype(np.float32)


class StreamResampler:
    """Resamples a stream block by block (low-pass when downsampling, then linear)."""

    def __init__(self, source_rate: int, target_rate: int) -> None:
        self.step = source_rate / target_rate
        self._taps = (
            lowpass_taps(0.45 * target_rate, source_rate) if target_rate < source_rate else None
        )
        self._history = np.zeros(0 if self._taps is None else len(self._taps) - 1, np.float32)
        self._tail = np.zeros(0, np.float32)  # last input sample of the previous block
        self._position = 0.0  # next output position, in input samples from the tail

    def process(self, block: np.ndarray) -> np.ndarray:
        """Resample the next block of the stream."""
        block = np.asarray(block, dtype=np.float32)
        if self._taps is not None:
            joined = np.concatenate([self._history, block])
            self._history = joined[len(joined) - len(self._history) :]
            block = np.convolve(joined, self._taps, mode="valid").astype(np.float32)
        buffer = np.concatenate([self._tail, block])
        last = len(buffer) - 1
        if last < self._position:
            self._tail = buffer[-1:]
            self._position -= len(buffer) - len(self._tail)
            return np.zeros(0, np.float32)
        count = int((last - self._position) // self.step) + 1
        positions = self._position + self.step * np.arange(count)
        out = np.interp(positions, np.arange(len(buffer)), buffer).astype(np.float32)
        self._position = positions[-1] + self.step - last
        self._tail = buffer[-1:]
        return out


class SoundDeviceMicrophone(Microphone):
    """A microphone through an explicit ``sounddevice.InputStream``.

    The device is opened at ``mic_rate`` when it accepts it, else at its own rate and
    resampled. Overflows reported by PortAudio and chunks dropped because the queue was full
    are counted in :attr:`stats`.

    Args:
        settings: Which microphone, the chunk size and rate, and the queue bound.
        on_error: Called once, from a background thread, if the microphone stops by itself.

    Raises:
        AudioUnavailable: No microphone, or it cannot be opened.
    """

    def __init__(
        self,
        settings: AudioSettings | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        settings = settings or AudioSettings()
        info = check_input(settings)
        self.rate = settings.mic_rate
        self.chunk_samples = settings.chunk_samples
        self.device_name = info.name
        self.device_rate = info.rate
        self._on_error = on_error
        self._stall_timeout_s = settings.stall_timeout_s
        self._last_callback = time.monotonic()
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=settings.mic_queue_chunks)
        self._resampler = StreamResampler(info.rate, self.rate) if info.rate != self.rate else None
        self._pending = np.zeros(0, np.float32)
        self._counters = {"chunks": 0, "dropped_chunks": 0, "overflows": 0, "callback_errors": 0}
        self._running = False
        self._failed = False
        self._lock = threading.Lock()
        sd = load_sounddevice("input")
        try:
            self._stream = sd.InputStream(
                device=info.index,
                samplerate=info.rate,
                channels=1,
                dtype="float32",
                blocksize=max(1, round(self.chunk_samples * info.rate / self.rate)),
                latency=settings.latency,
                callback=self._callback,
                finished_callback=self._stream_finished,
            )
        except (sd.PortAudioError, ValueError) as error:
            raise AudioUnavailable(NO_MICROPHONE, f"cannot open {info.name}: {error}") from error

    @property
    def stats(self) -> dict[str, Any]:
        """Chunks delivered, chunks dropped, device overflows, and whether it failed."""
        return {**self._counters, "failed": self._failed}

    @property
    def failed(self) -> bool:
        """True once the microphone stopped by itself."""
        return self._failed

    def start(self) -> None:
        """Start recording."""
        with self._lock:
            if self._running:
                return
            self._running = True
            self._last_callback = time.monotonic()
            try:
                self._stream.start()
            except Exception as error:
                self._running = False
                raise AudioUnavailable(NO_MICROPHONE, f"cannot start: {error}") from error

    def stop(self) -> None:
        """Stop recording and close the device (a stopped microphone cannot restart)."""
        with self._lock:
            self._running = False
        close_stream(self._stream, abort=self._failed)

    def read(self, timeout: float) -> np.ndarray | None:
        """The next chunk, or None after ``timeout`` seconds (at once once failed).

        A running microphone that delivered nothing for ``stall_timeout_s`` is declared failed
        here (``on_error`` is called).
        """
        try:
            if self._failed:
                return self._queue.get_nowait()
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            silent_for = time.monotonic() - self._last_callback
            if self._running and silent_for > self._stall_timeout_s:
                self._fail(f"no audio for {silent_for:.1f} s")
            return None

    def flush(self) -> None:
        """Drop every queued chunk."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        self._last_callback = time.monotonic()
        if status.input_overflow:
            self._counters["overflows"] += 1
        try:
            samples = indata[:, 0].astype(np.float32)  # a copy: PortAudio reuses indata
            if self._resampler is not None:
                samples = self._resampler.process(samples)
            pending = np.concatenate([self._pending, samples])
            size = self.chunk_samples
            whole = len(pending) // size * size
            for start in range(0, whole, size):
                self._put(pending[start : start + size])
            self._pending = pending[whole:]
        except Exception:  # never let an error escape into PortAudio's thread
            self._counters["callback_errors"] += 1

    def _put(self, chunk: np.ndarray) -> None:
        self._counters["chunks"] += 1
        while True:
            try:
                self._queue.put_nowait(chunk)
                return
            except queue.Full:
                try:
                    self._queue.get_nowait()
                    self._counters["dropped_chunks"] += 1
                except queue.Empty:
                    pass

    def _stream_finished(self) -> None:
        if self._running:  # not stopped by us
            self._fail("the input stream stopped")

    def _fail(self, reason: str) -> None:
        with self._lock:
            if self._failed:
                return
            self._failed = True
        LOG.warning("microphone %s failed (%s)", self.device_name, reason)
        if self._on_error is not None:
            threading.Thread(target=self._report, name="mic-error", daemon=True).start()

    def _report(self) -> None:
        assert self._on_error is not None
        try:
            self._on_error(MICROPHONE_FAILED)
        except Exception:
            LOG.exception("on_error callback failed")
