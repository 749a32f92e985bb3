"""The benchmark's figures: what is measured, how much of it, and the statistics over it.

Plain data with no server code, so the report can be rendered (and tested) from a saved
figures file. Everything here round-trips through JSON (:func:`figures_to_json`,
:func:`figures_from_json`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

STOCK = "stock"
SINGLE = "single"
SCALED = "scaled"
CONFIG_NAMES = {
    STOCK: "stock `rasa init`, single process",
    SINGLE: "RetroWalk, single process",
    SCALED: "RetroWalk, scaled topology",
}


@dataclass(frozen=True)
class LoadLevel:
    """One closed-loop load step.

    Attributes:
        users: Concurrent users, each sending its next message as soon as the previous one
            is answered (no think time).
        turns: Messages per user (one conversation).
        rounds: How many times the step runs, one after the other, with new users each time
            (more samples where there are few users).
    """

    users: int
    turns: int
    rounds: int = 1

    @property
    def messages(self) -> int:
        """Messages the step sends."""
        return self.users * self.turns * self.rounds


@dataclass(frozen=True)
class Plan:
    """How many requests to send.

    Attributes:
        quick: Whether this is a ``--quick`` smoke run.
        single_turns: Single-turn requests, each from a new sender.
        conversation_turns: Turns of the long conversation (one sender).
        window: Turns compared at the start and at the end of the long conversation.
        levels: The closed-loop load steps, in order.
        think_users: Users of the think-time step.
        think_turns: Messages per user of the think-time step.
        think_s: Each user waits a uniform random time in this range (seconds) after each
            reply before sending the next message.
    """

    quick: bool
    single_turns: int
    conversation_turns: int
    window: int
    levels: tuple[LoadLevel, ...]
    think_users: int
    think_turns: int
    think_s: tuple[float, float]


FULL_PLAN = Plan(
    quick=False,
    single_turns=100,
    conversation_turns=300,
    window=30,
    levels=(LoadLevel(1, 20, 3), LoadLevel(10, 20, 2), LoadLevel(50, 20, 1)),
    think_users=10,
    think_turns=10,
    think_s=(1.0, 2.0),
)
QUICK_PLAN = Plan(
    quick=True,
    single_turns=20,
    conversation_turns=60,
    window=10,
    levels=(LoadLevel(1, 10, 1), LoadLevel(10, 6, 1), LoadLevel(50, 4, 1)),
    think_users=10,
    think_turns=3,
    think_s=(1.0, 2.0),
)


@dataclass
class LatencyStats:
    """Latencies of a series of sequential REST requests.

    Attributes:
        samples: Seconds per successful request, in order.
        errors: Requests that failed, answered with a non-200 status, or with the REST
            channel's error reply.
        empty: Successful requests whose reply held no message.
    """

    samples: list[float] = field(default_factory=list)
    errors: int = 0
    empty: int = 0


@dataclass(frozen=True)
class LoadFigures:
    """What one load step measured.

    Attributes:
        users: Concurrent users.
        messages: Messages sent.
        errors: Messages without a proper answer (no HTTP 200, a timeout, or the REST
            channel's error reply).
        empty: Answered messages whose reply held no bot message.
        wall_s: Wall time of the step (sum over its rounds).
        mean_s: Mean latency of the answered messages, seconds (None if none).
        p50_s: Median latency of the answered messages, seconds (None if none).
        p95_s: 95th percentile.
        p99_s: 99th percentile.
        think_s: The think-time range, or None for a closed loop without think time.
    """

    users: int
    messages: int
    errors: int
    empty: int
    wall_s: float
    mean_s: float | None
    p50_s: float | None
    p95_s: float | None
    p99_s: float | None
    think_s: tuple[float, float] | None = None

    @property
    def throughput(self) -> float:
        """Answered messages per second."""
        answered = self.messages - self.errors
        return answered / self.wall_s if self.wall_s > 0 else 0.0


@dataclass
class ConfigResult:
    """Everything measured for one configuration.

    Attributes:
        key: ``stock``, ``single`` or ``scaled``.
        prepare_s: Preparation before training (spaCy build, copying the stock template).
        training_s: Training from scratch (None when the model was reused).
        startup_s: From launching the servers until the entry point serves a loaded model.
        startup_parts: Start-up of each part, seconds.
        rss_start_mib: Resident memory of all the configuration's servers after start-up.
        rss_end_mib: The same after all the load steps.
        memory_parts: Resident memory per part after the load steps, MiB.
        first_reply_s: Latency of the first message after start-up.
        single: Single-turn latencies (single-process configurations).
        conversation: Long-conversation latencies per turn (single-process configurations).
        load: The closed-loop steps.
        think: The think-time step.
        error: Why the measurement stopped early, if it did.
    """

    key: str
    prepare_s: float | None = None
    training_s: float | None = None
    startup_s: float | None = None
    startup_parts: dict[str, float] = field(default_factory=dict)
    rss_start_mib: float | None = None
    rss_end_mib: float | None = None
    memory_parts: dict[str, float] = field(default_factory=dict)
    first_reply_s: float | None = None
    single: LatencyStats | None = None
    conversation: LatencyStats | None = None
    load: list[LoadFigures] = field(default_factory=list)
    think: LoadFigures | None = None
    error: str | None = None

    @property
    def name(self) -> str:
        """The configuration's name in the report."""
        return CONFIG_NAMES.get(self.key, self.key)

    def at(self, users: int) -> LoadFigures | None:
        """The closed-loop step with ``users`` users, if measured."""
        return next((figures for figures in self.load if figures.users == users), None)


@dataclass
class Figures:
    """One benchmark run.

    Attributes:
        plan: What was sent.
        date: When the run started (UTC, human-readable).
        duration_s: Wall time of the whole run.
        machine: CPU, RAM, OS and package versions.
        load_average: The 1/5/15-minute load averages at the start and at the end.
        command: The command line that reproduces the run.
        results: One entry per configuration, in the order measured.
    """

    plan: Plan
    date: str
    duration_s: float
    machine: dict[str, str]
    load_average: tuple[tuple[float, ...], tuple[float, ...]]
    command: str
    results: list[ConfigResult]

    def result(self, key: str) -> ConfigResult | None:
        """The configuration ``key``'s result, if it ran."""
        return next((result for result in self.results if result.key == key), None)


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linearly interpolated percentile (like ``numpy.percentile``'s default).

    Args:
        values: The samples.
        fraction: Between 0 and 1, e.g. 0.95.

    Returns:
        The interpolated value, or None when there are no samples.
    """
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load_figures(
    users: int,
    latencies: Sequence[float],
    errors: int,
    empty: int,
    wall_s: float,
    think_s: tuple[float, float] | None = None,
) -> LoadFigures:
    """Summarize a load step.

    Args:
        users: Concurrent users.
        latencies: Seconds per answered message.
        errors: Messages without a proper answer.
        empty: Answered messages with an empty reply.
        wall_s: Wall time of the step.
        think_s: The think-time range, if any.
    """
    return LoadFigures(
        users=users,
        messages=len(latencies) + errors,
        errors=errors,
        empty=empty,
        wall_s=wall_s,
        mean_s=sum(latencies) / len(latencies) if latencies else None,
        p50_s=percentile(latencies, 0.5),
        p95_s=percentile(latencies, 0.95),
        p99_s=percentile(latencies, 0.99),
        think_s=think_s,
    )


def conversation_ratio(stats: LatencyStats | None, window: int) -> float | None:
    """p50 of the last ``window`` turns divided by the p50 of the first ``window``."""
    if stats is None or len(stats.samples) < 2 * window:
        return None
    early = percentile(stats.samples[:window], 0.5)
    late = percentile(stats.samples[-window:], 0.5)
    return late / early if early and late is not None else None


# --------------------------------------------------------------------------- JSON


def figures_to_json(figures: Figures) -> str:
    """The figures as indented JSON."""
    return json.dumps(asdict(figures), indent=2) + "\n"


def _plan_from(data: dict[str, Any]) -> Plan:
    return Plan(
        quick=bool(data["quick"]),
        single_turns=int(data["single_turns"]),
        conversation_turns=int(data["conversation_turns"]),
        window=int(data["window"]),
        levels=tuple(LoadLevel(**level) for level in data["levels"]),
        think_users=int(data["think_users"]),
        think_turns=int(data["think_turns"]),
        think_s=(float(data["think_s"][0]), float(data["think_s"][1])),
    )


def _load_from(data: dict[str, Any]) -> LoadFigures:
    think = data.get("think_s")
    return LoadFigures(**{**data, "think_s": None if think is None else tuple(think)})


def _stats_from(data: dict[str, Any] | None) -> LatencyStats | None:
    return None if data is None else LatencyStats(**data)


def _result_from(data: dict[str, Any]) -> ConfigResult:
    return ConfigResult(
        **{
            **data,
            "single": _stats_from(data.get("single")),
            "conversation": _stats_from(data.get("conversation")),
            "load": [_load_from(item) for item in data.get("load", [])],
            "think": None if data.get("think") is None else _load_from(data["think"]),
        }
    )


def figures_from_json(text: str) -> Figures:
    """Figures written by :func:`figures_to_json`."""
    data = json.loads(text)
    start, end = data["load_average"]
    return Figures(
        plan=_plan_from(data["plan"]),
        date=str(data["date"]),
        duration_s=float(data["duration_s"]),
        machine=dict(data["machine"]),
        load_average=(tuple(start), tuple(end)),
        command=str(data["command"]),
        results=[_result_from(item) for item in data["results"]],
    )
