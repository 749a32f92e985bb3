"""Finding devices, and the clear message plus text-only walk when there is none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from tests.voice.pulse import PulseAudio
from voice.audio.clip import Clip
from voice.audio.devices import (
    AUDIO_OFF,
    NO_MICROPHONE,
    NO_SOUND_SYSTEM,
    NO_SPEAKER,
    AudioUnavailable,
    check_input,
    check_output,
    list_devices,
)
from voice.audio.factory import open_player
from voice.audio.player import SoundDevicePlayer, TextOnlyPlayer
from voice.audio.settings import AudioSettings, parse_device


def run_python(code: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter (project on the path); it prints one JSON line."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.audio
def test_devices_are_found_by_default_index_and_name(pulse: PulseAudio) -> None:
    default = check_output(AudioSettings())
    assert default.channels == 2 and default.rate == 44100
    by_index = check_output(AudioSettings(output_device=default.index))
    assert by_index == default
    by_name = check_output(AudioSettings(output_device="PULSE"))  # case-insensitive substring
    assert by_name.name == "pulse"
    microphone = check_input(AudioSettings())
    assert microphone.rate == 16000 and microphone.channels == 1
    listing = list_devices()
    assert "pulse" in listing and "default" in listing
    assert any(line.startswith("<>") for line in listing.splitlines())  # default in and out


@pytest.mark.audio
def test_an_unknown_device_name_is_explained(pulse: PulseAudio) -> None:
    with pytest.raises(AudioUnavailable) as raised:
        check_output(AudioSettings(output_device="USB headset"))
    assert str(raised.value) == NO_SPEAKER
    assert "USB headset" in raised.value.detail and "pulse" in raised.value.detail
    with pytest.raises(AudioUnavailable, match="No microphone found"):
        check_input(AudioSettings(input_device=99))


@pytest.mark.audio
def test_open_player_uses_the_speaker_when_there_is_one(pulse: PulseAudio) -> None:
    player, message = open_player(AudioSettings())
    try:
        assert isinstance(player, SoundDevicePlayer) and message is None
        assert player.play(Clip.silence(0.05)).wait(2)
    finally:
        player.close()


@pytest.mark.audio
def test_no_speaker_gives_text_only_player_and_a_clear_message(no_audio_device: str) -> None:
    player, message = open_player(AudioSettings())
    try:
        assert isinstance(player, TextOnlyPlayer)
        assert message == NO_SPEAKER
        assert message.startswith("No speaker or headphones found")
        assert "on-screen text only" in message and "Plug in" in message
        assert "PortAudio" not in message and "Error" not in message  # not technical
        playback = player.play(Clip.silence(0.2))  # the walk's timing still works
        assert playback.wait(2) and playback.finished_at is not None
        assert playback.started_at is not None
        assert playback.finished_at - playback.started_at == pytest.approx(0.2, abs=0.03)
    finally:
        player.close()
    with pytest.raises(AudioUnavailable) as raised:
        check_input(AudioSettings())
    assert str(raised.value) == NO_MICROPHONE and raised.value.detail
    assert list_devices() == NO_SPEAKER


@pytest.mark.audio
def test_audio_off_forces_text_only_even_with_a_speaker(pulse: PulseAudio) -> None:
    player, message = open_player(AudioSettings(enabled=False))
    player.close()
    assert isinstance(player, TextOnlyPlayer) and message == AUDIO_OFF


def test_missing_portaudio_library_gives_text_only_and_a_clear_message() -> None:
    # As on a machine without libportaudio2: sounddevice's import raises OSError.
    outcome = run_python(
        """
        import ctypes.util, json
        ctypes.util.find_library = lambda name: None  # the library is not installed
        from voice.audio.devices import list_devices
        from voice.audio.factory import open_microphone, open_player
        from voice.audio.settings import AudioSettings
        player, message = open_player(AudioSettings())
        microphone, mic_message = open_microphone(AudioSettings())
        print(json.dumps({"player": type(player).__name__, "message": message,
                          "microphone": microphone, "mic_message": mic_message,
                          "listing": list_devices()}))
        """
    )
    assert outcome == {
        "player": "TextOnlyPlayer",
        "message": NO_SOUND_SYSTEM,
        "microphone": None,
        "mic_message": NO_SOUND_SYSTEM,
        "listing": NO_SOUND_SYSTEM,
    }


@pytest.mark.audio
def test_pulse_harness_works_when_sounddevice_was_imported_first(tmp_path: Path) -> None:
    # PortAudio lists devices when sounddevice is imported; the harness re-initialises it.
    outcome = run_python(
        """
        import json, sounddevice
        before = len(sounddevice.query_devices())
        from tests.voice.pulse import PulseAudio
        pulse = PulseAudio().start()
        try:
            names = [d["name"] for d in sounddevice.query_devices()]
        finally:
            pulse.stop()
        after = len(sounddevice.query_devices())
        print(json.dumps({"before": before, "names": names, "after": after}))
        """,
        env={"PULSE_SERVER": f"unix:{tmp_path / 'nothing-here'}"},
    )
    assert outcome["before"] == 0 and outcome["after"] == 0
    assert outcome["names"] == ["pulse", "default"]


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RETROWALK_AUDIO", "RETROWALK_AUDIO_OUTPUT", "RETROWALK_AUDIO_INPUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("RETROWALK_DUCK_GAIN", raising=False)
    monkeypatch.delenv("RETROWALK_AUDIO_LATENCY", raising=False)
    assert AudioSettings.from_env() == AudioSettings()
    monkeypatch.setenv("RETROWALK_AUDIO", "off")
    monkeypatch.setenv("RETROWALK_AUDIO_OUTPUT", "3")
    monkeypatch.setenv("RETROWALK_AUDIO_INPUT", "USB Mic")
    monkeypatch.setenv("RETROWALK_DUCK_GAIN", "0.4")
    monkeypatch.setenv("RETROWALK_AUDIO_LATENCY", "high")
    settings = AudioSettings.from_env()
    assert not settings.enabled
    assert settings.output_device == 3 and settings.input_device == "USB Mic"
    assert settings.duck_gain == 0.4 and settings.latency == "high"
    monkeypatch.setenv("RETROWALK_DUCK_GAIN", "2")
    with pytest.raises(ValueError, match="RETROWALK_DUCK_GAIN"):
        AudioSettings.from_env()
    assert parse_device("") is None and parse_device("default") is None
    with pytest.raises(ValueError):
        AudioSettings(mic_rate=0)
