"""The benchmark's targets, checked against the measured figures."""

from __future__ import annotations

from dataclasses import dataclass

from bench_model import SCALED, SINGLE, STOCK, Figures, conversation_ratio

P95_TARGET_S = 0.250
P95_TARGET_USERS = 10
THROUGHPUT_RATIO_TARGET = 1.5
THROUGHPUT_TARGET_USERS = (10, 50)
LATENCY_RATIO_TARGET = 1.5


@dataclass(frozen=True)
class TargetCheck:
    """One target and how the run did.

    Attributes:
        target: What is asked, in words.
        measured: The measured figures, in words.
        met: Whether the target is met; None when it could not be measured.
    """

    target: str
    measured: str
    met: bool | None

    @property
    def verdict(self) -> str:
        """``met``, ``not met`` or ``not measured``."""
        return {True: "met", False: "**not met**", None: "not measured"}[self.met]


def _p95_check(figures: Figures) -> TargetCheck:
    target = (
        f"p95 latency at {P95_TARGET_USERS} concurrent users on the scaled topology "
        f"<= {P95_TARGET_S * 1000:.0f} ms"
    )
    scaled = figures.result(SCALED)
    step = scaled.at(P95_TARGET_USERS) if scaled else None
    if step is None or step.p95_s is None:
        return TargetCheck(target, "n/a", None)
    return TargetCheck(target, f"{step.p95_s * 1000:.0f} ms", step.p95_s <= P95_TARGET_S)


def _throughput_check(figures: Figures, users: int) -> TargetCheck:
    target = (
        f"throughput at {users} users: scaled topology >= {THROUGHPUT_RATIO_TARGET}x "
        "the stock bot's single process"
    )
    scaled, stock = figures.result(SCALED), figures.result(STOCK)
    ours = scaled.at(users) if scaled else None
    theirs = stock.at(users) if stock else None
    if ours is None or theirs is None or theirs.throughput <= 0:
        return TargetCheck(target, "n/a", None)
    ratio = ours.throughput / theirs.throughput
    measured = f"{ours.throughput:.1f} / {theirs.throughput:.1f} msg/s = {ratio:.2f}x"
    return TargetCheck(target, measured, ratio >= THROUGHPUT_RATIO_TARGET)


def _conversation_check(figures: Figures) -> TargetCheck:
    plan = figures.plan
    target = (
        f"RetroWalk single process, {plan.conversation_turns}-turn conversation: p50 of the "
        f"last {plan.window} turns / p50 of the first {plan.window} <= {LATENCY_RATIO_TARGET}"
    )
    single = figures.result(SINGLE)
    ratio = conversation_ratio(single.conversation if single else None, plan.window)
    if ratio is None:
        return TargetCheck(target, "n/a", None)
    return TargetCheck(target, f"{ratio:.2f}", ratio <= LATENCY_RATIO_TARGET)


def check_targets(figures: Figures) -> list[TargetCheck]:
    """Every target of the benchmark, checked."""
    return [
        _p95_check(figures),
        *(_throughput_check(figures, users) for users in THROUGHPUT_TARGET_USERS),
        _conversation_check(figures),
    ]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def p95_explanation(figures: Figures) -> str:
    """Why p95 at 10 closed-loop users is what it is on this machine, with the run's numbers."""
    scaled = figures.result(SCALED)
    step = scaled.at(P95_TARGET_USERS) if scaled else None
    alone = scaled.at(1) if scaled else None
    cores = figures.machine.get("CPUs (nproc)", "?")
    if step is None or step.throughput <= 0 or step.p95_s is None:
        return "The scaled topology was not measured at 10 users in this run."
    users, rate = step.users, step.throughput
    mean_s = users / rate
    needed = users / P95_TARGET_S
    spread = step.p95_s / step.mean_s if step.mean_s else 1.0
    cpu_ms = int(cores) * 1000 / rate if cores.isdigit() else None
    parts = [
        "The closed-loop users send their next message the moment the previous one is "
        f"answered, with no think time, so every one of the {users} users always has a message "
        "in flight and the servers always have work waiting. Then latency is set by "
        "throughput (Little's law): mean latency = users / throughput = "
        f"{users} / {rate:.1f} msg/s = {_ms(mean_s)} (measured mean: "
        f"{_ms(step.mean_s or 0)}), and p95 sits above the mean (here {spread:.1f}x). A p95 of "
        f"at most {_ms(P95_TARGET_S)} with {users} such users needs at least {needed:.0f} "
        "msg/s even if every message took exactly as long as the others, about "
        f"{needed * spread:.0f} msg/s with this run's spread.",
    ]
    if cpu_ms is not None:
        parts.append(
            f"At {rate:.1f} msg/s the {cores} cores give each message at most {cpu_ms:.0f} ms "
            "of CPU, shared by everything a message passes through on this one machine: nginx, "
            "a Rasa instance (NLU, policies, reading and writing the conversation), the action "
            "gateway and an action server, PostgreSQL, Redis, and the load generator itself."
        )
    if alone is not None and alone.p50_s is not None:
        parts.append(
            f"One user alone waits {_ms(alone.p50_s)} (p50) per message: that is the time a "
            "message takes, not queueing; adding Rasa instances on the same 2 cores cannot "
            "shorten it, it only lets more messages wait in parallel."
        )
    think = scaled.think if scaled else None
    if think is not None and think.p95_s is not None and think.think_s is not None:
        low, high = think.think_s
        parts.append(
            f"People pause to read: with {think.users} users each waiting {low:g}-{high:g} s "
            f"after every reply, the same topology answers with p95 {_ms(think.p95_s)} "
            f"(p50 {_ms(think.p50_s or 0)}), because messages rarely queue. That figure is "
            "given below for information; it does not replace the closed-loop figure the "
            "target is checked against."
        )
    return "\n\n".join(parts)


def throughput_explanation(figures: Figures) -> str:
    """Where the scaled topology's throughput gain goes, against both baselines, in words."""
    stock, single, scaled = (figures.result(key) for key in (STOCK, SINGLE, SCALED))
    lines = []
    for users in THROUGHPUT_TARGET_USERS:
        steps = [r.at(users) if r else None for r in (stock, single, scaled)]
        if any(step is None or step.throughput <= 0 for step in steps):
            continue
        base, ours, out = (step.throughput for step in steps if step is not None)
        lines.append(
            f"At {users} users the scaled topology answers {out:.1f} msg/s: {out / ours:.2f}x "
            f"RetroWalk's single process ({ours:.1f} msg/s) and {out / base:.2f}x the stock "
            f"bot's single process ({base:.1f} msg/s); the target, {THROUGHPUT_RATIO_TARGET}x "
            f"the stock bot, is {THROUGHPUT_RATIO_TARGET * base:.1f} msg/s."
        )
    if not lines:
        return ""
    alone = [r.at(1) if r else None for r in (stock, single)]
    if all(step is not None and step.p50_s for step in alone):
        stock_p50, single_p50 = (step.p50_s or 0 for step in alone if step is not None)
        lines.append(
            f"One user alone: a RetroWalk message takes p50 {_ms(single_p50)}, a stock one "
            f"{_ms(stock_p50)}. The stock bot predicts with two TensorFlow policies (TED and "
            "UnexpecTED); RetroWalk predicts with rules and memoization but runs a spaCy "
            "pipeline, its own entity extractor and safety check, and for many messages a "
            "custom action over HTTP (the plan form, profile, plan and walk-log storage, the "
            "progress chart); docs/production.md (Performance) says where its time goes. A "
            "second instance on the same 2 cores adds capacity only where a core was idle: the "
            "instances share the CPU with each other, the action servers, the database and "
            "the load generator, so two instances stay short of twice one. On a machine with "
            "more cores each instance would get its own (not measured here)."
        )
    return "\n\n".join(lines)
