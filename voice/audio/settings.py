"""Sound-device settings: which speaker and microphone, at what rate, with how much ducking."""

from __future__ import annotations

from dataclasses import dataclass

from bot.env import env_bool, env_float, env_text

OFF_VALUES = ("off", "0", "no", "false", "none", "text")
"""Values of ``RETROWALK_AUDIO`` that force a text-only walk."""


def parse_device(raw: str) -> int | str | None:
    """A device setting from text: ``""`` -> None (default), ``"3"`` -> 3, else a name part."""
    raw = raw.strip()
    if not raw or raw.lower() == "default":
        return None
    if raw.isdigit():
        return int(raw)
    return raw


def _latency() -> str | float:
    raw = env_text("RETROWALK_AUDIO_LATENCY").lower()
    if raw in ("low", "high"):
        return raw
    return env_float("RETROWALK_AUDIO_LATENCY", 0.05, minimum=0.001, maximum=2.0)


@dataclass(frozen=True)
class AudioSettings:
    """Speaker and microphone.

    Attributes:
        enabled: False forces a text-only walk (no device is opened). Env ``RETROWALK_AUDIO``
            (``off`` turns audio off), default True.
        output_device: Speaker: None for the system default, a device index, or part of a
            device name (case-insensitive). Env ``RETROWALK_AUDIO_OUTPUT``, default None.
        input_device: Microphone, same forms as ``output_device``. Env
            ``RETROWALK_AUDIO_INPUT``, default None.
        output_rate: Speaker sample rate in Hz; None uses the device's default rate (clips are
            resampled to it). Default None.
        input_rate: Rate the microphone is opened at; None tries ``mic_rate`` and falls back to
            the device's default rate (then resampled to ``mic_rate``). Default None.
        mic_rate: Rate of the chunks the microphone delivers (what VAD and recognisers expect).
            Default 16000 Hz.
        chunk_samples: Samples per microphone chunk. Default 512 (32 ms at 16 kHz, the Silero
            VAD frame).
        duck_gain: Cue volume while the walker speaks (1 = unchanged). Env
            ``RETROWALK_DUCK_GAIN``, default 0.25.
        latency: PortAudio latency: ``"low"``, ``"high"`` or seconds. Env
            ``RETROWALK_AUDIO_LATENCY``, default 0.05 s: measured through PulseAudio on a busy
            2-core machine, ``"low"`` (8.6 ms) let the stream underrun (audible gaps) while
            0.05 s did not, and clips still reach the speaker within ~60 ms of ``play()``.
        mic_queue_chunks: Microphone chunks buffered before the oldest are dropped. Default 200
            (6.4 s at 32 ms chunks).
        stall_timeout_s: A speaker whose stream asks for no audio for this long is treated as
            failed (the walk goes on with text only). Default 5 s.
    """

    enabled: bool = True
    output_device: int | str | None = None
    input_device: int | str | None = None
    output_rate: int | None = None
    input_rate: int | None = None
    mic_rate: int = 16000
    chunk_samples: int = 512
    duck_gain: float = 0.25
    latency: str | float = 0.05
    mic_queue_chunks: int = 200
    stall_timeout_s: float = 5.0

    def __post_init__(self) -> None:
        """Reject values no device could use."""
        for name in ("output_rate", "input_rate"):
            rate = getattr(self, name)
            if rate is not None and rate <= 0:
                raise ValueError(f"{name} must be positive, got {rate}")
        if self.mic_rate <= 0 or self.chunk_samples <= 0 or self.mic_queue_chunks <= 0:
            raise ValueError("mic_rate, chunk_samples and mic_queue_chunks must be positive")
        if not 0.0 <= self.duck_gain <= 1.0:
            raise ValueError(f"duck_gain must be between 0 and 1, got {self.duck_gain}")
        if self.stall_timeout_s <= 0:
            raise ValueError(f"stall_timeout_s must be positive, got {self.stall_timeout_s}")

    @classmethod
    def from_env(cls) -> AudioSettings:
        """Settings from ``RETROWALK_AUDIO*`` environment variables (see the attributes)."""
        return cls(
            enabled=env_bool("RETROWALK_AUDIO", True, false_words=OFF_VALUES),
            output_device=parse_device(env_text("RETROWALK_AUDIO_OUTPUT")),
            input_device=parse_device(env_text("RETROWALK_AUDIO_INPUT")),
            duck_gain=env_float("RETROWALK_DUCK_GAIN", 0.25, maximum=1.0),
            latency=_latency(),
        )
