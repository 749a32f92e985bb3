"""End-pointing: cut one utterance out of an audio stream with a VAD.

Audio is pushed in chunks of any size; the VAD looks at it frame by frame. Speech starts at the
first frame at or above the VAD threshold; it continues through frames at or above the
threshold minus ``HYSTERESIS`` (Silero's own recommendation, so soft word endings do not cut the
utterance), and ends once ``end_silence_ms`` of non-speech follows it, or when the utterance
reaches ``max_utterance_s``. The returned clip starts ``pre_roll_ms`` before the first speech
frame and ends after the trailing silence. Bursts shorter than ``MIN_SPEECH_MS`` (a click, a
cough) are dropped.

Early decoding: once ``early_decode_ms`` of silence follows speech (before ``end_silence_ms``
is reached), ``on_pause(clip, speech_end_s)`` offers the utterance so far (its trailing
silence repeated up to ``end_silence_ms``, as the final clip will have), so recognition can
start while the end-pointer still waits to be sure the walker has finished. When the utterance
then ends with the same ``speech_end_s`` (``last_timing.speech_end_s``), nothing was said after
the pause and the early result stands; if speech resumed, it is stale.

Timing is counted in samples, not wall-clock time, so a stream read faster than real time
(a file, a test) is end-pointed exactly as a live microphone would be.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from voice.audio.clip import Clip
from voice.listen.settings import ListenSettings
from voice.listen.vad import Vad

# Below the start threshold by this much still counts as speech once speech has started.
HYSTERESIS = 0.15
# Speech shorter than this is discarded as noise.
MIN_SPEECH_MS = 90


@dataclass(frozen=True)
class UtteranceTiming:
    """Where the last utterance lies in the stream (seconds since the end-pointer's reset).

    Attributes:
        start_s: First speech frame.
        speech_end_s: End of the last speech frame (the detected end of speech).
        clip_start_s: Start of the returned clip (start minus pre-roll).
        clip_end_s: End of the returned clip.
        truncated: True when cut at ``max_utterance_s``, not by silence.
    """

    start_s: float
    speech_end_s: float
    clip_start_s: float
    clip_end_s: float
    truncated: bool


class Endpointer:
    """Finds complete utterances in a pushed stream of 16 kHz float32 audio.

    Attributes:
        speech_started: True from the first speech frame of an utterance until it is returned
            (or dropped) - the moment to duck cues.
        last_timing: Timing of the last returned utterance (None before the first).
    """

    def __init__(
        self,
        vad: Vad,
        settings: ListenSettings | None = None,
        on_speech_start: Callable[[], None] | None = None,
        on_pause: Callable[[Clip, float], None] | None = None,
    ) -> None:
        """Create an end-pointer.

        Args:
            vad: Frame-level speech detector (its ``threshold`` is replaced by
                ``settings.vad_threshold``).
            settings: Thresholds, end silence, maximum length, pre-roll, early decoding.
            on_speech_start: Called (in the pushing thread) when speech starts.
            on_pause: Called (in the pushing thread) with the utterance so far and its
                ``speech_end_s`` after ``early_decode_ms`` of silence (see the module docstring).
        """
        self.settings = settings or ListenSettings()
        self.vad = vad
        self.vad.threshold = self.settings.vad_threshold
        self.on_speech_start = on_speech_start
        self.on_pause = on_pause
        self.rate = vad.rate
        self.frame = vad.frame_samples
        self._pre_roll_frames = max(
            0, round(self.settings.pre_roll_ms * self.rate / 1000 / self.frame)
        )
        self._end_frames = max(
            1, round(self.settings.end_silence_ms * self.rate / 1000 / self.frame)
        )
        self._max_frames = max(1, int(self.settings.max_utterance_s * self.rate / self.frame))
        early = round(self.settings.early_decode_ms * self.rate / 1000 / self.frame)
        self._early_frames = early if 0 < early < self._end_frames else 0
        self._min_speech_frames = max(1, round(MIN_SPEECH_MS * self.rate / 1000 / self.frame))
        self.speech_started = False
        self.last_timing: UtteranceTiming | None = None
        self.reset()

    def reset(self) -> None:
        """Forget buffered audio and any utterance in progress; stream time restarts at 0."""
        self.vad.reset()
        self._pending = np.zeros(0, dtype=np.float32)
        self._pre_roll: deque[np.ndarray] = deque(maxlen=max(1, self._pre_roll_frames))
        self._frames: list[np.ndarray] = []
        self._frame_index = 0
        self._start_frame = 0
        self._clip_start_frame = 0
        self._last_speech_frame = 0
        self._speech_frames = 0
        self._silence_run = 0
        self.speech_started = False

    @property
    def stream_seconds(self) -> float:
        """Seconds of audio examined since the last reset."""
        return self._frame_index * self.frame / self.rate

    def push(self, chunk: np.ndarray) -> Clip | None:
        """Add audio; return a complete utterance when one has just ended, else None.

        At most one utterance is returned per call; audio after its end stays buffered and is
        examined by the next call (push an empty array to continue without new audio).

        Args:
            chunk: 16 kHz mono float32 samples, any length.

        Returns:
            The utterance with pre-roll and trailing silence, or None.
        """
        samples = np.asarray(chunk, dtype=np.float32).reshape(-1)
        if len(samples):
            self._pending = np.concatenate([self._pending, samples])
        offset = 0
        result: Clip | None = None
        while result is None and len(self._pending) - offset >= self.frame:
            frame = self._pending[offset : offset + self.frame]
            offset += self.frame
            result = self._step(frame)
        self._pending = self._pending[offset:]
        return result

    def _step(self, frame: np.ndarray) -> Clip | None:
        probability = self.vad.speech_probability(frame)
        index = self._frame_index
        self._frame_index += 1
        if not self.speech_started:
            if probability >= self.settings.vad_threshold:
                self._begin(index, frame)
            else:
                self._pre_roll.append(frame)
            return None
        self._frames.append(frame)
        if probability >= self.settings.vad_threshold - HYSTERESIS:
            self._last_speech_frame = index
            self._speech_frames += 1
            self._silence_run = 0
        else:
            self._silence_run += 1
            if self._silence_run == self._early_frames and self.on_pause is not None:
                self._offer_pause()
        if self._silence_run >= self._end_frames:
            return self._finish(truncated=False)
        if index - self._start_frame + 1 >= self._max_frames:
            return self._finish(truncated=True)
        return None

    def _begin(self, index: int, frame: np.ndarray) -> None:
        pre_roll = list(self._pre_roll)[-self._pre_roll_frames :] if self._pre_roll_frames else []
        self._frames = [*pre_roll, frame]
        self._pre_roll.clear()
        self._start_frame = index
        self._clip_start_frame = index - len(pre_roll)
        self._last_speech_frame = index
        self._speech_frames = 1
        self._silence_run = 0
        self.speech_started = True
        if self.on_speech_start is not None:
            self.on_speech_start()

    def _speech_end_s(self) -> float:
        return (self._last_speech_frame + 1) * self.frame / self.rate

    def _offer_pause(self) -> None:
        assert self.on_pause is not None
        if self._speech_frames < self._min_speech_frames:
            return
        # Recognisers behave differently with less trailing silence (pocketsphinx's front end
        # especially), so the early clip gets as much as the final one will have: the silence
        # heard so far, repeated (real background noise, not digital zeros).
        missing = self._end_frames - self._silence_run
        silence = self._frames[-self._silence_run :]
        padding = [silence[i % len(silence)] for i in range(missing)]
        clip = Clip(np.concatenate([*self._frames, *padding]), self.rate)
        self.on_pause(clip, self._speech_end_s())

    def _finish(self, *, truncated: bool) -> Clip | None:
        frames = self._frames
        speech_frames = self._speech_frames
        self._frames = []
        self.speech_started = False
        self._speech_frames = 0
        self._silence_run = 0
        if speech_frames < self._min_speech_frames and not truncated:
            return None
        seconds_per_frame = self.frame / self.rate
        self.last_timing = UtteranceTiming(
            start_s=self._start_frame * seconds_per_frame,
            speech_end_s=self._speech_end_s(),
            clip_start_s=self._clip_start_frame * seconds_per_frame,
            clip_end_s=self._frame_index * seconds_per_frame,
            truncated=truncated,
        )
        return Clip(np.concatenate(frames), self.rate)
