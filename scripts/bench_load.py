"""The benchmark's load steps: many simulated users at once over the REST channel.

Closed-loop steps use :func:`operations.loadgen.run_load` (every user sends its next
message as soon as the previous one is answered). The think-time step runs the same kind of
users, each waiting a random 1-2 s (the plan's range) after every reply, as a person reading
the answer would.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Sequence

from bench_model import LoadFigures, LoadLevel, load_figures

from operations.loadgen import Turn, run_load

REQUEST_TIMEOUT_S = 60.0
# RetroWalk's REST channel answers 200 with this text when processing raised
# (ERROR_REPLY in bot/rasa_adapters/channels/rest.py; not imported: that module imports Rasa).
ERROR_REPLY_PREFIX = "Sorry, something went wrong on my side."

ScriptFor = Callable[[int, int], list[str]]


def turn_failed(turn: Turn) -> bool:
    """No HTTP 200 with a JSON list, or the REST channel's error reply."""
    return not turn.ok or any(text.startswith(ERROR_REPLY_PREFIX) for text in turn.reply_texts)


def summarize(
    users: int, turns: Sequence[Turn], wall_s: float, think_s: tuple[float, float] | None = None
) -> LoadFigures:
    """The figures of a load step from its turns."""
    answered = [turn for turn in turns if not turn_failed(turn)]
    return load_figures(
        users=users,
        latencies=[turn.latency_s for turn in answered],
        errors=len(turns) - len(answered),
        empty=sum(1 for turn in answered if not turn.replies),
        wall_s=wall_s,
        think_s=think_s,
    )


def scripts_for(users: int, turns: int, script_for: ScriptFor, tag: str) -> dict[str, list[str]]:
    """Distinct senders (a new random prefix every call) and their conversations."""
    prefix = f"bench-{tag}-{uuid.uuid4().hex[:6]}"
    return {f"{prefix}-{user:03d}": script_for(user, turns) for user in range(users)}


def closed_loop(rest_url: str, level: LoadLevel, script_for: ScriptFor) -> LoadFigures:
    """Run a closed-loop step (its rounds one after the other) and summarize it.

    Args:
        rest_url: ``.../webhooks/rest/webhook``.
        level: Users, messages per user, rounds.
        script_for: Each user's conversation from its number and length.
    """
    turns: list[Turn] = []
    wall_s = 0.0
    for _ in range(level.rounds):
        scripts = scripts_for(level.users, level.turns, script_for, f"u{level.users}")
        result = run_load(rest_url, scripts, timeout_s=REQUEST_TIMEOUT_S)
        turns += result.turns
        wall_s += result.wall_s
    return summarize(level.users, turns, wall_s)


def think_time(
    rest_url: str,
    users: int,
    turns: int,
    think_s: tuple[float, float],
    script_for: ScriptFor,
    seed: int = 6,
) -> LoadFigures:
    """Users who wait a random ``think_s`` seconds after every reply (all at once).

    Each user also waits half such a pause before its first message, so the users do not
    all start at the same moment.

    Args:
        rest_url: ``.../webhooks/rest/webhook``.
        users: Concurrent users.
        turns: Messages per user.
        think_s: The range of the pause after each reply, seconds (uniform).
        script_for: Each user's conversation from its number and length.
        seed: Seeds the pauses, so runs pause the same way.
    """
    scripts = scripts_for(users, turns, script_for, "think")
    randoms = {sender: random.Random(seed + number) for number, sender in enumerate(scripts)}

    def pause(sender: str, index: int) -> float:
        # Before the first message too, so that the users start at different moments.
        return randoms[sender].uniform(*think_s) * (0.5 if index == 0 else 1.0)

    result = run_load(rest_url, scripts, timeout_s=REQUEST_TIMEOUT_S, think=pause)
    return summarize(users, result.turns, result.wall_s, think_s)
