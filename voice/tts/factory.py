"""Build the configured :class:`~voice.tts.speech.Speech` from :class:`TtsSettings`."""

from __future__ import annotations

from collections.abc import Callable

from voice.tts.base import TtsEngine
from voice.tts.cache import ClipCache
from voice.tts.espeak_engine import EspeakEngine
from voice.tts.gtts_engine import GttsEngine
from voice.tts.piper_engine import PiperEngine
from voice.tts.settings import TtsSettings
from voice.tts.speech import Speech


def build_engine(name: str, settings: TtsSettings) -> TtsEngine:
    """One engine by name, configured from ``settings`` (nothing is loaded yet).

    Raises:
        ValueError: Unknown name or bad engine setting.
    """
    if name == "gtts":
        return GttsEngine(
            lang=settings.gtts_lang,
            tld=settings.gtts_tld,
            timeout_s=settings.gtts_timeout_s,
            base_url=settings.gtts_base_url,
        )
    if name == "piper":
        return PiperEngine(
            model_path=settings.piper_model, length_scale=settings.piper_length_scale
        )
    if name == "espeak":
        return EspeakEngine(voice=settings.espeak_voice, rate_wpm=settings.espeak_rate_wpm)
    raise ValueError(f"unknown TTS engine {name!r}")


def build_speech(settings: TtsSettings, on_event: Callable[[str], None] | None = None) -> Speech:
    """The engines of ``settings`` in order, with the clip cache (unless disabled)."""
    engines = [build_engine(name, settings) for name in settings.engines]
    cache = ClipCache(settings.cache_dir) if settings.cache_dir is not None else None
    return Speech(engines, cache=cache, retry_after_s=settings.retry_after_s, on_event=on_event)
