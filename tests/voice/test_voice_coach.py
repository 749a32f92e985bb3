"""The voice coach end to end: real Rasa + action servers, real PulseAudio devices, real speech.

The walker's voice is synthesised (Piper) into the virtual microphone; what the coach says is
recorded from the speaker sink. Walk time runs on an accelerated clock.
"""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
import requests

from bot.plan.generate import starter_plan
from bot.protocol.plan_sessions import plan_session, starter_session
from bot.safety.assessment import RedFlag, assess
from bot.safety.stop_message import stop_message, stop_payload
from operations.ports import free_port
from tests.conftest import LiveCoach
from tests.integration.rest_client import Conversation
from tests.voice.bot_standin import StandIn
from tests.voice.gtts_standin import GttsStandIn
from tests.voice.pulse import PulseAudio, SpeakerRecorder, say_into_mic
from tests.voice.speech import synthesize
from voice import phrases
from voice.app import VoiceApp, build_app
from voice.audio.player import TextOnlyPlayer
from voice.audio.settings import AudioSettings
from voice.bot_client import BotClientSettings, WalkRefused
from voice.coach import WalkOutcome
from voice.listen.settings import ListenSettings
from voice.session import WalkSession
from voice.settings import VoiceSettings
from voice.tts.settings import TtsSettings

pytestmark = [pytest.mark.integration, pytest.mark.audio, pytest.mark.speech]

# Cue audio must reach the speaker within this of its scheduled time (the target).
CUE_TOLERANCE_S = 0.25


@pytest.fixture(scope="module")
def tts_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clip cache for the module: each cue is synthesised once."""
    return tmp_path_factory.mktemp("tts-cache")


@dataclass
class Walk:
    """A walk running in a background thread."""

    app: VoiceApp
    thread: threading.Thread
    outcome: list[WalkOutcome]
    errors: list[BaseException]

    def wait(self, timeout: float = 240.0) -> WalkOutcome:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the walk did not end"
        self.app.close()
        if self.errors:
            raise self.errors[0]
        return self.outcome[0]


def start_walk(settings: VoiceSettings, *, text_only: bool = False, listen: bool = True) -> Walk:
    app = build_app(settings, out=io.StringIO(), text_only=text_only, listen=listen)
    outcome: list[WalkOutcome] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(app.coach.run())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return Walk(app, thread, outcome, errors)


def voice_settings(
    bot_url: str, cache: Path, *, speed: float, feedback_timeout_s: float = 10.0
) -> VoiceSettings:
    return VoiceSettings(
        bot=BotClientSettings(bot_url, timeout_s=10.0),
        sender=f"walker-{uuid.uuid4().hex[:8]}",
        feedback_timeout_s=feedback_timeout_s,
        speed=speed,
        tts=TtsSettings(engines=("piper", "espeak"), cache_dir=cache),
        audio=AudioSettings(),
        listen=ListenSettings(),
    )


def speak(pulse: PulseAudio, text: str) -> float:
    """Say ``text`` into the virtual microphone; returns when it has been played."""
    speech = say_into_mic(pulse, synthesize(text))
    speech.wait()
    assert speech.finished_at is not None
    return speech.finished_at


def since(walk: Walk, mark: int) -> list[object]:
    """The events after ``mark`` with their text, and the microphone's and wake detector's
    counters, for an assertion message (the wake detector's debug log is captured too)."""
    listener = walk.app.listener
    events = walk.app.coach.events
    heard: list[object] = [(e.name, e.data.get("text")) for e in events.all()[mark:]]
    if listener is not None:
        heard.append(getattr(listener.source, "stats", None))
        if listener.wake is not None:
            heard.append(("wake", listener.wake.candidates, listener.wake.detections))
    return heard


def ready(walk: Walk) -> None:
    """Wait until the walk is under way and the listener is loaded."""
    assert walk.app.coach.events.wait_for("cue", 120), "no cue was spoken"
    assert walk.app.listener is not None
    assert walk.app.listener.ready.wait(60), "the listener did not load"


def onset_near(recorder: SpeakerRecorder, when: float, tolerance: float) -> float | None:
    """The recorded burst onset closest to monotonic time ``when``, as an error in seconds."""
    errors = [recorder.start_time + t - when for t in recorder.onsets(threshold=0.02)]
    near = [e for e in errors if abs(e) <= tolerance + 0.5]
    return min(near, key=abs) if near else None


def test_guided_walk_speaks_cues_on_time_fails_over_from_gtts_and_logs_the_walk(
    live_coach: LiveCoach,
    pulse: PulseAudio,
    speaker_recording: SpeakerRecorder,
    gtts_standin: GttsStandIn,
    tts_cache: Path,
) -> None:
    # The online engine hangs: every cue must still be ready before the walk, from Piper.
    gtts_standin.mode = "hang"
    settings = replace(
        voice_settings(live_coach.settings.rasa_url, tts_cache, speed=6.0),
        tts=TtsSettings(
            engines=("gtts", "piper", "espeak"),
            cache_dir=tts_cache / "failover",
            gtts_timeout_s=1.0,
            gtts_base_url=gtts_standin.base_url,
            retry_after_s=3600.0,
        ),
    )
    walk = start_walk(settings)
    events = walk.app.coach.events
    asked = events.wait_for("feedback_asked", 240)
    assert asked is not None, [e.name for e in events.all()]
    speak(pulse, "hey coach, it felt easy")
    outcome = walk.wait()

    prepared = events.all("prerendered")[0].data
    assert prepared["count"] == prepared["wanted"]
    assert len(gtts_standin.texts) == 1  # tried once, then skipped by the circuit breaker

    assert outcome.session.source == "starter"  # a new user has no plan: the bot's starter
    assert outcome.result.completed and outcome.logged
    kinds = [f.cue.kind for f in outcome.result.cues_fired]
    for kind in ("warmup", "turn_around", "halfway", "cooldown", "finish"):
        assert kind in kinds

    # Each cue's audio reaches the speaker at its scheduled time. Cues queued behind a
    # previous cue still playing (the clock runs 6x) are not judged.
    cue_events = events.all("cue")
    first = outcome.result.cues_fired[0]
    walk_zero = cue_events[0].at - first.error_s / settings.speed
    checked = []
    busy_until = 0.0
    for fired, event in zip(outcome.result.cues_fired, cue_events, strict=False):
        scheduled = walk_zero + fired.scheduled_s / settings.speed
        playback = event.data["playback"]
        if scheduled > busy_until + 0.3:
            error = onset_near(speaker_recording, scheduled, CUE_TOLERANCE_S)
            assert error is not None, f"no audio for cue {fired.cue.text!r}"
            checked.append(error)
        busy_until = max(busy_until, scheduled) + playback.duration_s
    assert len(checked) >= 3
    assert max(abs(e) for e in checked) <= CUE_TOLERANCE_S, checked

    # The feedback went to the bot in the same conversation.
    heard = events.all("heard")[-1].data["text"].lower()
    assert "easy" in heard
    tracker = requests.get(
        f"{live_coach.settings.rasa_url}/conversations/{settings.sender}/tracker",
        params={"token": live_coach.token},
        timeout=30,
    ).json()
    user_texts = [e.get("text") or "" for e in tracker["events"] if e["event"] == "user"]
    assert any(t.startswith("/log_walk") for t in user_texts)
    assert any("easy" in t.lower() for t in user_texts)


def test_questions_and_commands_by_voice_mid_walk(
    live_coach: LiveCoach,
    pulse: PulseAudio,
    speaker_recording: SpeakerRecorder,
    tts_cache: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="voice.listen")
    settings = voice_settings(live_coach.settings.rasa_url, tts_cache, speed=2.0)
    walk = start_walk(settings)
    events = walk.app.coach.events
    ready(walk)

    mark = events.count()
    spoken_at = speak(pulse, "hey coach, what are the benefits of walking backwards")
    answered = events.wait_for("answered", 60, after=mark)
    assert answered is not None, [(e.name, e.data.get("text")) for e in events.all()[mark:]]
    heard = events.wait_for("heard", 1, after=mark)
    assert heard is not None and "benefit" in heard.data["text"].lower()
    answer = events.wait_for("answer", 1, after=mark)
    assert answer is not None and answer.data["texts"]
    audio = events.wait_for("answer_audio", 1, after=mark)
    assert audio is not None
    playback = audio.data["playback"]
    assert playback.started_at is not None and playback.started_at > spoken_at
    # The answer was really played: the speaker sink is loud while it plays.
    start = playback.started_at - speaker_recording.start_time
    samples = speaker_recording.samples()
    rate = speaker_recording.rate
    window = samples[int(start * rate) : int((start + playback.duration_s) * rate)]
    assert len(window) and float(np.abs(window).max()) > 0.05

    mark = events.count()
    speak(pulse, "hey coach, pause")
    command = events.wait_for("command", 60, after=mark)
    assert command is not None, since(walk, mark)
    assert command.data["command"] == "pause"
    left_before = walk.app.coach._workout.time_left()  # type: ignore[union-attr]
    mark = events.count()
    speak(pulse, "hey coach, how much time is left")
    command = events.wait_for("command", 60, after=mark)
    assert command is not None, since(walk, mark)
    assert command.data["command"] == "time_left"
    assert walk.app.coach._workout.time_left() == pytest.approx(left_before)  # type: ignore[union-attr]

    mark = events.count()
    speak(pulse, "hey coach, stop the walk")
    command = events.wait_for("command", 60, after=mark)
    assert command is not None, since(walk, mark)
    assert command.data["command"] == "stop"
    # Asked how it felt; say nothing: the walk ends after the feedback time-out.
    outcome = walk.wait()
    assert not outcome.result.completed
    assert outcome.result.stopped_by == "walker"
    assert outcome.logged


def test_red_flag_by_voice_stops_the_walk_when_the_bot_is_down(
    pulse: PulseAudio, speaker_recording: SpeakerRecorder, tts_cache: Path, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    settings = voice_settings(dead, tts_cache, speed=1.0)
    os.environ["RETROWALK_VAR_DIR"] = str(tmp_path)
    try:
        walk = start_walk(settings)
        events = walk.app.coach.events
        ready(walk)
        assert events.wait_for("said", 60, where=lambda e: e.data["text"] == phrases.OFFLINE_START)

        # Local commands work without the bot; questions get a clear "unavailable".
        mark = events.count()
        speak(pulse, "hey coach, how much time is left")
        command = events.wait_for("command", 60, after=mark)
        assert command is not None and command.data["command"] == "time_left"
        mark = events.count()
        speak(pulse, "hey coach, is walking backwards good for my knees")
        unavailable = events.wait_for("bot_unavailable", 60, after=mark)
        assert unavailable is not None and unavailable.data["during"] == "question"

        mark = events.count()
        speak(pulse, "hey coach, I feel dizzy")
        flag = events.wait_for("red_flag", 60, after=mark)
        assert flag is not None
        outcome = walk.wait()
    finally:
        del os.environ["RETROWALK_VAR_DIR"]
    assert outcome.result.red_flag and outcome.result.stopped_by == "red_flag"
    said = [e for e in events.all("said") if e.data.get("kind") == "red_flag"]
    assert said and "stop walking now" in said[0].data["text"].lower()
    assert "dizz" in said[0].data["text"].lower() or "sit down" in said[0].data["text"].lower()
    # The safety message was really played to the end.
    assert said[0].data["playback"].done.is_set()
    assert not outcome.logged
    assert (tmp_path / "voice-pending.jsonl").read_text().count("\n") == 1


def test_no_audio_device_gives_a_text_only_walk(
    live_coach: LiveCoach, no_audio_device: str, tts_cache: Path
) -> None:
    settings = voice_settings(live_coach.settings.rasa_url, tts_cache, speed=60.0)
    walk = start_walk(settings)
    assert isinstance(walk.app.player, TextOnlyPlayer)
    assert walk.app.notices and "text" in walk.app.notices[0].lower()
    assert walk.app.coach.events.wait_for("cue", 120)
    walk.app.coach.on_typed("how much time is left")
    outcome = walk.wait()
    assert outcome.result.completed and outcome.logged
    printed = walk.app.coach.out.getvalue()  # type: ignore[attr-defined]
    assert "Coach:" in printed
    assert any(e.data["command"] == "time_left" for e in walk.app.coach.events.all("command"))


def test_ctrl_c_ends_the_walk_cleanly_and_logs_the_partial_session(
    live_coach: LiveCoach, tts_cache: Path
) -> None:
    sender = f"walker-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "RETROWALK_BOT_URL": live_coach.settings.rasa_url,
        "RETROWALK_SENDER": sender,
        "RETROWALK_TTS_ENGINES": "espeak",
        "RETROWALK_TTS_CACHE": str(tts_cache / "cli"),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "operations.cli", "walk", "--text-only", "--speed", "10"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if sum("Coach:" in seen for seen in lines) == 2:
            process.send_signal(signal.SIGINT)
            break
    rest, _ = process.communicate(timeout=120)
    output = "".join(lines) + rest
    assert process.returncode == 0, output
    assert "ended early (interrupted)" in output
    assert "logged to your history" in output


# -- the bot decides: stop, no walk, the last session offline ----------------------------------


def text_walk_settings(bot_url: str, cache: Path, sender: str) -> VoiceSettings:
    return replace(
        voice_settings(bot_url, cache, speed=30.0, feedback_timeout_s=1.0),
        sender=sender,
        tts=TtsSettings(engines=("espeak",), cache_dir=cache / "espeak"),
    )


def bot_that_stops(stand_in: StandIn, flag: RedFlag) -> None:
    """The stand-in gives the starter session, and answers anything else with the bot's
    stop reply for ``flag`` (text and ``retrowalk_safety`` payload, as action_red_flag)."""
    stop = stop_message(flag, "walking", "US")
    session = starter_session().to_payload()

    def answer(body: dict[str, object]) -> tuple[int, bytes]:
        message = str(body.get("message"))
        if message.startswith("/todays_session"):
            return 200, json.dumps([{"custom": session}]).encode()
        if message.startswith("/log_walk"):
            return 200, b"[]"
        payload = stop_payload(flag, stop)
        return 200, json.dumps([{"text": stop.text}, {"custom": payload}]).encode()

    stand_in.answer = answer


def test_text_walk_stops_when_the_bot_says_stop(
    stand_in: StandIn, tts_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETROWALK_VAR_DIR", str(tmp_path))
    flag = RedFlag(kind="unwell", severity="urgent", who="self", phrase="")
    bot_that_stops(stand_in, flag)
    message = "is this good for my knees"
    assert assess(message, "walking").acute is None  # the local check alone would walk on
    walk = start_walk(text_walk_settings(stand_in.url, tts_cache, "walker-stop"), text_only=True)
    events = walk.app.coach.events
    assert events.wait_for("cue", 120)
    walk.app.coach.on_typed(message)
    outcome = walk.wait()
    assert outcome.result.red_flag and outcome.result.stopped_by == "red_flag"
    said = [e.data["text"] for e in events.all("said") if e.data.get("kind") == "red_flag"]
    assert said == [stop_message(flag, "walking", "US").spoken]
    asked = [b for b in stand_in.received if b.get("message") == message]
    assert asked and asked[0]["metadata"] == {"setting": "walking"}


def test_audio_walk_stops_when_the_bot_says_stop(
    stand_in: StandIn,
    pulse: PulseAudio,
    speaker_recording: SpeakerRecorder,
    tts_cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RETROWALK_VAR_DIR", str(tmp_path))
    flag = RedFlag(kind="unwell", severity="urgent", who="self", phrase="")
    bot_that_stops(stand_in, flag)
    walk = start_walk(voice_settings(stand_in.url, tts_cache, speed=1.0))
    events = walk.app.coach.events
    ready(walk)
    mark = events.count()
    speak(pulse, "hey coach, is this good for my knees")
    assert events.wait_for("red_flag", 60, after=mark)
    outcome = walk.wait()
    assert outcome.result.stopped_by == "red_flag"
    said = [e for e in events.all("said") if e.data.get("kind") == "red_flag"]
    assert said[0].data["text"] == stop_message(flag, "walking", "US").spoken
    assert said[0].data["playback"].done.is_set()


def test_screening_refusal_gives_no_walk_online_or_offline(
    live_coach: LiveCoach, tts_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETROWALK_VAR_DIR", str(tmp_path))
    chat = Conversation(live_coach)
    chat.send("hi")
    chat.say("make me a plan please")
    chat.say("never tried it")
    chat.say("I'm 58")
    chat.say("I have a heart condition")
    for answer in ("indoors at home", "better balance", "20 minutes"):
        chat.say(answer)
    refusal = chat.say("3 days a week")
    assert "cleared you" in refusal and "Week 1" not in refusal

    for url in (live_coach.settings.rasa_url, f"http://127.0.0.1:{free_port()}"):
        app = build_app(
            text_walk_settings(url, tts_cache, chat.sender), out=io.StringIO(), text_only=True
        )
        try:
            with pytest.raises(WalkRefused) as refused:
                app.coach.run()
        finally:
            app.close()
        assert refused.value.reason == "needs_clearance"
        said = [e.data["text"] for e in app.coach.events.all("said")]
        assert said == [phrases.REFUSALS["needs_clearance"]]
        assert not app.coach.events.all("cue")


def test_offline_walk_uses_the_last_session_the_bot_gave(
    stand_in: StandIn, tts_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETROWALK_VAR_DIR", str(tmp_path))
    plan = starter_plan()
    given = plan_session(plan, 1, 2).to_payload()
    given["technique_focus"] = "A focus only this test's bot gives."
    stand_in.answer = lambda body: (
        200,
        json.dumps(
            [{"custom": given}] if "todays_session" in str(body["message"]) else []
        ).encode(),
    )
    outcomes = []
    for _ in ("online", "offline"):
        walk = start_walk(
            text_walk_settings(stand_in.url, tts_cache, "walker-offline"), text_only=True
        )
        assert walk.app.coach.events.wait_for("cue", 120)
        walk.app.coach.on_typed("stop")
        outcomes.append(walk.wait())
        stand_in.close()  # the second walk finds no bot
    first, second = outcomes
    assert first.session.source == "plan" and second.session == first.session
    assert second.session.technique_focus == "A focus only this test's bot gives."
    said = [e.data["text"] for e in walk.app.coach.events.all("said")]
    assert phrases.OFFLINE_LAST in said


def test_offline_walk_with_no_session_from_the_bot_is_the_bots_starter_session(
    tts_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETROWALK_VAR_DIR", str(tmp_path))
    dead = f"http://127.0.0.1:{free_port()}"
    walk = start_walk(text_walk_settings(dead, tts_cache, "walker-never-online"), text_only=True)
    assert walk.app.coach.events.wait_for("cue", 120)
    walk.app.coach.on_typed("stop")
    outcome = walk.wait()
    # The bot's decision as data: its starter session, not one the voice coach made up.
    assert outcome.session == WalkSession.from_payload(
        starter_session().to_payload(), source="starter"
    )
    said = [e.data["text"] for e in walk.app.coach.events.all("said")]
    assert phrases.OFFLINE_START in said
    assert not outcome.logged
