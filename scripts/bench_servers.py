"""Processes for the benchmark: the stock bot, logged commands, and the sequential REST client."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import requests
import yaml
from bench_load import ERROR_REPLY_PREFIX, REQUEST_TIMEOUT_S
from bench_model import LatencyStats

from bot.settings import Settings
from operations import servers
from operations.quiet import QUIET_ENV

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RASA_SERVER_TIMEOUT_S = 300.0
SUBPROCESS_TIMEOUT_S = 1800.0
# The benchmark sends faster than anyone types: the REST channel's per-sender rate limit
# (bot/channels/rate_limit.py) would refuse the bursts, so every benchmark server runs without.
SERVER_ENV = {"RETROWALK_RATE_PER_MINUTE": "0"}


class BenchmarkError(RuntimeError):
    """A step of the benchmark failed; the message says which and where to look."""


def tail(path: Path, lines: int = 30) -> str:
    """The last ``lines`` lines of a text file, or an empty string."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def quiet_rasa(*args: str) -> list[str]:
    """A ``rasa`` command line run through :mod:`operations.quiet`."""
    return [sys.executable, "-m", "operations.quiet", "rasa", *args]


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
    env = {**os.environ, **QUIET_ENV}
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


def wait_for_rasa(server: servers.ServerProcess, settings: Settings) -> float:
    """Seconds until the Rasa server's ``/status`` reports a loaded model.

    Raises:
        servers.ServerError: If the server exits or does not become ready in time.
    """
    return servers.wait_until(
        server, lambda: servers.rasa_server_ready(settings), RASA_SERVER_TIMEOUT_S, poll=0.1
    )


# --------------------------------------------------------------------------- the stock bot


def rasa_init_template() -> Path:
    """Rasa's ``rasa init`` project template (``rasa/cli/initial_project``)."""
    spec = importlib.util.find_spec("rasa")
    if spec is None or spec.origin is None:
        raise BenchmarkError("Rasa is not installed in this environment")
    return Path(spec.origin).parent / "cli" / "initial_project"


def prepare_stock_bot(work: Path) -> tuple[Path, Path, float, float]:
    """Create the stock ``rasa init`` bot and train it from scratch.

    ``rasa init --no-prompt`` copies Rasa's template and trains it; this copies the same
    template and trains it once with ``rasa train --force`` (the empty training cache of
    the benchmark), which saves one training run of the same model.

    Args:
        work: A private temporary directory.

    Returns:
        (bot directory, model path, template copy seconds, training seconds).

    Raises:
        BenchmarkError: If training fails.
    """
    bot_dir = work / "stock"
    print("==> stock rasa init: copying Rasa's `rasa init` template ...", flush=True)
    started = time.perf_counter()
    shutil.copytree(
        rasa_init_template(), bot_dir, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    copy_s = time.perf_counter() - started
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
    return bot_dir, model, copy_s, train_s


def start_stock_server(
    bot_dir: Path, model: Path, settings: Settings, env: Mapping[str, str]
) -> servers.ServerProcess:
    """Start the stock bot's Rasa server with the SQL tracker store on an SQLite file.

    Args:
        bot_dir: The bot's directory (the ``rasa init`` template).
        model: The trained model.
        settings: Port and var dir of this server.
        env: Extra environment variables.

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
        "--enable-api", f"--auth-token={servers.api_token(settings)}",
    )  # fmt: skip
    pythonpath = os.pathsep.join(
        filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", os.environ.get("PYTHONPATH"))])
    )
    return servers.spawn(
        "stock-rasa", command, settings, {**env, "PYTHONPATH": pythonpath}, cwd=bot_dir
    )


# --------------------------------------------------------------------------- REST client


class RestClient:
    """Times messages sent one after the other to a Rasa server's REST channel."""

    def __init__(self, base_url: str, server: servers.ServerProcess) -> None:
        """Create a client for the server at ``base_url`` (``http://127.0.0.1:<port>``)."""
        self.url = f"{base_url}/webhooks/rest/webhook"
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
