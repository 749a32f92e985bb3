"""Speech synthesis for the voice coach: gTTS online, Piper and espeak-ng offline, with failover.

Importing this package loads no engine, model or network client; see
:func:`voice.tts.factory.build_speech`.
"""

from voice.tts.base import TtsEngine, TtsError
from voice.tts.cache import ClipCache
from voice.tts.settings import TtsSettings
from voice.tts.speech import PrerenderReport, Rendered, Speech, progress_bar

__all__ = [
    "ClipCache",
    "PrerenderReport",
    "Rendered",
    "Speech",
    "TtsEngine",
    "TtsError",
    "TtsSettings",
    "progress_bar",
]
