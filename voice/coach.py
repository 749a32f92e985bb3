"""The voice coach: a guided walk with spoken cues, and the walker's voice handled mid-walk.

It is a client of the bot. The session comes from the bot (same user id as the chat), every
question goes to the bot and its answer is spoken, and the walk is logged to the bot afterwards.
It decides only what must not wait for a server: local walk commands (pause, resume, skip,
repeat, time left, stop) and red-flag symptoms, which stop the walk with the bot's own safety
message (``bot.safety``) even when the bot cannot be reached. It never plans: a user with no
plan walks the bot's starter session, a user screening refuses gets no walk, and offline the
coach walks the last session the bot gave it (:mod:`voice.last_session`), refuses when that
was a refusal, and walks the bot's starter session (as data, from
:mod:`bot.protocol.plan_sessions`) when the bot never gave this device anything.

One concept (hence over 400 lines): the guided walk as a client of the bot.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TextIO

from bot.protocol.safety import first_stop, spoken_stop
from bot.safety.assessment import assess
from bot.safety.stop_message import Setting, stop_message
from voice import phrases, sounds_like
from voice.audio.clip import Clip
from voice.audio.player import Playback, Player
from voice.bot_client import BotClient, BotReply, BotUnavailable, WalkRefused
from voice.clock import Clock
from voice.command_meaning import default_command_meaning
from voice.commands import Command, parse_command
from voice.cue_scheduler import Cue, build_cues
from voice.events import EventLog
from voice.last_session import LastSession
from voice.pending_logs import PendingLogs, PendingWalk
from voice.session import WalkSession
from voice.status_line import StatusLine
from voice.tts.base import TtsError
from voice.tts.speech import Speech
from voice.workout import Workout, WorkoutResult

# Longest we wait for one spoken answer to finish before the cues carry on regardless.
_ANSWER_PLAY_LIMIT_S = 120.0


class PushToTalk(Protocol):
    """What the coach needs of a listener."""

    def push_to_talk(self) -> None:
        """Start capturing an utterance now, without the wake phrase."""

    def start(self) -> None:
        """Start listening in the background."""

    def stop(self) -> None:
        """Stop listening."""


@dataclass(frozen=True)
class WalkOutcome:
    """How a guided walk ended.

    Attributes:
        session: The session that was walked.
        result: What was done.
        logged: The walk reached the bot (False: kept on this device to send later).
    """

    session: WalkSession
    result: WorkoutResult
    logged: bool


class VoiceCoach:
    """Runs one guided walk.

    Args:
        bot: The bot, as the walker's user id.
        speech: Speech synthesis with failover and cache.
        player: Where speech is played (a text-only player when there is no device).
        clock: Walk time (``ScaledClock`` to run faster than real time).
        pending: Walk logs waiting for the bot.
        out: Where spoken text and the status line are printed.
        feedback_timeout_s: How long to wait for "how did it feel?" to be answered.
        duck_gain: Cue volume while the walker speaks (``AudioSettings.duck_gain``).
        progress: Called with (done, total) while cues are being rendered.
    """

    def __init__(
        self,
        *,
        bot: BotClient,
        speech: Speech,
        player: Player,
        clock: Clock,
        pending: PendingLogs,
        last_session: LastSession,
        out: TextIO,
        feedback_timeout_s: float = 20.0,
        duck_gain: float = 0.25,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Create the coach; nothing runs until ``run``."""
        self.bot = bot
        self.speech = speech
        self.player = player
        self.clock = clock
        self.pending = pending
        self.last_session = last_session
        self.out = out
        self.feedback_timeout_s = feedback_timeout_s
        self._duck_gain = duck_gain
        self.progress = progress
        self.events = EventLog()
        self.listener: PushToTalk | None = None
        self._clips: dict[str, Clip] = {}
        self._workout: Workout | None = None
        self._inbox: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._finished = threading.Event()
        self._interrupted = threading.Event()
        self._print_lock = threading.Lock()
        self._status = StatusLine(out)
        self._playbacks: list[Playback] = []

    # ------------------------------------------------------------------ wiring

    def attach_listener(self, listener: PushToTalk) -> None:
        """Use ``listener`` for voice input (its callbacks call ``on_*`` below)."""
        self.listener = listener

    def on_wake(self) -> None:
        """The wake phrase was heard: duck the cues so the walker is heard."""
        self.events.add("wake")
        self.player.set_gain("cue", self._duck_gain)

    def on_speech_start(self) -> None:
        """The walker started speaking: duck the cues."""
        self.events.add("speech_start")
        self.player.set_gain("cue", self._duck_gain)

    def on_timeout(self) -> None:
        """Nothing was said after the wake phrase: restore the cues."""
        self.events.add("listen_timeout")
        self.player.set_gain("cue", 1.0)

    def on_transcript(self, text: str, confidence: float = 1.0, engine: str = "") -> None:
        """A recognised utterance (from the listener)."""
        self.events.add("heard", text=text, confidence=confidence, engine=engine, source="voice")
        self.player.set_gain("cue", 1.0)
        self._inbox.put(("voice", text))

    def on_typed(self, text: str) -> None:
        """A line typed on the keyboard, handled like speech."""
        self.events.add("heard", text=text, confidence=1.0, engine="keyboard", source="keyboard")
        self._inbox.put(("keyboard", text))

    def interrupt(self) -> None:
        """Ctrl-C: end the walk now; the partial session is still logged."""
        self._interrupted.set()
        workout = self._workout
        if workout is not None:
            workout.stop("interrupted")
        self._finished.set()

    # ------------------------------------------------------------------ the walk

    def run(self, week: int | None = None, day: int | None = None) -> WalkOutcome:
        """Fetch the session, render its cues, walk it, log it and ask how it felt.

        Raises:
            WalkRefused: The bot gives this user no walk (now, or the last time it was
                reached when it cannot be reached now); the reason has been said.
            ValueError: The bot has no such week or day in the plan.
        """
        self._send_pending()
        try:
            session, note = self._fetch_session(week, day)
        except WalkRefused as refusal:
            self.events.add("refused", reason=refusal.reason)
            self._print(refusal.message)
            self._say_and_wait([phrases.refusal(refusal.reason)], kind="refusal")
            self._finished.set()
            raise
        cues = build_cues(session)
        self._prerender(session, cues, note)
        self._start_worker()
        workout = Workout(
            session,
            cues,
            self.clock,
            self._speak_cue,
            self._status.update,
            interrupt_speech=lambda: self.player.clear("cue"),
        )
        self._workout = workout
        try:
            if note:
                self._say_and_wait([note])
            if self.listener is not None:
                self.listener.start()
            if not self._interrupted.is_set():
                workout.start()
                workout.join()
            self._status.finish()
            result = workout.result()
            self.events.add("finished", completed=result.completed, stopped_by=result.stopped_by)
            logged = self._log_and_ask_feedback(result)
            self._drain()
            return WalkOutcome(session=session, result=result, logged=logged)
        finally:
            self._finished.set()
            self._inbox.put(None)
            if self._worker is not None:
                self._worker.join(timeout=5)
            if self.listener is not None:
                self.listener.stop()

    def _fetch_session(self, week: int | None, day: int | None) -> tuple[WalkSession, str | None]:
        """The bot's session (kept for offline walks) or, offline, the last one it gave."""
        sender = self.bot.sender
        try:
            session = self.bot.todays_session(week=week, day=day)
        except BotUnavailable as error:
            self._print(f"(coach unreachable: {error})")
            self.events.add("bot_unavailable", during="session")
            last = self.last_session.recall(sender)
            if isinstance(last, WalkRefused):
                raise last from error
            if last is not None:
                return last, phrases.OFFLINE_LAST
            return WalkSession.starter(), phrases.OFFLINE_START
        except WalkRefused as refusal:
            self.last_session.remember(sender, refusal)
            raise
        self.last_session.remember(sender, session)
        return session, phrases.NO_PLAN if session.source == "starter" else None

    def _prerender(self, session: WalkSession, cues: Iterable[Cue], note: str | None) -> None:
        texts = [cue.text for cue in cues]
        texts += phrases.fixed_phrases()
        unique = list(dict.fromkeys(t for t in texts if t))
        self.speech.prerender(unique, progress=self.progress)
        for text in unique:
            try:
                self._clips[text] = self.speech.render(text).clip
            except (TtsError, ValueError):
                continue  # spoken text stays on screen; the walk goes on
        self.events.add("prerendered", count=len(self._clips), wanted=len(unique))

    # ------------------------------------------------------------------ speaking

    def _print(self, line: str) -> None:
        with self._print_lock:
            self._status.clear()
            print(line, file=self.out, flush=True)

    def _clip(self, text: str) -> Clip | None:
        clip = self._clips.get(text)
        if clip is not None:
            return clip
        try:
            return self.speech.render(text).clip
        except (TtsError, ValueError):  # ValueError: nothing speakable (emoji only)
            self.events.add("tts_failed", text=text)
            return None

    def _speak_cue(self, text: str, kind: str) -> None:
        """Called by the workout at each cue's time (and for repeats and red flags)."""
        self._print(f"Coach: {text}")
        if kind == "red_flag":
            # Nothing else may be heard over the safety message.
            self.player.clear()
            self.player.resume_channel("answer")
            clip = self._clip(text)
            playback = self.player.play(clip, channel="answer") if clip is not None else None
            if playback is not None:
                self._playbacks.append(playback)
            self.events.add("said", text=text, kind=kind, playback=playback)
            return
        clip = self._clip(text)
        playback = self.player.play(clip, channel="cue") if clip is not None else None
        self.events.add("cue", text=text, kind=kind, playback=playback)

    def _say_and_wait(self, texts: list[str], kind: str = "answer") -> None:
        """Speak ``texts`` on the answer channel, cues held until it ends."""
        self.player.pause_channel("cue")
        try:
            last: Playback | None = None
            for text in texts:
                self._print(f"Coach: {text}")
                for rendered in self._render_sentences(text):
                    playback = self.player.play(rendered, channel="answer")
                    self._playbacks.append(playback)
                    if last is None:
                        self.events.add("answer_audio", text=text, playback=playback)
                    last = playback
                self.events.add("said", text=text, kind=kind)
            if last is not None:
                last.wait(_ANSWER_PLAY_LIMIT_S)
        finally:
            self.player.resume_channel("cue")

    def _render_sentences(self, text: str) -> Iterator[Clip]:
        """The clips of ``text``, each yielded as soon as it is ready.

        The first sentence plays while the next ones are still being rendered.
        """
        prepared = self._clips.get(text)
        if prepared is not None:
            yield prepared
            return
        try:
            for rendered in self.speech.render_sentences(text):
                yield rendered.clip
        except (TtsError, ValueError):  # ValueError: nothing speakable (emoji only)
            self.events.add("tts_failed", text=text)

    # ------------------------------------------------------------------ what the walker says

    def _start_worker(self) -> None:
        self._worker = threading.Thread(target=self._work, name="voice-coach-inbox", daemon=True)
        self._worker.start()

    def _work(self) -> None:
        sounds_like.warm()  # about a second, once: the first command is answered at once
        default_command_meaning()  # the embedder and the model: about a second, once
        while True:
            item = self._inbox.get()
            if item is None:
                return
            _, text = item
            try:
                self.handle(text)
            except Exception as error:  # one bad turn must not end the walk
                self.events.add("error", text=text, error=repr(error))
                self._print(f"(could not handle {text!r}: {error})")

    def handle(self, text: str) -> None:
        """Act on one utterance: red flag first, then local commands, then the bot."""
        text = text.strip()
        if not text:
            self._say_and_wait([phrases.NOT_UNDERSTOOD])
            return
        setting = self.setting()
        flag = assess(text, setting).acute
        if flag is not None:
            self._red_flag(text, stop_message(flag, setting).spoken)
            return
        workout = self._workout
        walking = workout is not None and not workout.ended
        command = parse_command(text)
        if command is not None and walking and workout is not None:
            self._command(workout, command)
            return
        self._ask_bot(text)

    def setting(self) -> Setting:
        """Where the walker is: ``treadmill`` when the session is on one, else ``walking``."""
        workout = self._workout
        on_treadmill = workout is not None and workout.session.treadmill is not None
        return "treadmill" if on_treadmill else "walking"

    def _red_flag(self, text: str, message: str, tell_bot: bool = True) -> None:
        self.events.add("red_flag", text=text, message=message)
        workout = self._workout
        if workout is not None and not workout.ended:
            workout.red_flag(message)
        else:
            self._speak_cue(message, "red_flag")
        if tell_bot:
            # Let the bot record it in the conversation too; its own reply is the same advice.
            threading.Thread(target=self._tell_bot_quietly, args=(text,), daemon=True).start()

    def _tell_bot_quietly(self, text: str) -> None:
        try:
            self.bot.ask(text, setting=self.setting())
        except BotUnavailable:
            self.events.add("bot_unavailable", during="red_flag")

    def _command(self, workout: Workout, command: Command) -> None:
        self.events.add("command", command=command.value)
        if command is Command.PAUSE:
            workout.pause()
        elif command is Command.RESUME:
            workout.resume()
        elif command is Command.SKIP:
            workout.skip()
        elif command is Command.STOP:
            workout.stop("walker")
        if command is Command.REPEAT:
            if not workout.repeat():
                self._say_and_wait([phrases.NOTHING_TO_REPEAT])
            return
        if command is Command.TIME_LEFT:
            self._say_and_wait([workout.time_left_text()])
            return
        self._say_and_wait([phrases.COMMAND_ACKNOWLEDGEMENTS[command]])

    def _ask_bot(self, text: str) -> None:
        try:
            reply = self.bot.ask(text, setting=self.setting())
        except BotUnavailable:
            self.events.add("bot_unavailable", during="question")
            self._say_and_wait([phrases.BOT_UNAVAILABLE])
            return
        stop = first_stop(reply.custom)
        if stop is not None:
            # The bot decided: stop, whatever the local check read.
            self._red_flag(text, spoken_stop(stop) or reply.text, tell_bot=False)
            self.events.add("answered", question=text)
            return
        spoken = _spoken(reply)
        self.events.add("answer", question=text, texts=spoken)
        if spoken:
            self._say_and_wait(spoken)
        self.events.add("answered", question=text)

    # ------------------------------------------------------------------ after the walk

    def _send_pending(self) -> None:
        for walk in self.pending.take(self.bot.sender):
            try:
                self.bot.log_walk(_result_of(walk))
            except BotUnavailable:
                return
            self.pending.done(walk)
            self.events.add("logged", minutes=walk.minutes_done, pending=True)

    def _log_and_ask_feedback(self, result: WorkoutResult) -> bool:
        try:
            reply = self.bot.log_walk(result)
        except BotUnavailable:
            self.pending.add(
                PendingWalk(
                    sender=self.bot.sender,
                    minutes_done=result.minutes_to_log,
                    completed=result.completed,
                    stopped_by=result.stopped_by,
                )
            )
            self.events.add("log_saved_locally", minutes=result.minutes_done)
            if not self._interrupted.is_set():
                self._say_and_wait([phrases.LOG_SAVED_LOCALLY])
            return False
        self.events.add("logged", minutes=result.minutes_done, completed=result.completed)
        if self._interrupted.is_set() or result.red_flag:
            return True
        spoken = _spoken(reply)
        if not spoken:
            return True
        position = self.events.count()
        self._say_and_wait(spoken)
        self.events.add("feedback_asked", texts=spoken)
        if self.listener is not None:
            self.listener.push_to_talk()
        heard = self.events.wait_for(
            ("heard", "listen_timeout"), self.feedback_timeout_s, after=position
        )
        if heard is not None and heard.name == "heard":
            # The worker thread sends it to the bot; wait until the reply has been spoken.
            self.events.wait_for(
                "answered", self.feedback_timeout_s + _ANSWER_PLAY_LIMIT_S, after=position
            )
        return True

    def _drain(self) -> None:
        """Let what is still playing (a red-flag message, the last reply) finish."""
        for playback in list(self._playbacks):
            playback.wait(_ANSWER_PLAY_LIMIT_S)


def _spoken(reply: BotReply) -> list[str]:
    """What of a bot reply is said aloud: its texts, and its buttons as options."""
    texts = [t for t in reply.texts if t.strip()]
    titles = [title for title, _payload in reply.buttons]
    if titles:
        texts.append(phrases.options_sentence(titles))
    return texts


def _result_of(walk: PendingWalk) -> WorkoutResult:
    return WorkoutResult(
        minutes_done=walk.minutes_done,
        completed=walk.completed,
        stopped_by=walk.stopped_by,
        backward_minutes_done=walk.minutes_done,
    )
