"""Playing clips: named channels (cue, answer, ...) mixed into one speaker stream.

Each channel is a FIFO queue of clips; channels play at the same time and are mixed. A channel
can be paused (it holds its position) and its gain changed (ducking); both changes are ramped
over one device block so they do not click.

:class:`SoundDevicePlayer` mixes in the callback of one explicit ``sounddevice.OutputStream``
(``sd.play()`` would share PortAudio's default stream with recording and stop it).
:class:`TextOnlyPlayer` has the same API and timing without a device: a playback starts and
finishes when it would have with sound, so the walk's timing logic is the same. When the
speaker fails mid-walk, :class:`SoundDevicePlayer` tells its ``on_error`` callback once and
carries on with the same clock-driven timing.

One concept (hence over 400 lines): playing clips on channels, with or without a device.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

import numpy as np

from voice.audio.clip import Clip
from voice.audio.devices import (
    NO_SPEAKER,
    SPEAKER_FAILED,
    AudioUnavailable,
    check_output,
    close_stream,
    load_sounddevice,
)
from voice.audio.settings import AudioSettings

LOG = logging.getLogger(__name__)

_Self = TypeVar("_Self", bound="Player")

CLOCK_TICK_S = 0.01
"""How often the device-less clock advances the channels (its timing resolution)."""

WATCHDOG_TICK_S = 0.25
"""How often :class:`SoundDevicePlayer` checks that its stream is alive."""


class Playback:
    """One queued clip: a handle to wait for or cancel it.

    Attributes:
        channel: The channel it was queued on.
        duration_s: Length of the clip.
        started: Set when its first sample was handed to the device (or the clock).
        done: Set when it finished, was cancelled, or the player closed.
        started_at: ``time.monotonic()`` when its first sample was handed to the device
            (to the clock without a device); None until then.
        finished_at: ``time.monotonic()`` when its last sample was handed over, or when it was
            cancelled; None until then.
        cancelled: True if it was cancelled (or dropped by ``clear``/``close``) before its end.
    """

    def __init__(
        self, channel: str, duration_s: float, canceller: Callable[[Playback], None]
    ) -> None:
        self.channel = channel
        self.duration_s = duration_s
        self.started = threading.Event()
        self.done = threading.Event()
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.cancelled = False
        self._canceller = canceller

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done; False if ``timeout`` seconds passed first."""
        return self.done.wait(timeout)

    def cancel(self) -> None:
        """Stop it (or drop it from its queue). No effect once done."""
        self._canceller(self)

    def _mark_started(self, at: float) -> None:
        if self.started_at is None:
            self.started_at = at
            self.started.set()

    def _mark_finished(self, at: float, cancelled: bool = False) -> None:
        if self.done.is_set():
            return
        self.cancelled = cancelled
        self.finished_at = at
        self.done.set()

    def __repr__(self) -> str:
        state = "cancelled" if self.cancelled else "done" if self.done.is_set() else "pending"
        return f"Playback({self.channel!r}, {self.duration_s:.2f} s, {state})"


class Player(ABC):
    """Plays clips on named channels; every method is thread-safe and returns at once."""

    @abstractmethod
    def play(self, clip: Clip, channel: str = "cue") -> Playback:
        """Queue ``clip`` at the end of ``channel`` (FIFO); channels are mixed."""

    @abstractmethod
    def pause_channel(self, name: str) -> None:
        """Silence a channel, holding its position (queued clips wait)."""

    @abstractmethod
    def resume_channel(self, name: str) -> None:
        """Continue a paused channel from where it stopped."""

    @abstractmethod
    def set_gain(self, name: str, gain: float) -> None:
        """Set a channel's volume (1 = as recorded, 0.25 = ducked, 0 = muted but running)."""

    @abstractmethod
    def clear(self, channel: str | None = None) -> None:
        """Cancel the playing and queued clips of one channel, or of all channels."""

    @abstractmethod
    def idle(self, channel: str | None = None) -> bool:
        """True when nothing is playing or queued (on ``channel``, or on any channel)."""

    @abstractmethod
    def close(self) -> None:
        """Stop playing, release the device and cancel whatever is still queued."""

    @property
    def output_latency_s(self) -> float:
        """Seconds from a sample being handed over to it being heard (0 without a device)."""
        return 0.0

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(eq=False)
class _Item:
    playback: Playback
    samples: np.ndarray | None  # at the mixer rate; None when only timing matters
    length: int  # in frames at the mixer rate
    pos: int = 0


@dataclass(eq=False)
class _Channel:
    queue: deque[_Item] = field(default_factory=deque)
    paused: bool = False
    gain: float = 1.0
    applied: float = 1.0  # effective gain at the end of the last rendered block


class _Mixer:
    """Channel queues, advanced block by block by a device callback or a clock."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.lock = threading.Lock()
        self.channels: dict[str, _Channel] = {}

    def _channel(self, name: str) -> _Channel:
        channel = self.channels.get(name)
        if channel is None:
            channel = self.channels[name] = _Channel()
        return channel

    def add(self, name: str, item: _Item) -> None:
        with self.lock:
            self._channel(name).queue.append(item)

    def pause(self, name: str, paused: bool) -> None:
        with self.lock:
            self._channel(name).paused = paused

    def set_gain(self, name: str, gain: float) -> None:
        if not gain >= 0.0:
            raise ValueError(f"gain must be >= 0, got {gain}")
        with self.lock:
            self._channel(name).gain = float(gain)

    def cancel(self, playback: Playback) -> None:
        with self.lock:
            channel = self.channels.get(playback.channel)
            if channel is not None:
                for item in list(channel.queue):
                    if item.playback is playback:
                        channel.queue.remove(item)
            playback._mark_finished(time.monotonic(), cancelled=True)

    def clear(self, name: str | None = None) -> None:
        with self.lock:
            names = list(self.channels) if name is None else [name]
            now = time.monotonic()
            for key in names:
                channel = self.channels.get(key)
                while channel is not None and channel.queue:
                    channel.queue.popleft().playback._mark_finished(now, cancelled=True)

    def idle(self, name: str | None = None) -> bool:
        with self.lock:
            if name is not None:
                channel = self.channels.get(name)
                return channel is None or not channel.queue
            return not any(channel.queue for channel in self.channels.values())

    def running(self) -> bool:
        """True when some unpaused channel has audio (the clock must keep ticking)."""
        with self.lock:
            return any(c.queue and not c.paused for c in self.channels.values())

    def render(self, frames: int, now: float, out: np.ndarray | None) -> None:
        """Advance every channel by ``frames``, adding their audio into ``out`` if given.

        Args:
            frames: Block length.
            now: ``time.monotonic()`` of the block's first frame.
            out: Zeroed float32 buffer of ``frames`` samples, or None to advance time only.
        """
        with self.lock:
            for channel in self.channels.values():
                self._render_channel(channel, frames, now, out)
        if out is not None:
            np.clip(out, -1.0, 1.0, out=out)

    def _render_channel(
        self, channel: _Channel, frames: int, now: float, out: np.ndarray | None
    ) -> None:
        target = 0.0 if channel.paused else channel.gain
        start = channel.applied
        channel.applied = target
        if not channel.queue or (channel.paused and start == 0.0):
            return  # nothing to play, or paused and already faded out: hold the position
        buffer = np.zeros(frames, dtype=np.float32) if out is not None else None
        offset = 0
        while offset < frames and channel.queue:
            item = channel.queue[0]
            item.playback._mark_started(now + offset / self.rate)
            count = min(frames - offset, item.length - item.pos)
            if buffer is not None and item.samples is not None:
                buffer[offset : offset + count] = item.samples[item.pos : item.pos + count]
            item.pos += count
            offset += count
            if item.pos >= item.length:
                channel.queue.popleft()
                item.playback._mark_finished(now + offset / self.rate)
        if out is None or buffer is None:
            return
        if start == target:
            if target != 0.0:
                out[:offset] += buffer[:offset] * np.float32(target)
        else:  # ramp over the block: no click when pausing, resuming or ducking
            ramp = np.linspace(start, target, frames, dtype=np.float32)
            out[:offset] += buffer[:offset] * ramp[:offset]


class _Clock:
    """Advances a mixer in real time without a device (text-only timing)."""

    def __init__(self, mixer: _Mixer, tick_s: float = CLOCK_TICK_S) -> None:
        self._mixer = mixer
        self._tick_s = tick_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audio-clock", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """Call after queueing or resuming, so an idle clock starts ticking."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=1.0)

    def _run(self) -> None:
        last = time.monotonic()
        pending = 0.0
        while not self._stop.is_set():
            self._wake.clear()
            if not self._mixer.running():
                self._wake.wait()  # woken by play/resume/stop
                last, pending = time.monotonic(), 0.0
                continue
            self._stop.wait(self._tick_s)
            now = time.monotonic()
            pending += (now - last) * self._mixer.rate
            frames = int(pending)
            pending -= frames
            self._mixer.render(frames, last, None)
            last = now


class _MixingPlayer(Player):
    """The channel logic shared by the device player and the text-only player."""

    def __init__(self, rate: int) -> None:
        self._mixer = _Mixer(rate)
        self._closed = False
        self._clock: _Clock | None = None

    def _needs_samples(self) -> bool:
        return False

    def play(self, clip: Clip, channel: str = "cue") -> Playback:
        """Queue ``clip`` at the end of ``channel`` (see :class:`Player`)."""
        if self._closed:
            raise RuntimeError("the player is closed")
        playback = Playback(channel, clip.duration_s, self._mixer.cancel)
        rate = self._mixer.rate
        if self._needs_samples():
            samples: np.ndarray | None = clip.resampled(rate).samples
            length = len(samples) if samples is not None else 0
        else:
            samples, length = None, round(clip.duration_s * rate)
        self._mixer.add(channel, _Item(playback, samples, length))
        self._wake_clock()
        return playback

    def _wake_clock(self) -> None:
        if self._clock is not None:
            self._clock.wake()

    def pause_channel(self, name: str) -> None:
        """Silence ``name`` and hold its position."""
        self._mixer.pause(name, True)

    def resume_channel(self, name: str) -> None:
        """Continue ``name`` from where it was paused."""
        self._mixer.pause(name, False)
        self._wake_clock()

    def set_gain(self, name: str, gain: float) -> None:
        """Set the volume of ``name`` (ramped over one block)."""
        self._mixer.set_gain(name, gain)

    def clear(self, channel: str | None = None) -> None:
        """Cancel what is playing and queued on ``channel`` (all channels if None)."""
        self._mixer.clear(channel)

    def idle(self, channel: str | None = None) -> bool:
        """True when nothing is playing or queued."""
        return self._mixer.idle(channel)

    def close(self) -> None:
        """Stop the clock and cancel everything still queued."""
        self._closed = True
        if self._clock is not None:
            self._clock.stop()
        self._mixer.clear()


class TextOnlyPlayer(_MixingPlayer):
    """A player without sound: playbacks take as long as the clip would, or no time at all.

    Args:
        immediate: Finish every playback as soon as it is queued (for tests and demos).
        rate: Clock resolution in frames per second.
    """

    def __init__(self, immediate: bool = False, rate: int = 1000) -> None:
        super().__init__(rate)
        self.immediate = immediate
        if not immediate:
            self._clock = _Clock(self._mixer)
            self._clock.start()

    def play(self, clip: Clip, channel: str = "cue") -> Playback:
        """Queue ``clip``; it completes after ``clip.duration_s`` (at once if immediate)."""
        if not self.immediate:
            return super().play(clip, channel)
        if self._closed:
            raise RuntimeError("the player is closed")
        playback = Playback(channel, clip.duration_s, self._mixer.cancel)
        now = time.monotonic()
        playback._mark_started(now)
        playback._mark_finished(now)
        return playback


class SoundDevicePlayer(_MixingPlayer):
    """Plays through one explicit ``sounddevice.OutputStream`` whose callback mixes channels.

    Clips are resampled to the stream rate when queued. Underflows and callback errors are
    counted (see :attr:`stats`), never raised in the callback. If the stream stops or stalls
    for ``settings.stall_timeout_s``, ``on_error`` is called once with a message for the
    walker and the player continues with text-only timing.

    Args:
        settings: Which speaker, at what rate and latency.
        on_error: Called once, from a background thread, if the speaker fails later.

    Raises:
        AudioUnavailable: No speaker, or it cannot be opened.
    """

    def __init__(
        self,
        settings: AudioSettings | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        settings = settings or AudioSettings()
        info = check_output(settings)
        super().__init__(info.rate)
        self.device_name = info.name
        self._settings = settings
        self._on_error = on_error
        self._state_lock = threading.Lock()
        self._failed = False
        self._stream_ended = threading.Event()
        self._closing = threading.Event()
        self._counters = {"callbacks": 0, "underflows": 0, "callback_errors": 0}
        self._last_callback = time.monotonic()
        self._abort: threading.Thread | None = None
        sd = load_sounddevice()
        try:
            self._stream = sd.OutputStream(
                device=info.index,
                samplerate=info.rate,
                channels=info.channels,
                dtype="float32",
                latency=settings.latency,
                callback=self._callback,
                finished_callback=self._stream_ended.set,
            )
        except (sd.PortAudioError, ValueError) as error:
            raise AudioUnavailable(NO_SPEAKER, f"cannot open {info.name}: {error}") from error
        try:
            self._stream.start()
        except sd.PortAudioError as error:
            self._closing.set()
            close_stream(self._stream, abort=True)
            raise AudioUnavailable(NO_SPEAKER, f"cannot start {info.name}: {error}") from error
        self._latency = float(self._stream.latency)
        self._watchdog = threading.Thread(target=self._watch, name="audio-watchdog", daemon=True)
        self._watchdog.start()

    @property
    def rate(self) -> int:
        """The stream's sample rate."""
        return self._mixer.rate

    @property
    def failed(self) -> bool:
        """True once the speaker failed and the player went text-only."""
        return self._failed

    @property
    def output_latency_s(self) -> float:
        """The output latency PortAudio reports for the stream."""
        return self._latency

    @property
    def stats(self) -> dict[str, Any]:
        """Callback count, underflows, callback errors and whether the device failed."""
        return {**self._counters, "failed": self._failed}

    def _needs_samples(self) -> bool:
        return not self._failed

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        now = time.monotonic()
        self._last_callback = now
        self._counters["callbacks"] += 1
        if status.output_underflow:
            self._counters["underflows"] += 1
        if self._failed:
            outdata.fill(0)
            return
        try:
            mono = np.zeros(frames, dtype=np.float32)
            self._mixer.render(frames, now, mono)
            outdata[:] = mono[:, np.newaxis]
        except Exception:  # never let an error escape into PortAudio's thread
            self._counters["callback_errors"] += 1
            outdata.fill(0)

    def _watch(self) -> None:
        while not self._closing.is_set():
            if self._stream_ended.wait(WATCHDOG_TICK_S):
                if not self._closing.is_set():
                    self._fail("the output stream stopped")
                return
            silent_for = time.monotonic() - self._last_callback
            if silent_for > self._settings.stall_timeout_s:
                self._fail(f"no audio requested for {silent_for:.1f} s")
                return

    def _fail(self, reason: str) -> None:
        with self._state_lock:
            if self._failed or self._closing.is_set():
                return
            self._failed = True
        LOG.warning("speaker %s failed (%s): continuing with text only", self.device_name, reason)
        self._clock = _Clock(self._mixer)
        self._clock.start()
        self._clock.wake()
        self._abort = threading.Thread(
            target=close_stream, args=(self._stream, True), name="audio-abort", daemon=True
        )
        self._abort.start()
        if self._on_error is not None:
            try:
                self._on_error(SPEAKER_FAILED)
            except Exception:
                LOG.exception("on_error callback failed")

    def close(self) -> None:
        """Stop the stream, release the device and cancel whatever is still queued."""
        with self._state_lock:
            if self._closing.is_set():
                return
            self._closing.set()
        if not self._failed:
            close_stream(self._stream)
        elif self._abort is not None:
            self._abort.join(timeout=2.0)  # a hung device may never let go: do not wait more
        if self._watchdog is not threading.current_thread():
            self._watchdog.join(timeout=1.0)
        super().close()
