"""A mono audio clip: the one audio type passed between speech engines, player and recogniser."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf


@dataclass(frozen=True)
class Clip:
    """Mono audio.

    Attributes:
        samples: float32 samples in [-1, 1], one channel.
        rate: Sample rate in Hz.
    """

    samples: np.ndarray
    rate: int

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError(f"sample rate must be positive, got {self.rate}")
        samples = np.asarray(self.samples)
        if samples.ndim == 2:
            samples = samples.mean(axis=1)
        if samples.ndim != 1:
            raise ValueError(f"expected mono samples, got shape {samples.shape}")
        if samples.dtype.kind in "iu":
            scale = float(np.iinfo(samples.dtype).max) + 1.0
            samples = samples.astype(np.float32) / scale
        object.__setattr__(self, "samples", samples.astype(np.float32, copy=False))

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.rate

    def resampled(self, rate: int) -> Clip:
        """This clip at another sample rate (linear interpolation; fine for speech)."""
        if rate == self.rate or len(self.samples) == 0:
            return Clip(self.samples, rate) if rate != self.rate else self
        count = max(1, round(len(self.samples) * rate / self.rate))
        old_t = np.arange(len(self.samples)) / self.rate
        new_t = np.arange(count) / rate
        return Clip(np.interp(new_t, old_t, self.samples).astype(np.float32), rate)

    def to_int16(self) -> np.ndarray:
        """Samples as 16-bit PCM (clipped)."""
        return (np.clip(self.samples, -1.0, 1.0) * 32767.0).astype(np.int16)

    def to_wav_bytes(self) -> bytes:
        """The clip as a 16-bit PCM WAV file."""
        buffer = io.BytesIO()
        sf.write(buffer, self.to_int16(), self.rate, format="WAV", subtype="PCM_16")
        return buffer.getvalue()

    def save_wav(self, path: Path) -> None:
        """Write a 16-bit PCM WAV file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.to_wav_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> Clip:
        """Decode any format libsndfile reads (WAV, FLAC, OGG, MP3)."""
        samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=False)
        return cls(samples, int(rate))

    @classmethod
    def load(cls, path: Path) -> Clip:
        """Read an audio file."""
        return cls.from_bytes(Path(path).read_bytes())

    @classmethod
    def silence(cls, seconds: float, rate: int = 16000) -> Clip:
        """A silent clip."""
        return cls(np.zeros(round(seconds * rate), dtype=np.float32), rate)
