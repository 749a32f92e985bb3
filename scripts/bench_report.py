"""The Markdown report (``docs/benchmarks.md``) from the benchmark's figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bench_messages import (
    RETROWALK_CONVERSATION,
    RETROWALK_SINGLE_TURNS,
    STOCK_CONVERSATION,
    STOCK_SINGLE_TURNS,
)
from bench_model import (
    SINGLE,
    STOCK,
    ConfigResult,
    Figures,
    LatencyStats,
    LoadFigures,
    percentile,
)
from bench_targets import check_targets, p95_explanation, throughput_explanation


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} s"


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MiB"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1000:,.0f} ms"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table; the first column left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def targets_section(figures: Figures) -> str:
    """The targets table."""
    rows = [[check.target, check.measured, check.verdict] for check in check_targets(figures)]
    return markdown_table(["Target (2 cores)", "Measured", "Result"], rows)


def _load_row(name: str, step: LoadFigures, label: str) -> list[str]:
    return [
        name,
        label,
        f"{step.messages:,}",
        f"{step.throughput:.1f}",
        _ms(step.p50_s),
        _ms(step.p95_s),
        _ms(step.p99_s),
        f"{step.errors}",
        f"{step.empty}",
    ]


def load_section(results: Sequence[ConfigResult]) -> str:
    """Closed-loop rows for every configuration, then the think-time rows (labelled)."""
    header = ["Configuration", "Users", "Messages", "msg/s", "p50", "p95", "p99", "Errors"]
    header.append("Empty")
    rows = [
        _load_row(result.name, step, f"{step.users} (closed loop)")
        for result in results
        for step in result.load
    ]
    for result in results:
        if result.think is not None and result.think.think_s is not None:
            low, high = result.think.think_s
            label = f"{result.think.users}, **{low:g}-{high:g} s think time**"
            rows.append(_load_row(result.name, result.think, label))
    failed = [[result.name, "failed", *["n/a"] * 7] for result in results if not result.load]
    return markdown_table(header, rows + failed)


def _per_config(results: Sequence[ConfigResult], values: Sequence[str]) -> list[str]:
    return [
        "failed" if result.error and value == "n/a" else value
        for result, value in zip(results, values, strict=True)
    ]


def _parts(parts: dict[str, float], unit: str) -> str:
    if len(parts) < 2:
        return "-"
    if unit == "s":
        return ", ".join(f"{name} {value:.1f} s" for name, value in parts.items())
    return ", ".join(f"{name} {value:,.0f}" for name, value in parts.items()) + " MiB"


Row = tuple[str, Callable[[ConfigResult], str]]


def _metric_table(results: Sequence[ConfigResult], rows: Sequence[Row]) -> str:
    header = ["Metric", *(result.name for result in results)]
    body = [[name, *_per_config(results, [value(r) for r in results])] for name, value in rows]
    return markdown_table(header, body)


def resources_section(results: Sequence[ConfigResult]) -> str:
    """Training, start-up and memory, one column per configuration."""
    rows: list[Row] = [
        ("Preparation (spaCy build / copying the template)", lambda r: _seconds(r.prepare_s)),
        ("Training from scratch (`rasa train --force`)", lambda r: _seconds(r.training_s)),
        ("Start-up until the entry point serves the model", lambda r: _seconds(r.startup_s)),
        ("Start-up by part", lambda r: _parts(r.startup_parts, "s")),
        ("Memory (RSS, all servers) after start-up", lambda r: _mib(r.rss_start_mib)),
        ("Memory (RSS, all servers) after the load steps", lambda r: _mib(r.rss_end_mib)),
        ("Memory by part after the load steps", lambda r: _parts(r.memory_parts, "MiB")),
    ]
    return _metric_table(results, rows)


def _stat(stats: LatencyStats | None, fraction: float, part: slice = slice(None)) -> str:
    if stats is None:
        return "n/a"
    return _ms(percentile(stats.samples[part], fraction))


def _failures(stats: LatencyStats | None) -> str:
    if stats is None:
        return "n/a"
    return f"{stats.errors} errors, {stats.empty} empty / {len(stats.samples) + stats.errors}"


def sequential_section(figures: Figures) -> str:
    """First reply, single turns and the long conversation (single-process configurations)."""
    results = [r for r in (figures.result(STOCK), figures.result(SINGLE)) if r is not None]
    plan = figures.plan
    n, w = plan.conversation_turns, plan.window
    first, last = slice(None, w), slice(-w, None)
    single = f"Single turns ({plan.single_turns} new senders)"
    long = f"{n}-turn conversation"
    rows: list[Row] = [
        ("First reply after start-up", lambda r: _ms(r.first_reply_s)),
        (f"{single}: p50", lambda r: _stat(r.single, 0.5)),
        (f"{single}: p95", lambda r: _stat(r.single, 0.95)),
        ("Single turns: failed / empty replies", lambda r: _failures(r.single)),
        (f"{long}: p50 of turns 1-{w}", lambda r: _stat(r.conversation, 0.5, first)),
        (f"{long}: p50 of turns {n - w + 1}-{n}", lambda r: _stat(r.conversation, 0.5, last)),
        (f"{long}: p95 of all turns", lambda r: _stat(r.conversation, 0.95)),
        (f"{long}: failed / empty replies", lambda r: _failures(r.conversation)),
    ]
    return _metric_table(results, rows)


def _load_average(values: Sequence[float]) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def _messages_line(figures: Figures) -> str:
    plan = figures.plan
    steps = "; ".join(
        f"{level.users} user{'s' if level.users > 1 else ''}: {level.users} x {level.turns} "
        f"messages x {level.rounds} round{'s' if level.rounds > 1 else ''} = {level.messages:,}"
        for level in plan.levels
    )
    low, high = plan.think_s
    return (
        f"Messages per figure: {steps}; think time: {plan.think_users} users x "
        f"{plan.think_turns} messages = {plan.think_users * plan.think_turns}, each user "
        f"pausing a uniform random {low:g}-{high:g} s after every reply (and half that "
        "before its first message, so that users start at different moments)."
    )


def _throughput_met(figures: Figures) -> bool:
    checks = [check for check in check_targets(figures) if check.target.startswith("throughput")]
    return bool(checks) and all(check.met for check in checks)


def render_report(figures: Figures, plot_path: str | None) -> str:
    """The whole Markdown report.

    Args:
        figures: The run's figures.
        plot_path: The plot's path relative to the report, or None if there is no plot.
    """
    plan = figures.plan
    mode = (
        "quick smoke run (`--quick`): few samples, figures not comparable" if plan.quick else "full"
    )
    machine = "\n".join(f"- {key}: {value}" for key, value in figures.machine.items())
    start, end = figures.load_average
    plot = (
        f"\n![Throughput and p95 latency against concurrent users]({plot_path})\n"
        if plot_path
        else ""
    )
    failures = "".join(
        f"\n### {result.name} failed\n\n```text\n{(result.error or '').strip()}\n```\n"
        for result in figures.results
        if result.error
    )
    return f"""# Benchmarks: RetroWalk Coach vs a stock `rasa init` bot

- Date: {figures.date}
- Mode: {mode}
- Run time: {figures.duration_s / 60:.1f} min for the whole run (training included)

Three configurations, measured one after the other in one run (never two at once):
**stock `rasa init`, single process** (Rasa's own starter bot, one `rasa run` process),
**RetroWalk, single process** (what `retrowalk run` starts: one Rasa server and one action
server, SQLite), and **RetroWalk, scaled topology** (PostgreSQL, Redis lock store, 2 Rasa
instances and 2 action servers behind nginx; see `docs/production.md`). Every benchmark server
runs with `RETROWALK_RATE_PER_MINUTE=0`: the per-sender rate limit of the REST channel would
otherwise refuse the simulated users' bursts.

## Targets

{targets_section(figures)}

### What limits p95 on {figures.machine.get("CPUs (nproc)", "?")} cores

{p95_explanation(figures)}

### Why the throughput target is {"met" if _throughput_met(figures) else "missed"}

{throughput_explanation(figures) or "Not measured in this run."}

## Latency and throughput under load

{load_section(figures.results)}
{plot}
{_messages_line(figures)} Closed loop: each user sends its next message as soon as the
previous one is answered. Latency percentiles are over the answered messages; msg/s counts
answered messages over the step's wall time.

## Training, start-up and memory

{resources_section(figures.results)}

## Single turns and a long conversation (single process)

{sequential_section(figures)}
{failures}
## Machine

{machine}
- Load average (1/5/15 min) at start: {_load_average(start)}; at end: {_load_average(end)}

## Reproduce

```sh
{figures.command}
```

## Method and notes

- One invocation measures the stock bot, then RetroWalk single process, then RetroWalk on the
  scaled topology; each configuration's servers are stopped before the next one starts.
  Servers listen on free private ports on 127.0.0.1; the load generator (Python, aiohttp,
  `operations/loadgen.py`) runs on the same cores as the servers.
- Training: `rasa train --force` with an empty, private training cache
  (`RASA_CACHE_DIRECTORY` in the temporary directory). RetroWalk trains through
  `operations.training.ensure_model(force=True)` once; both RetroWalk configurations serve
  that model. Its spaCy pipeline is built first (preparation; a no-op when the installed
  pipeline is current). `rasa init --no-prompt` copies Rasa's template
  (`rasa/cli/initial_project`) and trains it; the benchmark copies the same template and
  trains it once (preparation is the copy).
- Start-up: from launching the servers until the entry point's `GET /status` reports a
  `model_id`. RetroWalk single process: the action server until `/health`, then Rasa. Scaled:
  PostgreSQL, Redis, the action servers (the schema is created meanwhile, so `schema` is part
  of `action_servers`), nginx, then both Rasa instances in parallel (`Topology.timings`).
- Trackers: the stock bot uses Rasa's `SQLTrackerStore` on SQLite; RetroWalk single process
  its `WindowedSQLTrackerStore` on SQLite; scaled, the same store on PostgreSQL.
- Memory: sum of `VmRSS` over each server's process group (`/proc/<pid>/status`); for the
  scaled topology over both Rasa instances, both action servers, nginx, Redis and PostgreSQL.
  Pages shared between processes are counted once per process.
- Load: each user is a new sender with a whole conversation. RetroWalk users greet, ask about
  the benefits, then (in one of three orders, so that at any moment some users are in each
  part) fill the plan form (9 messages: age, conditions, place, goal, minutes, days, today's
  session), log two walks and how they felt and ask for their progress chart, and ask three
  FAQ questions. Stock users greet and then cycle through the stock bot's intents (moods,
  yes/no, bot challenge, goodbye). Before the load steps every entry point (and, scaled, each
  Rasa instance directly) gets one whole unmeasured conversation as warm-up. Errors: no HTTP
  200 within 60 s, or RetroWalk's REST error reply. "Empty": a 200 without any bot message
  (the stock bot says nothing to "yes" or "no" outside its stories).
- Sequential measurements (single-process configurations only, before the load steps): the
  first reply after start-up alone, three unmeasured warm-up messages, then
  {plan.single_turns} single turns each from a new sender (cycling through
  {len(RETROWALK_SINGLE_TURNS)} RetroWalk questions or {len(STOCK_SINGLE_TURNS)} stock
  messages) and one sender's {plan.conversation_turns}-turn conversation (cycling through
  {len(RETROWALK_CONVERSATION)} or {len(STOCK_CONVERSATION)} messages), one request at a time.
- Percentiles are linearly interpolated. A 2-core machine is noisy: other work running at
  the same time (see the load average) shifts every figure, by about 30 % between runs for the
  load figures; compare configurations within one report.
"""
