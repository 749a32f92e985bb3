"""Speech recognition interface and the confidence-based fallback between two recognisers.

The engines (:mod:`voice.listen.pocketsphinx_asr`, :mod:`voice.listen.whisper_asr`) implement
this interface and import it; building one from settings is :mod:`voice.listen.factory`'s job.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

from voice.audio.clip import Clip

LOG = logging.getLogger(__name__)

RATE = 16000


@dataclass
class Transcript:
    """What a recogniser heard.

    Attributes:
        text: The words, lower case for pocketsphinx, as written by whisper otherwise ("" for
            nothing heard).
        confidence: 0..1; how likely the text is right (each engine documents how it is
            computed). Comparable within one engine, roughly across engines.
        engine: ``"pocketsphinx"`` or ``"whisper"`` (the engine whose text this is).
        seconds: Wall-clock seconds spent recognising (for a fallback: both engines together).
        rejected: For a fallback result, the primary engine's transcript that was not trusted.
    """

    text: str
    confidence: float
    engine: str
    seconds: float
    rejected: Transcript | None = None


class Recognizer(ABC):
    """Turns one utterance into text. Implementations load their engine lazily."""

    name: str = "recognizer"

    @abstractmethod
    def transcribe(self, clip: Clip) -> Transcript:
        """Recognise ``clip`` (any rate; resampled to 16 kHz as needed).

        Args:
            clip: One utterance, ideally with a little silence around it.

        Returns:
            The transcript (empty text when nothing was recognised).
        """

    def warm_up(self) -> None:  # noqa: B027 (optional hook, not abstract)
        """Load the engine now instead of on the first utterance."""


def as_16k(clip: Clip) -> Clip:
    """``clip`` at 16 kHz."""
    return clip if clip.rate == RATE else clip.resampled(RATE)


class FallbackRecognizer(Recognizer):
    """Ask ``primary``; when its confidence is below ``min_confidence``, ask ``fallback``.

    The fallback's transcript is returned (with the primary's in ``rejected``) unless it is
    empty while the primary heard something, in which case the primary's is kept.
    """

    name = "hybrid"

    def __init__(self, primary: Recognizer, fallback: Recognizer, min_confidence: float) -> None:
        """Create the fallback chain.

        Args:
            primary: Fast (domain) recogniser asked first.
            fallback: Open-vocabulary recogniser asked when the primary is unsure.
            min_confidence: Primary confidence below which the fallback is asked.
        """
        self.primary = primary
        self.fallback = fallback
        self.min_confidence = min_confidence

    def warm_up(self) -> None:
        """Load both engines."""
        self.primary.warm_up()
        self.fallback.warm_up()

    def transcribe(self, clip: Clip) -> Transcript:
        """Primary first, fallback when the primary's confidence is low."""
        start = time.perf_counter()
        first = self.primary.transcribe(clip)
        if first.confidence >= self.min_confidence:
            return first
        second = self.fallback.transcribe(clip)
        seconds = time.perf_counter() - start
        LOG.debug(
            "fallback: %s %.2f %r -> %s %.2f %r",
            first.engine,
            first.confidence,
            first.text,
            second.engine,
            second.confidence,
            second.text,
        )
        if not second.text.strip() and first.text.strip():
            return Transcript(first.text, first.confidence, first.engine, seconds)
        return Transcript(second.text, second.confidence, second.engine, seconds, rejected=first)
