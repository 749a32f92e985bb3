"""Finding and checking the speaker and microphone, and the messages for when there is none.

Opening them (or falling back to text) is :mod:`voice.audio.factory`'s job: the player and
microphone modules import this one, so this one imports neither.

``sounddevice`` is imported only inside functions: importing it without the PortAudio library
raises ``OSError``, and importing it enumerates the devices (a side effect this package keeps
out of import time).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

from voice.audio.settings import AudioSettings

LOG = logging.getLogger(__name__)

NO_SPEAKER = (
    "No speaker or headphones found, so the coach can't talk to you. Plug in headphones or a "
    "speaker (or check the computer's sound settings) and start the walk again. For now the "
    "walk will continue with on-screen text only."
)
SPEAKER_FAILED = (
    "The speaker or headphones stopped working, so the coach can't talk to you any more. "
    "Check the cable or connection and the sound settings. The walk will continue with "
    "on-screen text only."
)
NO_MICROPHONE = (
    "No microphone found, so the coach can't hear you. Plug in a headset with a microphone "
    "(or check the computer's sound settings) and start the walk again. For now use the "
    "keyboard to pause, skip or stop."
)
MICROPHONE_FAILED = (
    "The microphone stopped working, so the coach can't hear you any more. Check the cable "
    "or connection. Use the keyboard to pause, skip or stop."
)
NO_SOUND_SYSTEM = (
    "The sound system is not installed on this computer, so the coach can't use a speaker or "
    "microphone. Ask whoever set up the coach to install it (`make system-deps`, Debian "
    "package libportaudio2). For now the walk will continue with on-screen text only."
)
AUDIO_OFF = (
    "Sound is turned off (RETROWALK_AUDIO=off), so the walk will continue with on-screen text only."
)

Kind = Literal["output", "input"]


class AudioUnavailable(RuntimeError):  # noqa: N818  (the name the voice coach uses)
    """No usable speaker or microphone.

    ``str(error)`` is a plain-language message for the walker (what happened and what to do);
    ``detail`` is the technical reason, for logs.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class DeviceInfo:
    """A device that passed its check.

    Attributes:
        index: PortAudio device index.
        name: Device name as PortAudio reports it.
        rate: Sample rate it will be opened at.
        channels: Channels it will be opened with.
    """

    index: int
    name: str
    rate: int
    channels: int


def load_sounddevice(kind: Kind = "output") -> ModuleType:
    """Import ``sounddevice``, or raise :class:`AudioUnavailable` if PortAudio is missing."""
    try:
        import sounddevice
    except OSError as error:  # sounddevice raises OSError when libportaudio is missing
        raise AudioUnavailable(NO_SOUND_SYSTEM, f"cannot load PortAudio: {error}") from error
    return sounddevice


def reinitialise_portaudio() -> None:
    """Make PortAudio enumerate the devices again (e.g. after ``PULSE_SERVER`` changed).

    PortAudio lists devices once, when initialised (at ``import sounddevice``). Only call this
    while no stream is open.
    """
    sd = load_sounddevice()
    count = max(1, sd._initialized)
    while sd._initialized > 0:
        sd._terminate()
    for _ in range(count):
        sd._initialize()


def close_stream(stream: Any, abort: bool = False, timeout: float = 2.0) -> bool:
    """Stop and close a PortAudio stream without ever hanging the caller.

    A stream whose device vanished or hung can block in ``stop()``/``close()``; this runs them
    in a daemon thread and gives up after ``timeout`` seconds.

    Returns:
        True if the stream closed in time.
    """

    def run() -> None:
        try:
            if abort:
                stream.abort()
            else:
                stream.stop()
        except Exception as error:
            LOG.debug("stopping %s: %s", stream, error)
        try:
            stream.close()
        except Exception as error:
            LOG.debug("closing %s: %s", stream, error)

    worker = threading.Thread(target=run, name="audio-close", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        LOG.warning("the sound device did not close within %.1f s; leaving it", timeout)
        return False
    return True


def _missing(kind: Kind) -> str:
    return NO_SPEAKER if kind == "output" else NO_MICROPHONE


def _channels_key(kind: Kind) -> str:
    return "max_output_channels" if kind == "output" else "max_input_channels"


def _devices(sd: ModuleType, kind: Kind) -> list[dict[str, Any]]:
    try:
        return [dict(d) for d in sd.query_devices() if d[_channels_key(kind)] > 0]
    except sd.PortAudioError as error:
        raise AudioUnavailable(_missing(kind), f"cannot list devices: {error}") from error


def resolve_device(kind: Kind, wanted: int | str | None) -> dict[str, Any]:
    """The PortAudio device dict for a setting (None = default, index, or part of a name).

    Raises:
        AudioUnavailable: No such device, or it has no channels of that kind.
    """
    sd = load_sounddevice(kind)
    candidates = _devices(sd, kind)
    if not candidates:
        raise AudioUnavailable(_missing(kind), f"PortAudio lists no {kind} device")
    if wanted is None:
        default = sd.default.device[1 if kind == "output" else 0]
        chosen = [d for d in candidates if d["index"] == default] or candidates[:1]
        return chosen[0]
    if isinstance(wanted, int):
        chosen = [d for d in candidates if d["index"] == wanted]
    else:
        chosen = [d for d in candidates if wanted.lower() in str(d["name"]).lower()]
    if not chosen:
        names = ", ".join(f"{d['index']}: {d['name']}" for d in candidates)
        raise AudioUnavailable(_missing(kind), f"no {kind} device matches {wanted!r} ({names})")
    return chosen[0]


def _check(kind: Kind, wanted: int | str | None, rate: int | None, channels: int) -> DeviceInfo:
    sd = load_sounddevice(kind)
    device = resolve_device(kind, wanted)
    channels = min(channels, int(device[_channels_key(kind)]))
    rate = rate or round(device["default_samplerate"])
    check = sd.check_output_settings if kind == "output" else sd.check_input_settings
    try:
        check(device=device["index"], channels=channels, samplerate=rate, dtype="float32")
    except (sd.PortAudioError, ValueError) as error:
        raise AudioUnavailable(
            _missing(kind), f"{device['name']} refuses {rate} Hz x{channels}: {error}"
        ) from error
    return DeviceInfo(int(device["index"]), str(device["name"]), int(rate), channels)


def check_output(settings: AudioSettings) -> DeviceInfo:
    """The speaker the settings select, checked to accept float32 audio at the output rate.

    Raises:
        AudioUnavailable: Audio is off, PortAudio is missing, or no speaker works.
    """
    if not settings.enabled:
        raise AudioUnavailable(AUDIO_OFF, "RETROWALK_AUDIO=off")
    return _check("output", settings.output_device, settings.output_rate, 2)


def check_input(settings: AudioSettings) -> DeviceInfo:
    """The microphone the settings select, checked at the rate it will be opened at.

    The rate is ``input_rate`` if set, else ``mic_rate`` if the device accepts it, else the
    device's default rate (the microphone then resamples to ``mic_rate``).

    Raises:
        AudioUnavailable: Audio is off, PortAudio is missing, or no microphone works.
    """
    if not settings.enabled:
        raise AudioUnavailable(AUDIO_OFF, "RETROWALK_AUDIO=off")
    if settings.input_rate is not None:
        return _check("input", settings.input_device, settings.input_rate, 1)
    try:
        return _check("input", settings.input_device, settings.mic_rate, 1)
    except AudioUnavailable:
        return _check("input", settings.input_device, None, 1)


def list_devices() -> str:
    """A readable list of the sound devices (``>`` marks the default input/output)."""
    try:
        sd = load_sounddevice()
        devices = list(sd.query_devices())
        default_in, default_out = sd.default.device
    except AudioUnavailable as error:
        return error.message
    except Exception as error:  # PortAudio errors while listing
        return f"{NO_SPEAKER}\n({error})"
    if not devices:
        return NO_SPEAKER
    lines = []
    for device in devices:
        index = device["index"]
        marks = ("<" if index == default_in else " ") + (">" if index == default_out else " ")
        lines.append(
            f"{marks} {index:2d} {device['name']} ({device['max_input_channels']} in, "
            f"{device['max_output_channels']} out, {device['default_samplerate']:.0f} Hz)"
        )
    lines.append("< default microphone, > default speaker")
    return "\n".join(lines)
