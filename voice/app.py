"""``retrowalk walk``: put the voice coach together from settings and run one guided walk."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import FrameType
from typing import TextIO

from bot.settings import Settings
from voice.audio.factory import open_microphone, open_player
from voice.audio.microphone import Microphone
from voice.audio.player import Player
from voice.bot_client import BotClient, WalkRefused
from voice.clock import Clock, MonotonicClock, ScaledClock
from voice.coach import VoiceCoach, WalkOutcome
from voice.keyboard import KeyboardInput
from voice.last_session import LastSession
from voice.listen.factory import build_recognizer
from voice.listen.listener import Listener
from voice.listen.recognizer import FallbackRecognizer, Recognizer, Transcript
from voice.listen.wake import build_wake_detector
from voice.pending_logs import PendingLogs
from voice.settings import VoiceSettings
from voice.tts.factory import build_speech
from voice.tts.speech import progress_bar


@dataclass
class VoiceApp:
    """A wired voice coach and what has to be closed after the walk.

    Attributes:
        coach: The coach.
        player: Its player (sound or text-only).
        microphone: The microphone, or None (no device, or text-only).
        listener: The listener on the microphone, or None.
        notices: Messages for the walker about what is not available (no speaker ...).
    """

    coach: VoiceCoach
    player: Player
    microphone: Microphone | None
    listener: Listener | None
    notices: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Stop listening and release the sound devices."""
        if self.listener is not None:
            self.listener.stop()
        if self.microphone is not None:
            self.microphone.stop()
        self.player.close()
        self.coach.speech.close()
        self.coach.bot.close()


def _clock(speed: float) -> Clock:
    return MonotonicClock() if speed == 1 else ScaledClock(speed)


def _verifiers(recognizer: Recognizer) -> list[Recognizer] | None:
    """Reuse the recogniser's engines to verify the wake phrase (one model load each)."""
    if isinstance(recognizer, FallbackRecognizer):
        return [recognizer.primary, recognizer.fallback]
    return [recognizer]


def build_app(
    settings: VoiceSettings,
    *,
    out: TextIO,
    text_only: bool = False,
    listen: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> VoiceApp:
    """Wire bot client, speech, sound devices and listener into a coach.

    Args:
        settings: Voice settings.
        out: Where spoken text and the status line go.
        text_only: No sound at all (cues on screen only).
        listen: Use the microphone (wake phrase and push-to-talk).
        progress: Cue rendering progress callback (default: a bar on ``out``).

    Returns:
        The app; call ``app.coach.run()`` then ``app.close()``.
    """
    notices: list[str] = []
    audio = replace(settings.audio, enabled=False) if text_only else settings.audio
    player, message = open_player(audio, on_error=lambda text: print(text, file=out, flush=True))
    if message:
        notices.append(message)
    microphone: Microphone | None = None
    if listen and message is None:
        microphone, mic_message = open_microphone(audio)
        if mic_message:
            notices.append(mic_message)
    coach = VoiceCoach(
        bot=BotClient.from_settings(settings.bot, settings.sender),
        speech=build_speech(settings.tts),
        player=player,
        clock=_clock(settings.speed),
        pending=PendingLogs(Settings().var_dir / "voice-pending.jsonl"),
        last_session=LastSession(Settings().var_dir / "voice-last-session.json"),
        out=out,
        feedback_timeout_s=settings.feedback_timeout_s,
        duck_gain=audio.duck_gain,
        progress=progress or progress_bar(out),
    )
    listener: Listener | None = None
    if microphone is not None:
        recognizer = build_recognizer(settings.listen)

        def heard(transcript: Transcript) -> None:
            coach.on_transcript(transcript.text, transcript.confidence, transcript.engine)

        listener = Listener(
            microphone,
            settings.listen,
            recognizer=recognizer,
            wake=build_wake_detector(settings.listen, verifiers=_verifiers(recognizer)),
            on_wake=coach.on_wake,
            on_speech_start=coach.on_speech_start,
            on_utterance=heard,
            on_timeout=coach.on_timeout,
        )
        microphone.start()
        coach.attach_listener(listener)
    return VoiceApp(coach, player, microphone, listener, notices)


def walk(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    """Run one guided walk from parsed ``walk`` arguments; returns the exit code."""
    try:
        settings = VoiceSettings()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    changes: dict[str, object] = {}
    if args.sender:
        changes["sender"] = args.sender
    if args.bot_url:
        changes["bot"] = replace(settings.bot, base_url=args.bot_url)
    if args.speed is not None:
        if args.speed <= 0:
            print("error: --speed must be positive", file=sys.stderr)
            return 2
        changes["speed"] = args.speed
    settings = replace(settings, **changes)  # type: ignore[arg-type]

    print(f"==> Preparing your walk (user {settings.sender}) ...", file=out, flush=True)
    app = build_app(settings, out=out, text_only=args.text_only, listen=not args.no_mic)
    for notice in app.notices:
        print(notice, file=out, flush=True)
    how = 'say "hey coach" or press Enter, then speak' if app.listener else "type"
    print(
        f"During the walk, {how}: pause, resume, skip, repeat, time left, stop, or any "
        "question. Type a line and press Enter to say it. Ctrl-C ends the walk and logs it.",
        file=out,
        flush=True,
    )

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        app.coach.interrupt()

    previous = signal.signal(signal.SIGINT, _on_signal)
    push = app.listener.push_to_talk if app.listener else (lambda: None)
    KeyboardInput(sys.stdin, on_push_to_talk=push, on_text=app.coach.on_typed).start()
    try:
        outcome = app.coach.run(week=args.week, day=args.day)
    except WalkRefused:  # screening gives no walk; the coach has said why
        return 3
    except ValueError as error:  # e.g. a week or day outside the plan
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGINT, previous)
        app.close()
    print(_summary(outcome), file=out, flush=True)
    return 0


def _summary(outcome: WalkOutcome) -> str:
    result = outcome.result
    state = "completed" if result.completed else f"ended early ({result.stopped_by})"
    where = "logged to your history" if outcome.logged else "saved here, to log next time"
    return f"Walk {state}: {result.minutes_to_log:.1f} backward minutes, {where}."
