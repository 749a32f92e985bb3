"""Benchmark RetroWalk Coach against a stock ``rasa init`` bot and write a Markdown report.

Usage::

    .venv/bin/python scripts/benchmark.py [--quick] [--out docs/benchmarks.md] [--keep]

Both bots are measured in one run, one after the other (never two Rasa servers at once),
on private ports, with temporary databases, models and training caches:

* training time from scratch (``rasa train --force`` with an empty training cache);
* start-up time from launching the Rasa server until ``/status`` reports a loaded model
  (RetroWalk's action server is started first and timed separately);
* resident memory (VmRSS) of the Rasa server's process group after start-up and after the
  latency runs;
* REST latency (``/webhooks/rest/webhook``) of single turns, each from a new sender;
* a long conversation: one sender, many turns; the p50 latency of the last turns divided by
  the p50 of the first turns (target: at most 1.5).

``--quick`` runs fewer iterations (a smoke test; its figures are not comparable). Every
server started here is stopped on exit, on error and on Ctrl-C. If RetroWalk cannot be
trained or started, the stock baseline is still measured, the failure is reported, and the
exit status is 1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from types import FrameType

import requests
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bot.runtime import servers, training  # noqa: E402
from bot.runtime.quiet import QUIET_ENV  # noqa: E402
from bot.runtime.settings import Settings  # noqa: E402

ACTION_SERVER_TIMEOUT_S = 60.0
RASA_SERVER_TIMEOUT_S = 300.0
SUBPROCESS_TIMEOUT_S = 1800.0
REQUEST_TIMEOUT_S = 60.0
LATENCY_RATIO_TARGET = 1.5
# RetroWalk's REST channel answers 200 with this text when processing raised
# (ERROR_REPLY in bot/rasa_adapters/channels/rest.py; not imported: that module imports Rasa).
ERROR_REPLY_PREFIX = "Sorry, something went wrong on my side."

RETROWALK_SINGLE_TURNS = (
    "hi",
    "What is retro walking?",
    "Why should I walk backwards at all?",
    "Does walking backwards help with balance?",
    "Which muscles does backward walking work?",
    "Is walking backwards good for my knees?",
    "Can it help with lower back pain?",
    "How do I get started with backward walking?",
    "How long should each session be?",
    "How fast should I walk backwards?",
    "Can I walk backwards on a treadmill?",
    "Should I land on my toes or my heels?",
    "Should I turn my head to look behind me?",
    "How do I avoid falling while walking backwards?",
    "Is it safe for my 75 year old mother?",
    "Is it ok to walk backwards at night?",
    "What shoes should I wear for retro walking?",
    "My calves are sore after yesterday, is that normal?",
    "What's the weather like tomorrow?",
    "Tell me a joke",
)

RETROWALK_CONVERSATION = (
    "hello",
    "What is retro walking?",
    "Does walking backwards help with balance?",
    "is that proven?",
    "How do I get started?",
    "How long should each session be?",
    "Should I turn my head to look behind me?",
    "How do I avoid falling?",
    "Is it safe for older adults?",
    "What shoes should I wear?",
    "Can I do it on a treadmill?",
    "What's the weather like tomorrow?",
    "thanks",
    "are you a bot?",
)

STOCK_SINGLE_TURNS = (
    "hi",
    "hello",
    "good morning",
    "I am sad",
    "I feel very unhappy",
    "I am great",
    "I am feeling very good",
    "yes",
    "no",
    "are you a bot?",
    "bye",
    "goodbye",
)

STOCK_CONVERSATION = (
    "hi",
    "I am sad",
    "yes",
    "I am feeling very good",
    "are you a bot?",
    "I am unhappy",
    "no",
    "bye",
)


class BenchmarkError(RuntimeError):
    """A step of the benchmark failed; the message says which and where to look."""


@dataclass(frozen=True)
class Plan:
    """How many requests to send.

    Attributes:
        quick: Whether this is a ``--quick`` smoke run.
        single_turns: Single-turn requests, each from a new sender.
        conversation_turns: Turns of the long conversation (one sender).
        window: Turns compared at the start and at the end of the long conversation.
    """

    quick: bool
    single_turns: int
    conversation_turns: int
    window: int


FULL_PLAN = Plan(quick=False, single_turns=100, conversation_turns=300, window=30)
QUICK_PLAN = Plan(quick=True, single_turns=20, conversation_turns=60, window=10)


@dataclass
class LatencyStats:
    """Latencies of a series of REST requests.

    Attributes:
        samples: Seconds per successful request, in order.
        errors: Requests that failed, answered with a non-200 status, or with the REST
            channel's error reply.
        empty: Successful requests whose reply held no message.
    """

    samples: list[float] = field(default_factory=list)
    errors: int = 0
    empty: int = 0


@dataclass
class BotResult:
    """Everything measured for one bot.

    Attributes:
        name: The bot's name in the report.
        training_s: ``rasa train --force`` wall time.
        prepare_s: Other preparation (spaCy pipeline build, or ``rasa init``), if any.
        action_startup_s: Action server start-up time, if the bot has one.
        action_rss_mib: Action server RSS after start-up.
        startup_s: Rasa server start-up time until ``/status`` reports a model.
        rss_start_mib: Rasa server RSS after start-up.
        rss_end_mib: Rasa server RSS after the latency runs.
        first_reply_s: Latency of the first message after start-up.
        single: Single-turn latencies.
        conversation: Long-conversation latencies, per turn.
        error: Why the measurement stopped early, if it did.
    """

    name: str
    training_s: float | None = None
    prepare_s: float | None = None
    action_startup_s: float | None = None
    action_rss_mib: float | None = None
    startup_s: float | None = None
    rss_start_mib: float | None = None
    rss_end_mib: float | None = None
    first_reply_s: float | None = None
    single: LatencyStats | None = None
    conversation: LatencyStats | None = None
    error: str | None = None


# --------------------------------------------------------------------------- helpers


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear-interpolated percentile (like ``numpy.percentile``'s default).

    Args:
        values: The samples (not empty).
        fraction: Between 0 and 1, e.g. 0.95.

    Returns:
        The interpolated value.
    """
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(path: Path, lines: int = 30) -> str:
    """The last ``lines`` lines of a text file, or an empty string."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def process_group_rss_mib(pgid: int) -> tuple[float, int]:
    """Sum VmRSS over the processes of a process group (servers run in their own session).

    Args:
        pgid: The process group id (the server's pid, as it was started in a new session).

    Returns:
        (RSS in MiB, number of processes). Shared pages are counted once per process.
    """
    total_kib = 0
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat[stat.rindex(")") + 2 :].split()[2]) != pgid:
                continue
            status = (entry / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kib += int(line.split()[1])
                count += 1
                break
    return total_kib / 1024, count


def run_logged(command: list[str], cwd: Path, log: Path, what: str) -> float:
    """Run a command with its output in ``log``; fail with the log's tail.

    Args:
        command: The command line.
        cwd: Working directory.
        log: File for stdout and stderr.
        what: What the command does, for the error message.

    Returns:
        Wall time in seconds.

    Raises:
        BenchmarkError: If the command fails or times out.
    """
    env = dict(os.environ)
    env.update(QUIET_ENV)
    started = time.perf_counter()
    with log.open("w") as out:
        try:
            result = subprocess.run(
                command,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=SUBPROCESS_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise BenchmarkError(f"{what} timed out after {SUBPROCESS_TIMEOUT_S:.0f} s") from error
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise BenchmarkError(
            f"{what} failed (exit {result.returncode}). Last lines of {log}:\n{tail(log)}"
        )
    return elapsed


def quiet_rasa(*args: str) -> list[str]:
    """A ``rasa`` command line run through :mod:`bot.runtime.quiet`."""
    return [sys.executable, "-m", "bot.runtime.quiet", "rasa", *args]


def wait_for_rasa(server: servers.ServerProcess, settings: Settings) -> float:
    """Seconds until the Rasa server's ``/status`` reports a loaded model.

    Raises:
        servers.ServerError: If the server exits or does not become ready in time.
    """
    return servers.wait_until(
        server, lambda: servers.rasa_server_ready(settings), RASA_SERVER_TIMEOUT_S, poll=0.1
    )


# --------------------------------------------------------------------------- REST client


class RestClient:
    """Times messages sent to a Rasa server's REST channel (127.0.0.1 only)."""

    def __init__(self, settings: Settings, server: servers.ServerProcess) -> None:
        """Create a client for the server described by ``settings``."""
        self.url = f"http://127.0.0.1:{settings.rasa_port}/webhooks/rest/webhook"
        self.server = server
        self.session = requests.Session()

    def close(self) -> None:
        """Close the HTTP session."""
        self.session.close()

    def send(self, sender: str, text: str, stats: LatencyStats) -> None:
        """Send one message and record its latency in ``stats``.

        Raises:
            BenchmarkError: If the server process has exited.
        """
        started = time.perf_counter()
        try:
            reply = self.session.post(
                self.url, json={"sender": sender, "message": text}, timeout=REQUEST_TIMEOUT_S
            )
            elapsed = time.perf_counter() - started
            body = reply.json() if reply.status_code == 200 else None
            ok = isinstance(body, list) and not any(
                str(message.get("text", "")).startswith(ERROR_REPLY_PREFIX)
                for message in body
                if isinstance(message, dict)
            )
        except (requests.RequestException, ValueError):
            ok, body, elapsed = False, None, 0.0
        if not ok:
            stats.errors += 1
            if self.server.process.poll() is not None:
                raise BenchmarkError(
                    f"The {self.server.name} server exited (code {self.server.process.returncode})."
                    f" Last lines of {self.server.log_path}:\n{self.server.log_tail()}"
                )
            return
        stats.samples.append(elapsed)
        if not body:
            stats.empty += 1

    def single_turns(self, messages: Sequence[str], count: int) -> LatencyStats:
        """``count`` new senders, one message each, cycling through ``messages``."""
        stats = LatencyStats()
        run_id = uuid.uuid4().hex[:8]
        for index in range(count):
            self.send(f"bench-{run_id}-single-{index}", messages[index % len(messages)], stats)
        return stats

    def conversation(self, messages: Sequence[str], turns: int) -> LatencyStats:
        """One sender, ``turns`` messages, cycling through ``messages``."""
        stats = LatencyStats()
        sender = f"bench-{uuid.uuid4().hex[:8]}-long"
        for index in range(turns):
            self.send(sender, messages[index % len(messages)], stats)
        return stats


def measure_latencies(
    result: BotResult,
    settings: Settings,
    server: servers.ServerProcess,
    plan: Plan,
    messages: tuple[Sequence[str], Sequence[str]],
) -> None:
    """Run the latency tests against a ready server and record them and its RSS in ``result``.

    Args:
        result: Where the figures go.
        settings: Ports of the server.
        server: The Rasa server process.
        plan: How many requests.
        messages: (single-turn messages, long-conversation messages).
    """
    result.rss_start_mib = process_group_rss_mib(server.process.pid)[0]
    client = RestClient(settings, server)
    try:
        first = LatencyStats()
        client.send(f"bench-{uuid.uuid4().hex[:8]}-warmup", messages[0][0], first)
        result.first_reply_s = first.samples[0] if first.samples else None
        warmup = LatencyStats()
        for text in messages[0][1:4]:
            client.send(f"bench-{uuid.uuid4().hex[:8]}-warmup", text, warmup)
        print(f"    {plan.single_turns} single turns ...", flush=True)
        result.single = client.single_turns(messages[0], plan.single_turns)
        print(f"    {plan.conversation_turns}-turn conversation ...", flush=True)
        result.conversation = client.conversation(messages[1], plan.conversation_turns)
    finally:
        client.close()
    result.rss_end_mib = process_group_rss_mib(server.process.pid)[0]


# --------------------------------------------------------------------------- the two bots


def bench_retrowalk(work: Path, plan: Plan) -> BotResult:
    """Train, start and measure RetroWalk Coach (this repository).

    Args:
        work: A private temporary directory.
        plan: How many requests.

    Returns:
        The figures; ``error`` is set if a step failed.
    """
    result = BotResult(name="RetroWalk Coach")
    var_dir = work / "retrowalk-var"
    settings = replace(
        Settings(),
        var_dir=var_dir,
        database_url=f"sqlite:///{var_dir / 'retrowalk.db'}",
        rasa_port=free_port(),
        action_port=free_port(),
        models_dir=work / "retrowalk-models",
        host="127.0.0.1",
        cors=(),
    )
    running: list[servers.ServerProcess] = []
    try:
        print("==> RetroWalk Coach: building the spaCy pipeline ...", flush=True)
        started = time.perf_counter()
        training.build_spacy_pipeline(settings.root)
        result.prepare_s = time.perf_counter() - started
        print("==> RetroWalk Coach: training from scratch (rasa train --force) ...", flush=True)
        log = work / "retrowalk-train.log"
        started = time.perf_counter()
        try:
            model = training.ensure_model(settings.root, settings.models_dir, force=True, log=log)
        except training.TrainingError as error:
            raise BenchmarkError(f"{error}\nLast lines of {log}:\n{tail(log)}") from error
        result.training_s = time.perf_counter() - started
        print(f"    trained in {result.training_s:.1f} s", flush=True)

        print("==> RetroWalk Coach: starting the action server ...", flush=True)
        started = time.perf_counter()
        actions = servers.start_action_server(settings)
        running.append(actions)
        servers.wait_until(
            actions, lambda: servers.action_server_ready(settings), ACTION_SERVER_TIMEOUT_S, 0.05
        )
        result.action_startup_s = time.perf_counter() - started
        result.action_rss_mib = process_group_rss_mib(actions.process.pid)[0]

        print("==> RetroWalk Coach: starting the Rasa server ...", flush=True)
        started = time.perf_counter()
        rasa = servers.start_rasa_server(settings, model)
        running.append(rasa)
        wait_for_rasa(rasa, settings)
        result.startup_s = time.perf_counter() - started
        print(f"    ready in {result.startup_s:.1f} s", flush=True)
        measure_latencies(
            result, settings, rasa, plan, (RETROWALK_SINGLE_TURNS, RETROWALK_CONVERSATION)
        )
    except (training.TrainingError, servers.ServerError, BenchmarkError) as error:
        result.error = str(error)
        print(f"error: RetroWalk Coach: {error}", file=sys.stderr, flush=True)
    finally:
        for server in reversed(running):
            server.stop()
    return result


def prepare_stock_bot(work: Path) -> tuple[Path, Path, float, float]:
    """Create the stock ``rasa init`` bot and train it again from scratch.

    Args:
        work: A private temporary directory.

    Returns:
        (bot directory, model path, ``rasa init`` seconds, ``rasa train --force`` seconds).

    Raises:
        BenchmarkError: If init or training fails.
    """
    bot_dir = work / "stock"
    bot_dir.mkdir()
    print("==> stock rasa init: creating the bot (trains its default model) ...", flush=True)
    init_s = run_logged(
        quiet_rasa("init", "--no-prompt", "--init-dir", str(bot_dir)),
        PROJECT_ROOT,
        work / "stock-init.log",
        "rasa init",
    )
    print("==> stock rasa init: training from scratch (rasa train --force) ...", flush=True)
    train_s = run_logged(
        quiet_rasa("train", "--force", "--out", "models", "--fixed-model-name", "stock-bench"),
        bot_dir,
        work / "stock-train.log",
        "rasa train --force (stock bot)",
    )
    print(f"    trained in {train_s:.1f} s", flush=True)
    model = bot_dir / "models" / "stock-bench.tar.gz"
    if not model.exists():
        raise BenchmarkError(f"rasa train did not write {model}; see {work / 'stock-train.log'}")
    return bot_dir, model, init_s, train_s


def start_stock_server(bot_dir: Path, model: Path, settings: Settings) -> servers.ServerProcess:
    """Start the stock bot's Rasa server with the SQL tracker store on an SQLite file.

    Args:
        bot_dir: The ``rasa init`` directory.
        model: The trained model.
        settings: Port and var dir of this server.

    Returns:
        The running server (in its own session, so it can be stopped as a group).
    """
    endpoints = bot_dir / "benchmark-endpoints.yml"
    tracker_store = {"type": "SQL", "dialect": "sqlite", "db": str(bot_dir / "stock.db")}
    endpoints.write_text(yaml.safe_dump({"tracker_store": tracker_store}))
    command = quiet_rasa(
        "run", "--model", str(model), "--endpoints", str(endpoints),
        "--credentials", str(bot_dir / "credentials.yml"),
        "--interface", "127.0.0.1", "--port", str(settings.rasa_port),
        "--enable-api", "--auth-token", servers.api_token(settings),
    )  # fmt: skip
    env = dict(os.environ)
    env.update(QUIET_ENV)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    log_path = settings.var_dir / "stock-rasa.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=bot_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return servers.ServerProcess(name="stock rasa", process=process, log_path=log_path)


def bench_stock(work: Path, plan: Plan) -> BotResult:
    """Create, train, start and measure the stock ``rasa init`` bot.

    Args:
        work: A private temporary directory.
        plan: How many requests.

    Returns:
        The figures; ``error`` is set if a step failed.
    """
    result = BotResult(name="stock rasa init")
    var_dir = work / "stock-var"
    var_dir.mkdir()
    settings = replace(Settings(), var_dir=var_dir, rasa_port=free_port(), host="127.0.0.1")
    server: servers.ServerProcess | None = None
    try:
        bot_dir, model, result.prepare_s, result.training_s = prepare_stock_bot(work)
        print("==> stock rasa init: starting the Rasa server ...", flush=True)
        started = time.perf_counter()
        server = start_stock_server(bot_dir, model, settings)
        wait_for_rasa(server, settings)
        result.startup_s = time.perf_counter() - started
        print(f"    ready in {result.startup_s:.1f} s", flush=True)
        measure_latencies(result, settings, server, plan, (STOCK_SINGLE_TURNS, STOCK_CONVERSATION))
    except (servers.ServerError, BenchmarkError) as error:
        result.error = str(error)
        print(f"error: stock rasa init: {error}", file=sys.stderr, flush=True)
    finally:
        if server is not None:
            server.stop()
    return result


# --------------------------------------------------------------------------- report


def machine_description() -> dict[str, str]:
    """CPU count and model, RAM, OS, Python and Rasa versions, load average."""
    cpu_model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    versions = []
    for package in ("rasa", "rasa-sdk", "tensorflow", "spacy"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package} {metadata.version(package)}")
    return {
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU model": cpu_model,
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Packages": ", ".join(versions),
    }


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} s"


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} MiB"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1000:.0f} ms"


def _stat(stats: LatencyStats | None, fraction: float, part: slice = slice(None)) -> float | None:
    if stats is None or not stats.samples[part]:
        return None
    return percentile(stats.samples[part], fraction)


def conversation_ratio(stats: LatencyStats | None, plan: Plan) -> float | None:
    """p50 of the last ``plan.window`` turns divided by p50 of the first ``plan.window``."""
    if stats is None or len(stats.samples) < 2 * plan.window:
        return None
    early = percentile(stats.samples[: plan.window], 0.5)
    late = percentile(stats.samples[-plan.window :], 0.5)
    return late / early if early > 0 else None


def _failures(stats: LatencyStats | None) -> str:
    if stats is None:
        return "n/a"
    return f"{stats.errors} errors, {stats.empty} empty / {len(stats.samples) + stats.errors}"


def table_rows(result: BotResult, plan: Plan) -> list[tuple[str, str]]:
    """The report rows for one bot, as (metric, formatted value)."""
    w, n = plan.window, plan.conversation_turns
    ratio = conversation_ratio(result.conversation, plan)
    ratio_text = "n/a" if ratio is None else f"{ratio:.2f}"
    if ratio is not None:
        ratio_text += " (ok)" if ratio <= LATENCY_RATIO_TARGET else " (over target)"
    single, conv = result.single, result.conversation
    return [
        ("Preparation (spaCy build / `rasa init` incl. its training)", _seconds(result.prepare_s)),
        ("Training from scratch (`rasa train --force`)", _seconds(result.training_s)),
        ("Action server start-up until `/health`", _seconds(result.action_startup_s)),
        ("Action server RSS after start-up", _mib(result.action_rss_mib)),
        ("Rasa server start-up until `/status` has a model", _seconds(result.startup_s)),
        ("Rasa server RSS after start-up", _mib(result.rss_start_mib)),
        ("Rasa server RSS after the latency runs", _mib(result.rss_end_mib)),
        ("First reply after start-up", _ms(result.first_reply_s)),
        (f"Single turns ({plan.single_turns} new senders): p50", _ms(_stat(single, 0.5))),
        (f"Single turns ({plan.single_turns} new senders): p95", _ms(_stat(single, 0.95))),
        ("Single turns: failed / empty replies", _failures(single)),
        (f"{n}-turn conversation: p50 of turns 1-{w}", _ms(_stat(conv, 0.5, slice(None, w)))),
        (
            f"{n}-turn conversation: p50 of turns {n - w + 1}-{n}",
            _ms(_stat(conv, 0.5, slice(-w, None))),
        ),
        (f"{n}-turn conversation: p95 of all turns", _ms(_stat(conv, 0.95))),
        (f"Late/early p50 ratio (target <= {LATENCY_RATIO_TARGET})", ratio_text),
        (f"{n}-turn conversation: failed / empty replies", _failures(conv)),
    ]


def comparison_rows(results: Sequence[BotResult], plan: Plan) -> list[list[str]]:
    """Rows of [metric, value per bot]; a value a failed bot never measured reads "failed"."""
    columns = [table_rows(result, plan) for result in results]
    rows = []
    for index, (metric, _) in enumerate(columns[0]):
        values = [
            "failed" if result.error and column[index][1] == "n/a" else column[index][1]
            for result, column in zip(results, columns, strict=True)
        ]
        rows.append([metric, *values])
    return rows


def comparison_table(results: Sequence[BotResult], plan: Plan) -> str:
    """A Markdown table: metric | one column per bot."""
    lines = [
        "| Metric | " + " | ".join(result.name for result in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in comparison_rows(results, plan)]
    return "\n".join(lines)


def render_report(
    results: Sequence[BotResult],
    plan: Plan,
    machine: dict[str, str],
    load: tuple[tuple[float, ...], tuple[float, ...]],
    command: str,
) -> str:
    """The whole Markdown report."""
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mode = (
        "quick smoke run (`--quick`): few samples, figures not comparable" if plan.quick else "full"
    )
    machine_lines = "\n".join(f"- {key}: {value}" for key, value in machine.items())
    load_text = (
        f"- Load average (1/5/15 min) at start: {' / '.join(f'{x:.2f}' for x in load[0])}; "
        f"at end: {' / '.join(f'{x:.2f}' for x in load[1])}"
    )
    failures = "".join(
        f"\n### {result.name} failed\n\n```text\n{result.error.strip()}\n```\n"
        for result in results
        if result.error
    )
    return f"""# Benchmarks: RetroWalk Coach vs a stock `rasa init` bot

- Date: {date}
- Mode: {mode}

## Machine

{machine_lines}
{load_text}

## Reproduce

```sh
{command}
```

## Results

{comparison_table(results, plan)}
{failures}
## Method and notes

- Both bots run in one invocation, one after the other: only one Rasa server runs at a time.
  Servers listen on free private ports; requests go to 127.0.0.1 only. Both servers run with
  `RASA_TELEMETRY_ENABLED=false` and the other quiet settings of `bot.runtime.quiet`.
- Training: `rasa train --force` with an empty, private training cache
  (`RASA_CACHE_DIRECTORY` in the temporary directory). RetroWalk trains through
  `bot.runtime.training.ensure_model(force=True)` into a temporary models directory; its spaCy
  pipeline is built first (timed as preparation, a no-op when the installed pipeline is
  current). The stock bot's preparation is `rasa init --no-prompt`, which trains once itself;
  the training row is a second, separate `rasa train --force` in that directory.
- Start-up: from launching `rasa run` until `GET /status` reports a `model_id` (polled every
  0.1 s). RetroWalk's action server is started and ready before that clock starts; the stock
  bot needs no action server.
- Trackers: RetroWalk uses its `WindowedSQLTrackerStore` (endpoints.yml) on a temporary
  SQLite file; the stock bot uses Rasa's `SQLTrackerStore` (`type: SQL, dialect: sqlite`) on a
  temporary SQLite file, so both write every event to SQLite.
- Memory: sum of `VmRSS` over the server's process group (`/proc/<pid>/status`).
- Latency: `POST /webhooks/rest/webhook`, sequential, one keep-alive HTTP session, timed with
  `time.perf_counter`. The first reply after start-up is reported alone, followed by three
  unmeasured warm-up messages.
- Single turns: {plan.single_turns} requests, each from a new sender (so each includes the
  session start), cycling through {len(RETROWALK_SINGLE_TURNS)} RetroWalk questions (greetings,
  benefits, technique, safety, out of scope) or {len(STOCK_SINGLE_TURNS)} messages the stock
  bot understands ("hi", "I am sad", "yes", "bye", ...).
- Long conversation: one sender, {plan.conversation_turns} turns cycling through
  {len(RETROWALK_CONVERSATION)} (RetroWalk) or {len(STOCK_CONVERSATION)} (stock) messages. The
  ratio is the p50 of the last {plan.window} turns divided by the p50 of the first
  {plan.window}.
- "Empty" replies are 200 answers without any bot message (the stock bot, for one, says
  nothing to "yes" or "no" outside its stories); they are still timed.
- Percentiles are linearly interpolated. A 2-core machine is noisy: other work running at
  the same time (see the load average) shifts every figure; compare bots within one report.
"""


def print_summary(results: Sequence[BotResult], plan: Plan) -> None:
    """Print the comparison table as aligned plain-text columns."""
    header = ["", *(result.name for result in results)]
    rows = comparison_rows(results, plan)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, *rows]:
        values = zip(row[1:], widths[1:], strict=True)
        cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in values)]
        print("  ".join(cells).rstrip())


# --------------------------------------------------------------------------- main


def _raise_interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def work_directory(keep: bool) -> Iterator[Path]:
    """A private temporary directory with its own Rasa training cache; removed unless ``keep``."""
    path = Path(tempfile.mkdtemp(prefix="retrowalk-bench-"))
    previous = os.environ.get("RASA_CACHE_DIRECTORY")
    os.environ["RASA_CACHE_DIRECTORY"] = str(path / "rasa-cache")
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop("RASA_CACHE_DIRECTORY", None)
        else:
            os.environ["RASA_CACHE_DIRECTORY"] = previous
        if keep:
            print(f"Kept the work directory {path}", flush=True)
        else:
            shutil.rmtree(path, ignore_errors=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few iterations (smoke test)")
    parser.add_argument(
        "--out", type=Path, default=Path("docs/benchmarks.md"), help="Markdown report path"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (logs, models)"
    )
    return parser.parse_args(argv)


def run_benchmarks(
    plan: Plan, keep: bool, steps: Sequence[Callable[[Path, Plan], BotResult]]
) -> list[BotResult]:
    """Run each bot's benchmark in a shared private work directory."""
    with work_directory(keep) as work:
        return [step(work, plan) for step in steps]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the figures and write the report.

    Returns:
        0 if every bot was measured, 1 if one failed, 130 on interruption.
    """
    args = parse_args(argv)
    plan = QUICK_PLAN if args.quick else FULL_PLAN
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    out = args.out if args.out.is_absolute() else PROJECT_ROOT / args.out
    machine = machine_description()
    load_start = os.getloadavg()
    try:
        results = run_benchmarks(plan, args.keep, (bench_retrowalk, bench_stock))
    except KeyboardInterrupt:
        print("\nInterrupted; all servers stopped.", file=sys.stderr)
        return 130
    command = ".venv/bin/python scripts/benchmark.py" + (" --quick" if plan.quick else "")
    if args.out != Path("docs/benchmarks.md"):
        command += f" --out {args.out}"
    report = render_report(results, plan, machine, (load_start, os.getloadavg()), command)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    print_summary(results, plan)
    print(f"\nReport written to {out}")
    return 1 if any(result.error for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
