"""The Silero VAD model comes from faster-whisper, and it is Silero VAD v6.0.

The voice coach used to install the ``silero-vad`` wheel (and, with it, a torch requirement
that had to be overridden) only for its ONNX file. faster-whisper 1.2.1, a voice dependency
anyway, ships ``faster_whisper/assets/silero_vad_v6.onnx``. These tests pin that file and show
what model it is, with the real loading code (:class:`voice.listen.vad.SileroVad`):

- its SHA-256 is the one in faster-whisper 1.2.1's wheel RECORD
  (``faster_whisper/assets/silero_vad_v6.onnx,sha256=TL9Um4Mm9g-A8lNtnu_rRQqavoM2WgmAMciXGfG-F9I``);
- on a fixed test signal it gives, frame by frame, the probabilities that silero-vad 6.0.0's
  ``silero_vad/data/silero_vad.onnx`` gives through the previous loading code (inputs
  ``input``/``state``/``sr``). Those were recorded on 2026-12-06 from the PyPI wheel
  ``silero_vad-6.0.0-py3-none-any.whl`` (sha256
  ``37d29be8944d2a2e6f1cc38a066076f13e78e6fc1b567a1beddcca72096f077f``); the largest
  difference was 0.0. silero-vad 6.1.0 ships the same weights (its ``silero_vad.onnx`` is
  byte-identical to 6.0.0's, sha256 ``597d30b3...``).

It is NOT the model silero-vad 6.2.x ships (the version pinned before, 6.2.3): 6.2.0 retrained
the weights (``silero_vad.onnx`` sha256 ``1a153a22...``; every weight tensor differs), and on
the same signal 6.2.3's model differs by up to 0.60 in probability. The VAD behaviour tests in
test_vad.py (speech, silence, white noise, end-of-speech timing) pass with this model.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from voice.listen.vad import SileroVad, silero_model_path

MODEL_SHA256 = "4cbf549b8326f60f80f2536d9eefeb450a9abe83365a098031c89719f1be17d2"

# Per-frame speech probabilities of silero-vad 6.0.0's silero_vad.onnx on test_signal() (4 d.p.).
SILERO_6_0_0_PROBABILITIES = [
    0.0556, 0.0114, 0.0085, 0.0085, 0.0076, 0.0072, 0.008, 0.0083, 0.0068, 0.0109,
    0.0094, 0.0449, 0.1759, 0.6737, 0.6965, 0.6576, 0.7625, 0.8159, 0.6756, 0.3921,
    0.3221, 0.2017, 0.1236, 0.0914, 0.0734, 0.3029, 0.7811, 0.8229, 0.8232, 0.7808,
    0.698, 0.5978, 0.3028, 0.2106, 0.1423, 0.0874, 0.0642, 0.09, 0.5765, 0.7722,
    0.7844, 0.8011, 0.8179, 0.767, 0.4903, 0.28, 0.1918, 0.1429, 0.1008, 0.0796,
    0.3457, 0.65, 0.7032, 0.5003, 0.5545, 0.5598, 0.4304, 0.2197, 0.1595, 0.1107,
    0.0555, 0.0432, 0.0318, 0.0254, 0.0168, 0.0165, 0.0174, 0.0132, 0.007, 0.0074,
    0.0067, 0.0133, 0.0061, 0.0061, 0.0085,
]  # fmt: skip


def test_signal() -> np.ndarray:
    """2.4 s at 16 kHz: a voiced buzz (120 Hz +-30 Hz, 15 harmonics) in syllable-like bursts
    between 0.4 s and 2.0 s, over low white noise (seeded: the same samples everywhere)."""
    rate = 16000
    rng = np.random.default_rng(20261206)
    t = np.arange(int(2.4 * rate)) / rate
    f0 = 120 + 30 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 16))
    syllables = np.clip(np.sin(2 * np.pi * 2.5 * t), 0, None) ** 2
    syllables[(t < 0.4) | (t > 2.0)] = 0
    signal = 0.3 * voiced * syllables + 0.01 * rng.standard_normal(len(t))
    return np.asarray(signal, dtype=np.float32)


test_signal.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def streamed_probabilities(vad: SileroVad, samples: np.ndarray) -> np.ndarray:
    vad.reset()
    size = vad.frame_samples
    return np.array(
        [
            vad.speech_probability(samples[i : i + size])
            for i in range(0, len(samples) - size + 1, size)
        ]
    )


def test_the_model_is_the_file_faster_whisper_1_2_1_ships() -> None:
    path = silero_model_path()
    assert path.parts[-3:] == ("faster_whisper", "assets", "silero_vad_v6.onnx")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == MODEL_SHA256


def test_it_computes_what_silero_vad_6_0_0_computes() -> None:
    probabilities = streamed_probabilities(SileroVad(), test_signal())
    assert len(probabilities) == len(SILERO_6_0_0_PROBABILITIES)
    np.testing.assert_allclose(probabilities, SILERO_6_0_0_PROBABILITIES, atol=1e-4, rtol=0)
    # The signal exercises the model: speech and non-speech frames both occur.
    assert (probabilities >= 0.5).sum() > 10 and (probabilities < 0.1).sum() > 10


def test_streaming_frame_by_frame_equals_faster_whispers_own_batch_call() -> None:
    """faster-whisper feeds the model a whole file as one sequence; the coach streams it."""
    from faster_whisper.vad import get_vad_model

    samples = test_signal()
    whole = len(samples) // 512 * 512
    batch = np.asarray(get_vad_model()(samples[:whole])).reshape(-1)
    np.testing.assert_allclose(
        streamed_probabilities(SileroVad(), samples[:whole]), batch, atol=1e-6, rtol=0
    )


def test_a_missing_faster_whisper_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: object, **kwargs: object) -> object:
        return None if name == "faster_whisper" else real_find_spec(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(FileNotFoundError, match="faster-whisper package is not installed"):
        silero_model_path()
