"""Settings of the voice coach: one object composed of each part's own settings."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from bot.env import env_float, env_text
from voice.audio.settings import AudioSettings
from voice.bot_client import BotClientSettings
from voice.listen.settings import ListenSettings
from voice.tts.settings import TtsSettings


def _default_sender() -> str:
    return env_text("RETROWALK_SENDER") or getpass.getuser()


@dataclass(frozen=True)
class VoiceSettings:
    """Everything the voice coach needs.

    Attributes:
        bot: Where the coach's Rasa server is and how long to wait for it
            (``RETROWALK_BOT_URL``, default the local coach; ``RETROWALK_BOT_TIMEOUT``, 10 s).
        sender: The user id: use the same one as in the chat, so the walk uses your plan and
            logs to your history. Env ``RETROWALK_SENDER``, default the login name.
        feedback_timeout_s: How long to wait for the answer to "how did it feel?" after the
            walk. Env ``RETROWALK_FEEDBACK_TIMEOUT``, default 20 s.
        speed: Walk-time speed-up (1 = real time; larger values run the walk faster, for demos
            and tests). Env ``RETROWALK_WALK_SPEED``, default 1.
        tts: Speech synthesis (engines in failover order, voices, cache).
        audio: Speaker and microphone.
        listen: Wake phrase, voice activity detection, speech recognition.
    """

    bot: BotClientSettings = field(default_factory=BotClientSettings.from_env)
    sender: str = field(default_factory=_default_sender)
    feedback_timeout_s: float = field(
        default_factory=lambda: env_float("RETROWALK_FEEDBACK_TIMEOUT", 20.0, positive=True)
    )
    speed: float = field(
        default_factory=lambda: env_float("RETROWALK_WALK_SPEED", 1.0, positive=True)
    )
    tts: TtsSettings = field(default_factory=TtsSettings.from_env)
    audio: AudioSettings = field(default_factory=AudioSettings.from_env)
    listen: ListenSettings = field(default_factory=ListenSettings.from_env)
