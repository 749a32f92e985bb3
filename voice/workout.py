"""The walk itself: a state machine that says each cue at its time, independent of audio.

A :class:`Workout` runs in two threads of its own: a timer thread that fires cues at their
scheduled walk time and reports status, and a speaker thread that hands the texts, one at
a time and in order, to the ``speak`` callback (text-to-speech and the player), so a slow
utterance never delays the timing of the next cue. The walker's commands (pause, resume,
skip, repeat, time left, stop) and a red flag can come from any thread.

Walk time is the position on the session's timeline: it runs with the clock while walking,
stands still while paused, and jumps ahead on a skip. Every fired cue is recorded with its
scheduled and actual walk time. Nothing polls: the timer thread waits on the clock with an
event that every command sets, and the speaker thread waits on a condition.

Red flags are decided by the caller (the voice coach, with the bot's own
:func:`bot.safety.assessment.assess`, or the bot's stop payload); :meth:`Workout.red_flag`
then stops the walk at once and speaks the safety message before anything else.

One concept (hence over 400 lines): the walk's state machine and its two threads.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.env import env_float
from voice.clock import Clock
from voice.cue_scheduler import Cue, build_cues
from voice.session import WalkSession
from voice.spoken_texts import spoken_duration, summary_text

logger = logging.getLogger(__name__)

Speak = Callable[[str, str], None]
"""``speak(text, kind)``: say ``text``; ``kind`` is the cue kind, ``"repeat"``,
``"red_flag"`` or what :meth:`Workout.say` was given. Called from the speaker thread only
(or from :meth:`Workout.red_flag`'s caller once the speaker has ended), one call at a time."""

WorkoutState = Literal["ready", "running", "paused", "finished", "stopped"]
RED_FLAG = "red_flag"
_EPSILON_S = 1e-6
# Backward time that may be skipped while a session still counts as completed.
COMPLETED_TOLERANCE_S = 1.0
_PHASE_NOUNS = {
    "warmup": "warm-up",
    "backward": "backward bout",
    "forward": "forward stretch",
    "supported_steps": "round",
    "cooldown": "cool-down",
}


@dataclass(frozen=True)
class WorkoutSettings:
    """How often the walk reports its status.

    Attributes:
        status_interval_s: Walk-time seconds between status updates while walking (more
            come on every cue and command). Env ``RETROWALK_STATUS_INTERVAL_S``, default 1.
    """

    status_interval_s: float = 1.0

    def __post_init__(self) -> None:
        """Reject a non-positive interval."""
        if not self.status_interval_s > 0:
            raise ValueError(f"status_interval_s must be positive, got {self.status_interval_s}")

    @classmethod
    def from_env(cls) -> WorkoutSettings:
        """Settings from ``RETROWALK_STATUS_INTERVAL_S`` (default 1)."""
        return cls(
            status_interval_s=env_float(
                "RETROWALK_STATUS_INTERVAL_S", cls.status_interval_s, positive=True
            )
        )


@dataclass(frozen=True)
class FiredCue:
    """A cue as it happened.

    Attributes:
        cue: The cue (for ``finish`` after a skip, with the summary of what was done).
        scheduled_s: Its walk time.
        actual_s: The walk time at which it was handed to the speaker.
    """

    cue: Cue
    scheduled_s: float
    actual_s: float

    @property
    def error_s(self) -> float:
        """How late it fired (negative: early), in walk-time seconds."""
        return self.actual_s - self.scheduled_s


@dataclass(frozen=True)
class StatusSnapshot:
    """What the walk looks like right now.

    Attributes:
        state: ready, running, paused, finished or stopped.
        phase: Label of the current phase (``"Backward 2/3"``; ``"Finished"`` at the end).
        phase_kind: Segment kind of the current phase, None at the end.
        elapsed_s: Walk time (position on the session's timeline).
        time_left_s: Session time left.
        phase_left_s: Time left in the current phase.
        next_cue: The next cue to be said, if any.
        next_cue_in_s: Walk-time seconds until it, if any.
        total_s: Length of the session.
    """

    state: str
    phase: str
    phase_kind: str | None
    elapsed_s: float
    time_left_s: float
    phase_left_s: float
    next_cue: Cue | None
    next_cue_in_s: float | None
    total_s: float


@dataclass(frozen=True)
class WorkoutResult:
    """The outcome of a walk (partial while it is still going).

    Attributes:
        minutes_done: Minutes walked (skipped parts and pauses excluded).
        completed: The walk reached its end without being stopped and without skipping
            backward time.
        stopped_by: Why it was stopped (``"red_flag"``, a command, Ctrl-C...), None if not.
        cues_fired: Every cue said, with scheduled and actual times.
        red_flag: A red flag was reported during the walk.
        backward_minutes_done: Of ``minutes_done``, minutes of backward walking (supported
            steps included): what the bot logs. None when not known (a result rebuilt
            from a stored record); the bot client then logs ``minutes_done``.
        skipped_s: Session time skipped.
        session: The session walked, when known.
    """

    minutes_done: float
    completed: bool
    stopped_by: str | None
    cues_fired: tuple[FiredCue, ...] = ()
    red_flag: bool = False
    backward_minutes_done: float | None = None
    skipped_s: float = 0.0
    session: WalkSession | None = None

    @property
    def minutes_to_log(self) -> float:
        """Backward minutes for the bot's walk log (``minutes_done`` if not known)."""
        if self.backward_minutes_done is not None:
            return self.backward_minutes_done
        return self.minutes_done


class _SpeechQueue:
    """Texts waiting to be spoken; blocking get without polling."""

    def __init__(self) -> None:
        self._items: deque[tuple[str, str]] = deque()
        self._cond = threading.Condition()
        self._closed = False

    def put(self, text: str, kind: str, *, front: bool = False) -> bool:
        with self._cond:
            if self._closed:
                return False
            if front:
                self._items.appendleft((text, kind))
            else:
                self._items.append((text, kind))
            self._cond.notify()
            return True

    def clear(self) -> None:
        with self._cond:
            self._items.clear()

    def close(self) -> None:
        """No more puts; :meth:`get` returns what is left, then None."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def get(self) -> tuple[str, str] | None:
        with self._cond:
            while not self._items and not self._closed:
                self._cond.wait()
            return self._items.popleft() if self._items else None


class Workout:
    """A guided walk: cues on time, pause/resume/skip/repeat/stop, and a red-flag stop.

    Args:
        session: The session to walk.
        cues: Its cues (default: :func:`voice.cue_scheduler.build_cues`).
        clock: The clock walk time runs on (e.g. :class:`voice.clock.MonotonicClock`).
        speak: ``speak(text, kind)``, see :data:`Speak`. It may block while speaking.
        on_status: Called with a :class:`StatusSnapshot` from the timer thread on every
            cue and command and every ``status_interval_s`` of walking.
        settings: Status interval (default :class:`WorkoutSettings`).
        interrupt_speech: Optional; called by :meth:`red_flag` and :meth:`stop` to cut off
            the utterance in progress.
    """

    def __init__(
        self,
        session: WalkSession,
        cues: Sequence[Cue] | None,
        clock: Clock,
        speak: Speak,
        on_status: Callable[[StatusSnapshot], None] | None = None,
        *,
        settings: WorkoutSettings | None = None,
        interrupt_speech: Callable[[], None] | None = None,
    ) -> None:
        self.session = session
        self.cues: tuple[Cue, ...] = tuple(
            sorted(build_cues(session) if cues is None else cues, key=lambda c: c.at_s)
        )
        self._clock = clock
        self._speak = speak
        self._on_status = on_status
        self._settings = settings or WorkoutSettings()
        self._interrupt_speech = interrupt_speech
        self._total = session.total_s

        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._speech = _SpeechQueue()
        self._state: WorkoutState = "ready"
        self._base_pos = 0.0  # walk time when the clock reference below was taken
        self._run_clock0 = 0.0  # clock time at that moment
        self._span_start = 0.0  # start of the current walked stretch (skips break them)
        self._spans: list[tuple[float, float]] = []
        self._skipped_s = 0.0
        self._backward_skipped_s = 0.0
        self._next_index = 0
        self._fired: list[FiredCue] = []
        self._last_said: tuple[str, str] | None = None
        self._stopped_by: str | None = None
        self._red_flag = False
        self._last_status_pos = 0.0
        self._timer: threading.Thread | None = None
        self._speaker: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Start walking now (the first cue is said at once).

        Raises:
            RuntimeError: If it was started before.
        """
        with self._lock:
            if self._state == "stopped" and self._timer is None:
                raise RuntimeError("the walk was stopped before it started (a red flag)")
            if self._state != "ready":
                raise RuntimeError("a workout can only be started once")
            self._state = "running"
            self._run_clock0 = self._clock.now()
            self._speaker = threading.Thread(
                target=self._speak_loop, name="workout-speaker", daemon=True
            )
            self._timer = threading.Thread(
                target=self._timer_loop, name="workout-timer", daemon=True
            )
        self._speaker.start()
        self._timer.start()

    def join(self, timeout: float | None = None) -> bool:
        """Wait until the walk has ended and everything queued has been spoken.

        Args:
            timeout: Longest wait in seconds (None: no limit).

        Returns:
            True if both threads have ended.
        """
        if self._timer is None or self._speaker is None:
            return self._state in ("finished", "stopped")
        self._timer.join(timeout)
        if self._timer.is_alive():
            return False
        self._speaker.join(timeout)
        return not self._speaker.is_alive()

    @property
    def state(self) -> WorkoutState:
        """ready, running, paused, finished or stopped."""
        with self._lock:
            return self._state

    @property
    def ended(self) -> bool:
        """Whether the walk has finished or been stopped."""
        with self._lock:
            return self._state in ("finished", "stopped")

    @property
    def finished(self) -> bool:
        """Same as :attr:`ended`: the walk is over, whether it reached its end or not."""
        return self.ended

    # -- commands -----------------------------------------------------------------------

    def pause(self) -> bool:
        """Freeze walk time. Returns False if not walking."""
        with self._lock:
            if self._state != "running":
                return False
            self._base_pos = self._position()
            self._state = "paused"
        self._wake.set()
        return True

    def resume(self) -> bool:
        """Carry on after :meth:`pause`. Returns False if not paused."""
        with self._lock:
            if self._state != "paused":
                return False
            self._run_clock0 = self._clock.now()
            self._state = "running"
        self._wake.set()
        return True

    def skip(self) -> bool:
        """Jump to the start of the next segment (the end, in the last one).

        The skipped part's cues are not said; the next segment's cue is said at once.
        A paused walk stays paused. Returns False if the walk is not under way.
        """
        with self._lock:
            if self._state not in ("running", "paused"):
                return False
            position = self._position()
            target = self.session.next_phase_start(position)
            self._spans.append((self._span_start, position))
            self._skipped_s += target - position
            self._backward_skipped_s += self.session.backward_seconds_within([(position, target)])
            self._span_start = target
            self._base_pos = target
            self._run_clock0 = self._clock.now()
            while (
                self._next_index < len(self.cues)
                and self.cues[self._next_index].at_s < target - _EPSILON_S
            ):
                self._next_index += 1
        self._wake.set()
        return True

    def repeat(self) -> bool:
        """Say the last cue again. Returns False if nothing was said yet."""
        with self._lock:
            last = self._last_said
        if last is None:
            return False
        return self._speech.put(last[0], "repeat")

    def say(self, text: str, kind: str = "answer") -> bool:
        """Queue other speech (e.g. the bot's answer) so it never talks over a cue.

        Returns:
            False once the walk's speaker has ended (the caller speaks it itself).
        """
        return self._speech.put(text, kind)

    def time_left(self) -> float:
        """Seconds of the session left (frozen while paused)."""
        with self._lock:
            return max(0.0, self._total - self._position())

    def time_left_text(self) -> str:
        """The answer to "how much time is left?", spoken-friendly.

        E.g. ``"4 minutes 12 seconds left, 35 seconds of this backward bout."``
        """
        snap = self.snapshot()
        if snap.state in ("finished", "stopped"):
            return "The walk is over."
        text = f"{spoken_duration(snap.time_left_s)} left"
        if snap.phase_kind is not None and snap.phase_left_s < snap.time_left_s - 0.5:
            noun = _PHASE_NOUNS.get(snap.phase_kind, "part")
            text += f", {spoken_duration(snap.phase_left_s)} of this {noun}"
        if snap.state == "paused":
            text += ". We're paused; say resume when you're ready"
        return text + "."

    def stop(self, reason: str = "user") -> bool:
        """End the walk now; what is queued but not yet spoken is dropped.

        Args:
            reason: Recorded as :attr:`WorkoutResult.stopped_by` (e.g. ``"user"``,
                ``"interrupt"`` for Ctrl-C).

        Returns:
            False if the walk had already ended (or never started).
        """
        with self._lock:
            if not self._end_now(reason):
                return False
            self._speech.clear()
        self._wake.set()
        self._cut_speech()
        return True

    def red_flag(self, message: str) -> bool:
        """A red flag: stop at once and say ``message`` before anything else.

        Queued speech is dropped, the utterance in progress is cut off when
        ``interrupt_speech`` was given, and ``message`` is spoken next by the speaker
        thread. Works in every state: before :meth:`start` or once the speaker has ended,
        ``message`` is spoken on the caller's thread before this returns.

        Returns:
            True if this stopped a walk that was under way.
        """
        with self._lock:
            stopped = self._end_now(RED_FLAG)
            if self._state == "ready":  # never walk after a red flag
                self._state = "stopped"
                self._stopped_by = RED_FLAG
            self._red_flag = True
            self._speech.clear()
            queued = self._speaker is not None and self._speech.put(message, RED_FLAG, front=True)
        self._wake.set()
        self._cut_speech()
        if not queued:
            self._safe_speak(message, RED_FLAG)
        return stopped

    # -- reading ------------------------------------------------------------------------

    def snapshot(self) -> StatusSnapshot:
        """The current status."""
        with self._lock:
            return self._snapshot()

    def fired(self) -> list[FiredCue]:
        """The cues said so far."""
        with self._lock:
            return list(self._fired)

    def result(self) -> WorkoutResult:
        """The outcome so far (final once the walk has ended)."""
        with self._lock:
            position = self._position()
            spans = [*self._spans, (self._span_start, position)]
            walked = sum(max(0.0, end - start) for start, end in spans)
            backward = self.session.backward_seconds_within(spans)
            completed = (
                self._state == "finished"
                and self._stopped_by is None
                and self._backward_skipped_s <= COMPLETED_TOLERANCE_S
            )
            return WorkoutResult(
                minutes_done=walked / 60.0,
                completed=completed,
                stopped_by=self._stopped_by,
                cues_fired=tuple(self._fired),
                red_flag=self._red_flag,
                backward_minutes_done=backward / 60.0,
                skipped_s=self._skipped_s,
                session=self.session,
            )

    # -- internals (call with the lock held unless noted) -------------------------------

    def _position(self) -> float:
        if self._state == "running":
            position = self._base_pos + (self._clock.now() - self._run_clock0)
        else:
            position = self._base_pos
        return min(position, self._total)

    def _end_now(self, reason: str) -> bool:
        """Stop walking (lock held). Returns False if already ended or not started."""
        if self._state not in ("running", "paused"):
            return False
        self._base_pos = self._position()
        self._state = "stopped"
        self._stopped_by = reason
        return True

    def _snapshot(self) -> StatusSnapshot:
        position = self._position()
        phase = self.session.phase_at(position)
        upcoming = self._upcoming()
        return StatusSnapshot(
            state=self._state,
            phase=phase.label if phase else "Finished",
            phase_kind=phase.kind if phase else None,
            elapsed_s=position,
            time_left_s=max(0.0, self._total - position),
            phase_left_s=max(0.0, phase.end_s - position) if phase else 0.0,
            next_cue=upcoming,
            next_cue_in_s=max(0.0, upcoming.at_s - position) if upcoming else None,
            total_s=self._total,
        )

    def _upcoming(self) -> Cue | None:
        if self._state in ("finished", "stopped") or self._next_index >= len(self.cues):
            return None
        return self.cues[self._next_index]

    def _fire(self, cue: Cue, position: float) -> None:
        if cue.kind == "finish" and self._skipped_s > 0:
            spans = [*self._spans, (self._span_start, position)]
            walked = sum(end - start for start, end in spans)
            backward = self.session.backward_seconds_within(spans)
            cue = Cue(cue.at_s, cue.kind, summary_text(self.session, walked, backward), cue.phase)
        self._fired.append(FiredCue(cue, cue.at_s, position))
        self._last_said = (cue.text, cue.kind)
        self._speech.put(cue.text, cue.kind)

    def _step(self) -> float | None:
        """Fire what is due; return the walk time to wake at (None: wait for a command)."""
        if self._state != "running":
            return None
        position = self._position()
        while self._next_index < len(self.cues):
            cue = self.cues[self._next_index]
            if cue.at_s > position + _EPSILON_S:
                break
            self._next_index += 1
            self._fire(cue, position)
        if position >= self._total - _EPSILON_S and (
            self._next_index >= len(self.cues) or self.cues[self._next_index].at_s > self._total
        ):
            self._base_pos = self._total
            self._state = "finished"
            return None
        wake_at = min(self._total, self._last_status_pos + self._settings.status_interval_s)
        if self._next_index < len(self.cues):
            wake_at = min(wake_at, self.cues[self._next_index].at_s)
        return wake_at

    def _timer_loop(self) -> None:
        with self._lock:
            if self._state == "running" and not self._fired and self._base_pos == 0.0:
                # The walk starts when this thread does, so the first cue is on time
                # however long the thread took to start.
                self._run_clock0 = self._clock.now()
        try:
            while True:
                with self._lock:
                    self._wake.clear()
                    wake_at = self._step()
                    snapshot = self._snapshot()
                    self._last_status_pos = snapshot.elapsed_s
                    ended = self._state in ("finished", "stopped")
                    clock_target = (
                        None if wake_at is None else self._run_clock0 + wake_at - self._base_pos
                    )
                self._emit(snapshot)
                if ended:
                    return
                if clock_target is None:
                    self._wake.wait()
                else:
                    self._clock.wait_until(clock_target, self._wake)
        except Exception:  # pragma: no cover - a bug; never leave the walker hanging
            logger.exception("workout timer failed; stopping the walk")
            with self._lock:
                self._end_now("error")
        finally:
            with self._lock:
                if self._state in ("finished", "stopped"):
                    self._spans.append((self._span_start, self._base_pos))
                    self._span_start = self._base_pos
            self._speech.close()

    def _speak_loop(self) -> None:
        while True:
            item = self._speech.get()
            if item is None:
                return
            self._safe_speak(*item)

    def _safe_speak(self, text: str, kind: str) -> None:
        try:
            self._speak(text, kind)
        except Exception:
            logger.exception("speak failed for a %s cue", kind)

    def _cut_speech(self) -> None:
        if self._interrupt_speech is None:
            return
        try:
            self._interrupt_speech()
        except Exception:
            logger.exception("interrupt_speech failed")

    def _emit(self, snapshot: StatusSnapshot) -> None:
        if self._on_status is None:
            return
        try:
            self._on_status(snapshot)
        except Exception:
            logger.exception("on_status failed")
