"""Building one session: warm-up, backward bouts with forward recovery, cool-down.

Interval structure (§5.3 [SYNTHESIS]): forward warm-up, backward bouts alternating with forward
recovery (beginners 1 min backward : 2 min forward), cool-down. The backward share grows each
week backward time goes up, one rung along ``INTERVAL_LADDER``. Template A's first weeks are
rounds of supported steps at a counter or wall instead (:func:`supported_session`).

A session never exceeds its minutes (hard rule 6 in :mod:`bot.plan.generate`): warm-up and
cool-down shrink first, backward time last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.plan.cues import Cue
from bot.plan.templates import SUPPORTED_ROUND_MINUTES, SUPPORTED_ROUNDS, SUPPORTED_STEPS
from bot.plan.week import Segment, Session

WARMUP_PREFERRED = 5  # §5.1 Hadfield 2017: 5-min forward warm-up
COOLDOWN_PREFERRED = 5  # [SYNTHESIS] "about 3-5 min"; §5.1 Parikh 2022 30-min sessions
WARMUP_FLOOR = 3  # [SYNTHESIS] shortest warm-up when time is tight
COOLDOWN_FLOOR = 3  # [SYNTHESIS] "about 3-5 min"
SHORT_SESSION_MINUTES = 20  # [SYNTHESIS] below this, warm-up and cool-down may go to 1 min
SHORT_SESSION_FLOORS = (1, 1)

# (backward minutes per bout, forward minutes between bouts). The first rung is the §5.3
# beginner ratio 1:2 (of 1:2-4); each later rung has a larger backward share [SYNTHESIS].
INTERVAL_LADDER: tuple[tuple[int, int], ...] = (
    (1, 2),
    (1, 1),
    (2, 1),
    (3, 1),
    (4, 1),
    (5, 1),
    (6, 1),
    (8, 1),
    (10, 1),
)


def _floors(cap: int) -> tuple[int, int]:
    """Shortest warm-up and cool-down for a session of ``cap`` minutes (hard rule 6)."""
    if cap < SHORT_SESSION_MINUTES:
        return SHORT_SESSION_FLOORS
    return WARMUP_FLOOR, COOLDOWN_FLOOR


def _bouts(backward: int, stage: int) -> list[int]:
    bout, _ = INTERVAL_LADDER[stage]
    count = math.ceil(backward / bout)
    return [bout] * (count - 1) + [backward - bout * (count - 1)]


def _core_minutes(backward: int, stage: int) -> int:
    _, recovery = INTERVAL_LADDER[stage]
    return backward + (len(_bouts(backward, stage)) - 1) * recovery


def fit_backward(target: int, stage: int, cap: int) -> int:
    """The most backward minutes, up to ``target``, that fit ``cap`` with the shortest
    warm-up and cool-down (at least 1)."""
    warm, cool = _floors(cap)
    backward = max(1, target)
    while backward > 1 and _core_minutes(backward, stage) + warm + cool > cap:
        backward -= 1
    return backward


def _warm_cool(core: int, cap: int) -> tuple[int, int]:
    """Warm-up and cool-down for the time left; warm-up gets priority."""
    warm_floor, cool_floor = _floors(cap)
    spare = cap - core
    warm = max(warm_floor, min(WARMUP_PREFERRED, spare - cool_floor))
    cool = max(cool_floor, min(COOLDOWN_PREFERRED, spare - warm))
    return warm, cool


@dataclass(frozen=True)
class Place:
    """Where the walker practises, for the cues of warm-up, bouts and recovery."""

    location: str
    treadmill: bool

    def backward_cue(self) -> str:
        if self.treadmill:
            # §3.4: rails at first; never look behind you on a treadmill.
            return "Eyes ahead, rails within reach; never look behind you."
        if self.location == "indoor_support":
            # §3.4: clear hallway, someone nearby if unsure.
            return "Stay beside a wall or counter in a clear hallway, with someone nearby."
        # §4 look-behind cue; §3.4 flat, quiet path.
        return "Check the path behind you before each bout, and stop to glance back."

    def recovery_cue(self) -> str:
        if self.treadmill:
            # §3.4: keep one comfortable speed; don't reach back for the console.
            return "Holding the rails, turn to face forward and walk at the same speed."
        return "Turn around and walk forward at an easy pace to recover."

    def warmup_cue(self) -> str:
        if self.treadmill:
            return (
                "Clip the safety key to your clothing, then walk forward at an easy pace "
                "to warm up."
            )
        return "Walk forward at an easy pace to warm up."


def interval_session(backward: int, stage: int, cap: int, focus: Cue, place: Place) -> Session:
    """Warm-up, ``backward`` minutes in bouts at ladder rung ``stage``, cool-down."""
    _, recovery = INTERVAL_LADDER[stage]
    bouts = _bouts(backward, stage)
    warm, cool = _warm_cool(_core_minutes(backward, stage), cap)
    cue = f"{focus.short}. {place.backward_cue()}"
    segments = [Segment("warmup", float(warm), place.warmup_cue())]
    for index, minutes in enumerate(bouts):
        if index:
            segments.append(Segment("forward", float(recovery), place.recovery_cue()))
        segments.append(Segment("backward", float(minutes), cue))
    segments.append(Segment("cooldown", float(cool), "Easy forward walking to cool down."))
    return Session(tuple(segments))


def supported_session(number: int, cap: int) -> Session:
    """Template A's week ``number`` (1 or 2): rounds of supported steps at a counter."""
    warm_floor, cool_floor = _floors(cap)
    rounds = max(
        1, min(SUPPORTED_ROUNDS, (cap - warm_floor - cool_floor) // SUPPORTED_ROUND_MINUTES)
    )
    core = rounds * SUPPORTED_ROUND_MINUTES
    warm, cool = _warm_cool(core, cap)
    if number == 1:
        # §3.4 LifeCurve: side-on at a counter, 2-3 steps back, turn and repeat, ~10 steps.
        cue = (
            "Stand side-on at a kitchen counter or wall with one hand on it. Take 2-3 steps "
            "back, turn and repeat, until about 10 steps. Stand tall, eyes up."
        )
    else:
        # §3.4 Eldergym: one hand on the wall, about 10 steps backward.
        cue = (
            "One hand on the counter or wall: walk about 10 steps backward in one go, then "
            "rest. Stand tall, eyes up."
        )
    segments = [Segment("warmup", float(warm), "Walk forward at an easy pace to warm up.")]
    segments.extend(
        Segment("supported_steps", float(SUPPORTED_ROUND_MINUTES), cue, SUPPORTED_STEPS)
        for _ in range(rounds)
    )
    segments.append(Segment("cooldown", float(cool), "Easy forward walking to cool down."))
    return Session(tuple(segments))
