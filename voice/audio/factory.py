"""Open the speaker and microphone from :class:`AudioSettings`, or say why they are not there.

The factory of the audio package: it imports the player and microphone modules, which import
:mod:`voice.audio.devices`; nothing in the package imports this module back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from voice.audio.devices import AudioUnavailable
from voice.audio.microphone import Microphone, SoundDeviceMicrophone
from voice.audio.player import Player, SoundDevicePlayer, TextOnlyPlayer
from voice.audio.settings import AudioSettings

LOG = logging.getLogger(__name__)


def open_player(
    settings: AudioSettings, on_error: Callable[[str], None] | None = None
) -> tuple[Player, str | None]:
    """A player on the speaker, or a text-only player and the message saying why.

    Args:
        settings: Which speaker.
        on_error: Called once, with a message for the walker, if the speaker fails later.

    Returns:
        ``(player, None)`` with sound, or ``(TextOnlyPlayer, message)`` without.
    """
    try:
        return SoundDevicePlayer(settings, on_error=on_error), None
    except AudioUnavailable as error:
        LOG.warning("speaker unavailable: %s", error.detail or error.message)
        return TextOnlyPlayer(), error.message


def open_microphone(settings: AudioSettings) -> tuple[Microphone | None, str | None]:
    """An opened (not yet started) microphone, or None and the message saying why not."""
    try:
        microphone = SoundDeviceMicrophone(settings)
    except AudioUnavailable as error:
        LOG.warning("microphone unavailable: %s", error.detail or error.message)
        return None, error.message
    return microphone, None
