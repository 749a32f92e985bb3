"""Voice activity detection: the Silero VAD model run with onnxruntime (no torch).

The model is the copy faster-whisper (a dependency of the voice coach anyway) ships as
``faster_whisper/assets/silero_vad_v6.onnx``: Silero VAD v6.0's 16 kHz model, the same weights
as silero-vad 6.0.0 and 6.1.0 ship (tests/voice/test_vad_model.py checks the file's hash and
that it computes what silero-vad 6.0.0's ``silero_vad.onnx`` computes). The file is found with
``importlib.util.find_spec``, without importing faster_whisper (which loads CTranslate2).

Silero takes 512-sample frames at 16 kHz (32 ms) plus the last 64 samples of the previous
frame as context (one 576-sample row), and carries an LSTM state (``h``, ``c``) between frames.
This export takes a sequence of rows (faster-whisper feeds a whole file at once); streaming
feeds one row per call and carries the state, which gives the same probabilities.

Long silences: carried over tens of seconds of non-speech, the state drifts and the model grows
deaf to the next onset. Measured on "hey coach, pause" (piper) in white noise at 40 dB SNR
after a silence of 1, 10, 40 and 80 s: the first speech frame came 0, 47, 191 and 191 ms late,
the peak probability fell from 0.98 to 0.81, and the share of speech frames in the phrase's
first 0.8 s from 0.84 to 0.44-0.48; a "hey coach" after a long quiet stretch then failed the
wake detector's pause gate. The coach therefore resets the state after ``silence_reset_s`` of
frames below the threshold (5 s by default), as silero's own ``VADIterator`` starts each stream
from a fresh state: with the reset, the same onsets come 0-16 ms late with a peak of 0.96-0.98
and a share of 0.76-0.84.
The price, in very loud white noise (level 0.2, -14 dBFS; 3 minutes, 5,625 frames): 3 stray
speech frames instead of 1 (reset after 3 s: 11), never two in a row; at level 0.1 none either
way (tests/voice/test_vad.py).
"""

from __future__ import annotations

import importlib.util
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np


class Vad(ABC):
    """Frame-by-frame speech detector.

    Attributes:
        frame_samples: Samples per frame ``speech_probability`` expects.
        rate: Sample rate of the frames (Hz).
        threshold: Probability at or above which ``is_speech`` says yes.
    """

    frame_samples: int
    rate: int
    threshold: float

    @abstractmethod
    def speech_probability(self, frame: np.ndarray) -> float:
        """Probability (0..1) that ``frame`` (``frame_samples`` float32 samples) is speech."""

    @abstractmethod
    def reset(self) -> None:
        """Forget the state carried between frames (start of a new stream)."""

    def is_speech(self, frame: np.ndarray) -> bool:
        """Whether ``frame`` is speech at this detector's threshold."""
        return self.speech_probability(frame) >= self.threshold


SILERO_ASSET = "silero_vad_v6.onnx"
"""The Silero VAD model's file name in faster-whisper's ``assets`` folder."""


def silero_model_path() -> Path:
    """The Silero VAD model shipped inside the installed ``faster-whisper`` package.

    Raises:
        FileNotFoundError: faster-whisper (voice dependency group) is not installed, or its
            assets have no Silero model.
    """
    spec = importlib.util.find_spec("faster_whisper")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the faster-whisper package is not installed (it ships the Silero VAD model; "
            "install the voice dependency group: requirements/voice.lock)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / SILERO_ASSET
    if not path.exists():
        raise FileNotFoundError(f"no Silero VAD model at {path}")
    return path


class SileroVad(Vad):
    """Silero VAD (about 0.3 ms per 32 ms frame on one core)."""

    frame_samples = 512
    rate = 16000
    _CONTEXT = 64

    def __init__(
        self,
        threshold: float = 0.5,
        model_path: Path | None = None,
        silence_reset_s: float | None = 5.0,
    ) -> None:
        """Load the model.

        Args:
            threshold: Speech probability at or above which a frame is speech.
            model_path: ONNX file with faster-whisper's interface (inputs ``input`` of shape
                (rows, 576), ``h`` and ``c`` of shape (1, 1, 128)); default: the one
                faster-whisper ships.
            silence_reset_s: Reset the recurrent state after this many seconds of consecutive
                frames below ``threshold`` (None: never; the state then drifts over long
                silences, see the module docstring).
        """
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.threshold = threshold
        self._session: Any = onnxruntime.InferenceSession(
            str(model_path or silero_model_path()),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        self._lock = threading.Lock()
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(self._CONTEXT, dtype=np.float32)
        self._reset_after = (
            None
            if silence_reset_s is None
            else max(1, round(silence_reset_s * self.rate / self.frame_samples))
        )
        self._quiet_frames = 0

    def _zero_state(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(self._CONTEXT, dtype=np.float32)
        self._quiet_frames = 0

    def reset(self) -> None:
        """Zero the recurrent state and context."""
        with self._lock:
            self._zero_state()

    def speech_probability(self, frame: np.ndarray) -> float:
        """Speech probability of one 512-sample frame (shorter frames are zero-padded)."""
        samples = np.asarray(frame, dtype=np.float32).reshape(-1)
        if len(samples) > self.frame_samples:
            raise ValueError(f"frame has {len(samples)} samples, at most {self.frame_samples}")
        if len(samples) < self.frame_samples:
            samples = np.pad(samples, (0, self.frame_samples - len(samples)))
        with self._lock:
            window = np.concatenate([self._context, samples])[np.newaxis, :]
            output, self._h, self._c = self._session.run(
                None, {"input": window, "h": self._h, "c": self._c}
            )
            self._context = samples[-self._CONTEXT :].copy()
            probability = float(output.reshape(-1)[0])
            self._quiet_frames = 0 if probability >= self.threshold else self._quiet_frames + 1
            if self._reset_after is not None and self._quiet_frames >= self._reset_after:
                self._zero_state()
        return probability
