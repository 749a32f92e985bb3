"""Build the recogniser :class:`ListenSettings` names (pocketsphinx, whisper or the hybrid).

The factory of the listen package: it imports the engines, which import the interface in
:mod:`voice.listen.recognizer`; nothing in the package imports this module back. Importing it
loads no engine or model (the engines load lazily).
"""

from __future__ import annotations

from pathlib import Path

from voice.listen.language_model import ensure_language_model
from voice.listen.pocketsphinx_asr import PocketsphinxRecognizer
from voice.listen.recognizer import FallbackRecognizer, Recognizer
from voice.listen.settings import PROJECT_ROOT, ListenSettings
from voice.listen.whisper_asr import WhisperRecognizer


def build_recognizer(settings: ListenSettings, project_root: Path | None = None) -> Recognizer:
    """The recogniser ``settings.asr`` names.

    Builds (or reuses) the domain language model for pocketsphinx; loads no engine yet.

    Args:
        settings: Listen settings (engine, threshold, model directories).
        project_root: Where ``data/nlu`` lives (default: this checkout).

    Returns:
        A pocketsphinx, whisper or fallback (hybrid) recogniser.
    """
    if settings.asr == "whisper":
        return WhisperRecognizer(settings.whisper_model_dir)
    files = ensure_language_model(
        project_root or PROJECT_ROOT, settings.lm_dir, wake_phrase=settings.wake_phrase
    )
    domain = PocketsphinxRecognizer(files)
    if settings.asr == "pocketsphinx":
        return domain
    return FallbackRecognizer(
        domain, WhisperRecognizer(settings.whisper_model_dir), settings.min_confidence
    )
