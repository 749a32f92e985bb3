"""What every speech engine is: text in, a :class:`~voice.audio.clip.Clip` out, or a TtsError."""

from __future__ import annotations

from abc import ABC, abstractmethod

from voice.audio.clip import Clip


class TtsError(RuntimeError):
    """An engine could not speak a text (network, timeout, missing binary or model, bad output)."""


class TtsEngine(ABC):
    """A text-to-speech engine.

    Attributes:
        name: Short engine name used in settings, events and reports (``gtts``, ``piper``...).
    """

    name: str

    @abstractmethod
    def voice_id(self) -> str:
        """Engine, voice and every parameter that changes the audio (the cache key's prefix)."""

    @abstractmethod
    def synthesize(self, text: str) -> Clip:
        """Speak ``text``.

        Args:
            text: The text to speak (one sentence or a few).

        Returns:
            The audio.

        Raises:
            TtsError: On any failure, including the engine's own timeout.
        """

    def close(self) -> None:  # noqa: B027  (optional hook, no-op by default)
        """Release resources (models, sessions). Default: nothing to release."""
