"""The three benchmarked configurations: start each, measure it, stop it.

* ``stock``: Rasa's ``rasa init`` bot, one ``rasa run`` process, SQLite tracker store;
* ``single``: RetroWalk as ``retrowalk run`` starts it: one action server and one
  ``rasa run`` process, SQLite;
* ``scaled``: RetroWalk on the scaled topology (:class:`operations.topology.Topology`):
  PostgreSQL, the Redis lock store, 2 Rasa instances and 2 action servers behind nginx.

Each runner starts its servers, measures, and stops them before returning, so only one
configuration runs at a time.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path

from bench_load import ScriptFor, closed_loop, think_time
from bench_messages import (
    RETROWALK_CONVERSATION,
    RETROWALK_SINGLE_TURNS,
    STOCK_CONVERSATION,
    STOCK_SINGLE_TURNS,
    retrowalk_script,
    stock_script,
)
from bench_model import SCALED, SINGLE, STOCK, ConfigResult, LatencyStats, LoadFigures, Plan
from bench_servers import (
    SERVER_ENV,
    BenchmarkError,
    RestClient,
    prepare_stock_bot,
    start_stock_server,
    tail,
    wait_for_rasa,
)

from bot.settings import Settings
from operations import servers, training
from operations.loadgen import run_load
from operations.ports import free_port, isolated
from operations.topology import Topology, TopologySettings, process_group_rss_mib

ACTION_SERVER_TIMEOUT_S = 60.0
WARMUP_TURNS = 20


def _say(text: str) -> None:
    print(text, flush=True)


def measure_sequential(
    result: ConfigResult,
    base_url: str,
    server: servers.ServerProcess,
    plan: Plan,
    messages: tuple[tuple[str, ...], tuple[str, ...]],
) -> None:
    """First reply, single turns and the long conversation, one request at a time.

    Args:
        result: Where the figures go.
        base_url: The Rasa server (``http://127.0.0.1:<port>``).
        server: Its process (a failed request checks whether it is still alive).
        plan: How many requests.
        messages: (single-turn messages, long-conversation messages).
    """
    client = RestClient(base_url, server)
    try:
        first = LatencyStats()
        client.send(f"bench-{uuid.uuid4().hex[:8]}-warmup", messages[0][0], first)
        result.first_reply_s = first.samples[0] if first.samples else None
        for text in messages[0][1:4]:
            client.send(f"bench-{uuid.uuid4().hex[:8]}-warmup", text, LatencyStats())
        _say(f"    {plan.single_turns} single turns ...")
        result.single = client.single_turns(messages[0], plan.single_turns)
        _say(f"    {plan.conversation_turns}-turn conversation ...")
        result.conversation = client.conversation(messages[1], plan.conversation_turns)
    finally:
        client.close()


def warm_up(base_urls: list[str], script_for: ScriptFor, transcript: Path) -> None:
    """Send one whole conversation to each URL (unmeasured); keep the first as a transcript."""
    for index, base_url in enumerate(base_urls):
        sender = f"bench-warmup-{uuid.uuid4().hex[:6]}"
        loaded = run_load(
            f"{base_url}/webhooks/rest/webhook", {sender: script_for(index, WARMUP_TURNS)}
        )
        if index == 0:
            lines = [
                f"> {turn.text}\n" + "".join(f"< {text}\n" for text in turn.reply_texts)
                for turn in loaded.turns
            ]
            transcript.write_text("".join(lines))


def measure_load(result: ConfigResult, base_url: str, plan: Plan, script_for: ScriptFor) -> None:
    """The closed-loop steps and the think-time step, one after the other."""
    rest_url = f"{base_url}/webhooks/rest/webhook"
    for level in plan.levels:
        _say(f"    {level.users} users x {level.turns} messages x {level.rounds} ...")
        figures = closed_loop(rest_url, level, script_for)
        result.load.append(figures)
        _report(figures)
    low, high = plan.think_s
    _say(f"    {plan.think_users} users, {low:g}-{high:g} s think time ...")
    result.think = think_time(
        rest_url, plan.think_users, plan.think_turns, plan.think_s, script_for
    )
    _report(result.think)


def _report(figures: LoadFigures) -> None:
    p95_ms = (figures.p95_s or 0) * 1000
    _say(f"      {figures.throughput:.1f} msg/s, p95 {p95_ms:.0f} ms, {figures.errors} errors")


# --------------------------------------------------------------------------- stock


def bench_stock(work: Path, plan: Plan) -> ConfigResult:
    """Create, train, start and measure the stock ``rasa init`` bot."""
    result = ConfigResult(key=STOCK)
    var_dir = work / "stock-var"
    var_dir.mkdir()
    settings = replace(Settings(), var_dir=var_dir, rasa_port=free_port(), host="127.0.0.1")
    server: servers.ServerProcess | None = None
    try:
        bot_dir, model, result.prepare_s, result.training_s = prepare_stock_bot(work)
        _say("==> stock rasa init: starting the Rasa server ...")
        started = time.perf_counter()
        server = start_stock_server(bot_dir, model, settings, SERVER_ENV)
        wait_for_rasa(server, settings)
        result.startup_s = time.perf_counter() - started
        result.startup_parts = {"rasa": result.startup_s}
        result.rss_start_mib = process_group_rss_mib(server.process.pid)
        _say(f"    ready in {result.startup_s:.1f} s")
        messages = (STOCK_SINGLE_TURNS, STOCK_CONVERSATION)
        measure_sequential(result, settings.rasa_url, server, plan, messages)
        warm_up([settings.rasa_url], stock_script, work / "transcript-stock.txt")
        measure_load(result, settings.rasa_url, plan, stock_script)
        result.rss_end_mib = process_group_rss_mib(server.process.pid)
        result.memory_parts = {"rasa": result.rss_end_mib}
    except (RuntimeError, OSError) as error:
        result.error = str(error)
        _say(f"error: stock rasa init: {error}")
    finally:
        if server is not None:
            server.stop()
    return result


# --------------------------------------------------------------------------- RetroWalk


def train_retrowalk(work: Path, reuse: bool) -> tuple[Path, float, float | None]:
    """Build the spaCy pipeline and train RetroWalk from scratch (or reuse ``models/``).

    Args:
        work: A private temporary directory (models go there when training).
        reuse: Use the project's current model (train only if the inputs changed), for
            development runs; the training time is then not measured.

    Returns:
        (model, pipeline build seconds, training seconds or None when reused).

    Raises:
        BenchmarkError: If the build or the training fails.
    """
    root = Settings().root
    log = work / "retrowalk-train.log"
    _say("==> RetroWalk: building the spaCy pipeline ...")
    started = time.perf_counter()
    try:
        training.build_spacy_pipeline(root)
        prepare_s = time.perf_counter() - started
        if reuse:
            _say("==> RetroWalk: reusing the current model (--reuse-model) ...")
            return training.ensure_model(root, Settings().models_dir), prepare_s, None
        _say("==> RetroWalk: training from scratch (rasa train --force) ...")
        started = time.perf_counter()
        model = training.ensure_model(root, work / "retrowalk-models", force=True, log=log)
    except training.TrainingError as error:
        raise BenchmarkError(f"{error}\nLast lines of the training log:\n{tail(log)}") from error
    training_s = time.perf_counter() - started
    _say(f"    trained in {training_s:.1f} s")
    return model, prepare_s, training_s


def bench_single(work: Path, plan: Plan, model: Path) -> ConfigResult:
    """Start and measure RetroWalk as ``retrowalk run`` runs it (SQLite, one process each)."""
    result = ConfigResult(key=SINGLE)
    var_dir = work / "retrowalk-var"
    settings = isolated(Settings(), var_dir, host="127.0.0.1", cors=())
    running: list[servers.ServerProcess] = []
    try:
        _say("==> RetroWalk single process: starting the action server and Rasa ...")
        started = time.perf_counter()
        actions = servers.start_action_server(settings, SERVER_ENV)
        running.append(actions)
        servers.wait_until(
            actions, lambda: servers.action_server_ready(settings), ACTION_SERVER_TIMEOUT_S, 0.05
        )
        action_s = time.perf_counter() - started
        started = time.perf_counter()
        rasa = servers.start_rasa_server(settings, model, SERVER_ENV)
        running.append(rasa)
        wait_for_rasa(rasa, settings)
        rasa_s = time.perf_counter() - started
        result.startup_parts = {"actions": action_s, "rasa": rasa_s}
        result.startup_s = action_s + rasa_s
        result.rss_start_mib = sum(process_group_rss_mib(s.process.pid) for s in running)
        _say(f"    ready in {result.startup_s:.1f} s")
        messages = (RETROWALK_SINGLE_TURNS, RETROWALK_CONVERSATION)
        measure_sequential(result, settings.rasa_url, rasa, plan, messages)
        warm_up([settings.rasa_url], retrowalk_script, work / "transcript-single.txt")
        measure_load(result, settings.rasa_url, plan, retrowalk_script)
        result.memory_parts = {s.name: process_group_rss_mib(s.process.pid) for s in running}
        result.rss_end_mib = sum(result.memory_parts.values())
    except (RuntimeError, OSError) as error:
        result.error = str(error)
        _say(f"error: RetroWalk single process: {error}")
    finally:
        for server in reversed(running):
            server.stop()
    return result


def bench_scaled(work: Path, plan: Plan, model: Path) -> ConfigResult:
    """Start and measure RetroWalk on the scaled topology (2 + 2 servers behind nginx)."""
    result = ConfigResult(key=SCALED)
    sizes = replace(TopologySettings.from_env(), rasa_instances=2, action_servers=2)
    topology = Topology(
        model,
        sizes,
        base=replace(Settings(), cors=()),
        env=SERVER_ENV,
        work_dir=work / "topology",
    )
    try:
        _say("==> RetroWalk scaled: starting PostgreSQL, Redis, 2 action servers, nginx, 2 Rasa")
        topology.start()
        result.startup_parts = dict(topology.timings.steps)
        result.startup_s = result.startup_parts.pop("total", None)
        result.rss_start_mib = sum(topology.memory_mib().values())
        _say(f"    ready in {result.startup_s or 0:.1f} s")
        transcript = work / "transcript-scaled.txt"
        warm_up([topology.url, *topology.rasa_urls], retrowalk_script, transcript)
        measure_load(result, topology.url, plan, retrowalk_script)
        result.memory_parts = topology.memory_mib()
        result.rss_end_mib = sum(result.memory_parts.values())
    except (RuntimeError, OSError) as error:
        result.error = str(error)
        _say(f"error: RetroWalk scaled: {error}")
    finally:
        topology.stop()
    return result
