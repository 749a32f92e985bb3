"""The walk state machine on a scaled clock: cue timing, commands, red flags, status line."""

from __future__ import annotations

import io
import random
import threading
from collections.abc import Callable
from typing import Any

import pytest

from voice.clock import ScaledClock
from voice.cue_scheduler import build_cues
from voice.session import WalkSession
from voice.status_line import StatusLine, clock_text, render_status
from voice.workout import (
    StatusSnapshot,
    Workout,
    WorkoutResult,
    WorkoutSettings,
)

TOLERANCE_S = 0.25  # walk-time seconds
WAIT_S = 30.0  # wall-clock limit for any wait in these tests
SAFETY = "Please stop walking now and sit down somewhere safe."


def segment(kind: str, minutes: float, cue: str) -> dict[str, Any]:
    return {"kind": kind, "minutes": minutes, "cue": cue, "steps": None}


def session_of(*segments: dict[str, Any]) -> WalkSession:
    return WalkSession.from_payload(
        {
            "type": "retrowalk_session",
            "week": 2,
            "day": 1,
            "sessions": 3,
            "plan_weeks": 8,
            "technique_focus": "Stand tall and look straight ahead.",
            "treadmill": None,
            "segments": list(segments),
        }
    )


# 3 minutes: warm-up 0-30 s, backward 30-90, forward 90-120, backward 120-150, cool-down 150-180.
SHORT = session_of(
    segment("warmup", 0.5, "Walk forward at an easy pace to warm up."),
    segment("backward", 1.0, "Small, controlled steps."),
    segment("forward", 0.5, "Turn around and walk forward at an easy pace to recover."),
    segment("backward", 0.5, "Small, controlled steps."),
    segment("cooldown", 0.5, "Easy forward walking to cool down."),
)
# 5 minutes with every cue kind: a 2.5-minute bout gets a technique cue.
FULL = session_of(
    segment("warmup", 0.5, "Walk forward at an easy pace to warm up."),
    segment("backward", 2.5, "Toes first, then roll to the heel."),
    segment("forward", 0.5, "Turn around and walk forward at an easy pace to recover."),
    segment("backward", 0.5, "Toes first, then roll to the heel."),
    segment("cooldown", 1.0, "Easy forward walking to cool down."),
)


class Speaker:
    """A ``speak`` callback that records what was said and lets tests await it."""

    def __init__(self, hold: Callable[[str, str], None] | None = None) -> None:
        self.said: list[tuple[str, str]] = []
        self._cond = threading.Condition()
        self._hold = hold

    def __call__(self, text: str, kind: str) -> None:
        with self._cond:
            self.said.append((text, kind))
            self._cond.notify_all()
        if self._hold is not None:
            self._hold(text, kind)

    def wait_for(self, kind: str, count: int = 1) -> None:
        with self._cond:
            ok = self._cond.wait_for(
                lambda: sum(1 for _, k in self.said if k == kind) >= count, WAIT_S
            )
        assert ok, f"{kind} not said; said: {self.said}"

    def kinds(self) -> list[str]:
        with self._cond:
            return [k for _, k in self.said]


class Statuses:
    """An ``on_status`` callback that records snapshots."""

    def __init__(self) -> None:
        self.seen: list[StatusSnapshot] = []
        self._lock = threading.Lock()

    def __call__(self, snapshot: StatusSnapshot) -> None:
        with self._lock:
            self.seen.append(snapshot)


def workout_for(
    session: WalkSession,
    speaker: Speaker,
    speed: float = 60,
    **kwargs: Any,
) -> tuple[Workout, ScaledClock]:
    clock = ScaledClock(speed)
    settings = kwargs.pop("settings", WorkoutSettings(status_interval_s=5.0))
    workout = Workout(session, None, clock, speaker, settings=settings, **kwargs)
    return workout, clock


def walk_until(clock: ScaledClock, walk_seconds: float) -> None:
    """Let ``walk_seconds`` of clock time pass (what a pause must ignore)."""
    assert clock.wait_until(clock.now() + walk_seconds, threading.Event())


def assert_on_time(result: WorkoutResult) -> None:
    for fired in result.cues_fired:
        assert abs(fired.error_s) < TOLERANCE_S, (fired.cue.kind, fired.error_s)


def test_every_cue_fires_on_time_and_is_spoken_in_order() -> None:
    speaker, statuses = Speaker(), Statuses()
    cues = build_cues(FULL)
    assert {c.kind for c in cues} >= {
        "warmup",
        "turn_around",
        "technique",
        "interval",
        "halfway",
        "one_minute_left",
        "cooldown",
        "finish",
    }
    workout, _ = workout_for(FULL, speaker, speed=30, on_status=statuses)
    workout.start()
    assert workout.join(WAIT_S)
    result = workout.result()
    assert [f.cue for f in result.cues_fired] == cues
    assert_on_time(result)
    assert speaker.said == [(c.text, c.kind) for c in cues]
    assert result.completed and result.stopped_by is None and not result.red_flag
    assert result.minutes_done == pytest.approx(5.0, abs=1e-6)
    assert result.backward_minutes_done == pytest.approx(3.0, abs=1e-6)
    assert result.minutes_to_log == result.backward_minutes_done
    assert workout.state == "finished" and workout.time_left() == 0.0


def test_status_follows_the_walk() -> None:
    speaker, statuses = Speaker(), Statuses()
    workout, _ = workout_for(SHORT, speaker, on_status=statuses)
    workout.start()
    assert workout.join(WAIT_S)
    seen = statuses.seen
    assert seen[0].state == "running" and seen[0].phase == "Warm-up"
    assert seen[-1].state == "finished" and seen[-1].phase == "Finished"
    phases = list(dict.fromkeys(s.phase for s in seen))
    assert phases == [
        "Warm-up",
        "Backward 1/2",
        "Forward",
        "Backward 2/2",
        "Cool-down",
        "Finished",
    ]
    lefts = [s.time_left_s for s in seen]
    assert lefts == sorted(lefts, reverse=True)
    # Updates at least every 5 s of walk time, plus one per cue.
    assert len(seen) >= 180 / 5
    for snap in seen[:-1]:
        assert snap.next_cue is not None and snap.next_cue_in_s is not None
        assert snap.elapsed_s + snap.next_cue_in_s == pytest.approx(snap.next_cue.at_s)


def test_pause_freezes_walk_time_and_resume_carries_on() -> None:
    speaker = Speaker()
    workout, clock = workout_for(SHORT, speaker)
    workout.start()
    speaker.wait_for("turn_around")
    assert workout.pause()
    assert not workout.pause()  # already paused
    left = workout.time_left()
    fired = len(workout.fired())
    walk_until(clock, 45)  # past the next cue's time, had the walk gone on
    assert workout.time_left() == left
    assert len(workout.fired()) == fired
    snap = workout.snapshot()
    assert snap.state == "paused" and snap.phase == "Backward 1/2"
    assert "PAUSED" in render_status(snap)
    assert workout.time_left_text().endswith("We're paused; say resume when you're ready.")
    assert workout.resume()
    assert not workout.resume()
    assert workout.join(WAIT_S)
    result = workout.result()
    assert_on_time(result)  # in walk time, which stood still while paused
    assert result.completed
    assert result.minutes_done == pytest.approx(3.0, abs=1e-6)


def test_skip_jumps_to_the_next_segment() -> None:
    speaker = Speaker()
    workout, _ = workout_for(SHORT, speaker)
    workout.start()
    speaker.wait_for("warmup")
    assert workout.skip()
    speaker.wait_for("turn_around")
    assert workout.join(WAIT_S)
    result = workout.result()
    turn = next(f for f in result.cues_fired if f.cue.kind == "turn_around")
    assert turn.scheduled_s == 30.0 and abs(turn.error_s) < TOLERANCE_S
    assert_on_time(result)
    assert 25 < result.skipped_s <= 30
    assert result.minutes_done == pytest.approx((180 - result.skipped_s) / 60, abs=1e-6)
    # Skipping the warm-up leaves every backward minute done: still completed.
    assert result.completed and result.backward_minutes_done == pytest.approx(1.5)


def test_skipping_a_backward_bout_means_not_completed() -> None:
    speaker = Speaker()
    workout, _ = workout_for(SHORT, speaker)
    workout.start()
    speaker.wait_for("turn_around")
    assert workout.skip()
    speaker.wait_for("interval")
    assert workout.join(WAIT_S)
    result = workout.result()
    assert not result.completed and result.stopped_by is None
    assert result.backward_minutes_done == pytest.approx(0.5, abs=0.01)
    interval = next(f for f in result.cues_fired if f.cue.kind == "interval")
    assert abs(interval.error_s) < TOLERANCE_S
    # The finish summary says what was really done.
    assert "of it walking backward" in result.cues_fired[-1].cue.text
    assert "2 minutes" in result.cues_fired[-1].cue.text


def test_repeat_says_the_last_cue_again() -> None:
    speaker = Speaker()
    workout, _ = workout_for(SHORT, speaker)
    assert not workout.repeat()  # nothing said yet
    workout.start()
    speaker.wait_for("warmup")
    assert workout.repeat()
    speaker.wait_for("repeat")
    workout.stop("walker")
    assert workout.join(WAIT_S)
    warmup_text = speaker.said[0][0]
    assert ("repeat" in speaker.kinds()) and (warmup_text, "repeat") in speaker.said


def test_stop_gives_the_partial_walk() -> None:
    speaker = Speaker()
    workout, _ = workout_for(SHORT, speaker)
    workout.start()
    speaker.wait_for("turn_around")
    assert workout.stop("walker")
    assert not workout.stop("again")
    assert workout.join(WAIT_S)
    result = workout.result()
    assert workout.state == "stopped" and workout.finished
    assert not result.completed and result.stopped_by == "walker"
    assert 0.5 <= result.minutes_done < 1.5
    stopped_at = result.minutes_done * 60
    assert all(f.scheduled_s <= stopped_at for f in result.cues_fired)
    assert not workout.pause() and not workout.skip() and not workout.resume()
    assert workout.time_left_text() == "The walk is over."


def test_red_flag_stops_at_once_and_its_message_is_spoken_first() -> None:
    gate = threading.Event()

    def hold(text: str, kind: str) -> None:
        if kind == "warmup":
            gate.wait(WAIT_S)  # a long first utterance, cut off by the red flag

    speaker = Speaker(hold)
    workout, clock = workout_for(SHORT, speaker, interrupt_speech=gate.set)
    workout.start()
    speaker.wait_for("warmup")
    walk_until(clock, 40)  # the turn-around cue is queued behind the warm-up by now
    assert any(f.cue.kind == "turn_around" for f in workout.fired())
    assert workout.red_flag(SAFETY)
    assert workout.state == "stopped"
    assert gate.is_set()  # the utterance in progress was cut off
    assert workout.join(WAIT_S)
    assert speaker.kinds() == ["warmup", "red_flag"]
    assert speaker.said[-1] == (SAFETY, "red_flag")
    result = workout.result()
    assert result.red_flag and result.stopped_by == "red_flag" and not result.completed
    assert result.minutes_done == pytest.approx(40 / 60, abs=0.1)


def test_red_flag_before_the_walk_is_spoken_and_prevents_it() -> None:
    speaker = Speaker()
    workout, _ = workout_for(SHORT, speaker)
    assert not workout.red_flag(SAFETY)
    assert speaker.said == [(SAFETY, "red_flag")]
    assert workout.result().red_flag and workout.state == "stopped"
    with pytest.raises(RuntimeError, match="stopped before it started"):
        workout.start()


def test_other_speech_waits_its_turn_and_a_failing_speak_does_not_end_the_walk() -> None:
    said: list[tuple[str, str]] = []
    done = threading.Event()

    def speak(text: str, kind: str) -> None:
        said.append((text, kind))
        if kind == "warmup":
            raise OSError("audio device gone")
        if kind == "finish":
            done.set()

    workout, _ = workout_for(SHORT, Speaker(), speed=60)
    workout = Workout(SHORT, None, ScaledClock(60), speak)
    workout.start()
    assert workout.say("Backward walking is a coach's answer.", "answer")
    assert done.wait(WAIT_S)
    assert workout.join(WAIT_S)
    assert ("Backward walking is a coach's answer.", "answer") in said
    assert said[-1][1] == "finish" and workout.result().completed
    assert not workout.say("too late")


def test_commands_from_many_threads_keep_the_walk_consistent() -> None:
    speaker = Speaker()
    workout, _ = workout_for(SHORT, speaker, speed=60)
    workout.start()
    speaker.wait_for("warmup")
    errors: list[BaseException] = []

    def hammer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(200):
                action = rng.choice(("pause", "resume", "time_left", "snapshot", "repeat"))
                if action == "pause":
                    workout.pause()
                elif action == "resume":
                    workout.resume()
                elif action == "time_left":
                    assert 0 <= workout.time_left() <= SHORT.total_s
                elif action == "snapshot":
                    workout.snapshot()
                else:
                    workout.repeat()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)
    assert not errors
    workout.resume()
    assert workout.join(WAIT_S)
    result = workout.result()
    cues = build_cues(SHORT)
    # Timing is checked elsewhere: four threads spinning on the GIL would starve any timer.
    assert [f.cue for f in result.cues_fired] == cues
    assert all(f.error_s >= 0 for f in result.cues_fired)
    assert result.completed and result.minutes_done == pytest.approx(3.0, abs=1e-6)


def test_a_workout_starts_once() -> None:
    workout, _ = workout_for(SHORT, Speaker())
    workout.start()
    with pytest.raises(RuntimeError, match="started once"):
        workout.start()
    workout.stop("walker")
    assert workout.join(WAIT_S)


def test_workout_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_STATUS_INTERVAL_S", "0.5")
    assert WorkoutSettings.from_env().status_interval_s == 0.5
    monkeypatch.setenv("RETROWALK_STATUS_INTERVAL_S", "0")
    with pytest.raises(ValueError, match="RETROWALK_STATUS_INTERVAL_S must be positive"):
        WorkoutSettings.from_env()


# -- the status line ----------------------------------------------------------------------


def snapshot(**changes: Any) -> StatusSnapshot:
    cue = next(c for c in build_cues(SHORT) if c.kind == "interval")
    base: dict[str, Any] = {
        "state": "running",
        "phase": "Backward 1/2",
        "phase_kind": "backward",
        "elapsed_s": 55.0,
        "time_left_s": 125.0,
        "phase_left_s": 35.0,
        "next_cue": cue,
        "next_cue_in_s": 35.0,
        "total_s": 180.0,
    }
    return StatusSnapshot(**{**base, **changes})


def test_render_status() -> None:
    assert (
        render_status(snapshot()) == "Backward 1/2 | 02:05 left | next: switch to forward in 0:35"
    )
    assert render_status(snapshot(next_cue=None, next_cue_in_s=None)) == "Backward 1/2 | 02:05 left"
    assert render_status(snapshot(state="finished", elapsed_s=180.0)) == "Finished | 03:00 walked"
    assert clock_text(252) == "04:12" and clock_text(35, pad=False) == "0:35"
    assert clock_text(3723) == "1:02:03"


def test_status_line_redraws_in_place_on_a_terminal() -> None:
    out = io.StringIO()
    line = StatusLine(out, tty=True)
    line.update(snapshot())
    line.update(snapshot(time_left_s=124.0, next_cue_in_s=34.0))
    line.message("Coach: Small, controlled steps.")
    line.update(snapshot(state="paused"))
    line.finish()
    text = out.getvalue()
    assert text.startswith("\rBackward 1/2 | 02:05 left | next: switch to forward in 0:35")
    assert "\rBackward 1/2 | 02:04 left | next: switch to forward in 0:34" in text
    assert "\nCoach: Small, controlled steps.\n" not in text.split("\r")[0]
    assert "Coach: Small, controlled steps.\n\rBackward 1/2" in text
    assert text.endswith("PAUSED\n")


def test_status_line_writes_plain_lines_only_on_change_elsewhere() -> None:
    out = io.StringIO()
    line = StatusLine(out)  # a StringIO is not a terminal
    assert not line.tty
    line.update(snapshot())
    line.update(snapshot(time_left_s=124.0, next_cue_in_s=34.0))  # only seconds changed
    line.update(snapshot(phase="Forward", phase_kind="forward"))
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in out.getvalue()
    assert lines[1].startswith("Forward | 02:05 left")


def test_status_line_shows_a_live_walk() -> None:
    out = io.StringIO()
    line = StatusLine(out, tty=False)
    workout, _ = workout_for(SHORT, Speaker(), on_status=line.update)
    workout.start()
    assert workout.join(WAIT_S)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Warm-up | 03:00 left | next: turn around in 0:30")
    assert lines[-1] == "Finished | 03:00 walked"
