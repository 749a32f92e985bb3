"""Start, health-check and stop the action server and the Rasa server."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.env import env_text
from bot.settings import Settings
from operations.credentials import write_credentials
from operations.quiet import QUIET_ENV

API_TOKEN_ENV = "RETROWALK_API_TOKEN"


class ServerError(RuntimeError):
    """A server did not start; the message includes the end of its log."""


@dataclass
class ServerProcess:
    """A running server process and where its output goes."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server: SIGTERM to its process group, SIGKILL after ``timeout``."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


def terminate(process: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """Stop a child process: SIGTERM, then SIGKILL if it has not exited after ``timeout``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def server_environment(
    settings: Settings, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Environment for both servers: quiet, telemetry off, database and paths set.

    Args:
        settings: Run-time settings.
        extra: Variables added to this process's environment (channel secrets in tests).
    """
    env = dict(os.environ)
    env.update(extra or {})
    env.update(QUIET_ENV)
    env["RETROWALK_DATABASE_URL"] = settings.database_url
    env["PYTHONUNBUFFERED"] = "1"
    return env


def api_token(settings: Settings) -> str:
    """The Rasa HTTP API token: ``$RETROWALK_API_TOKEN``, else one kept in ``var/api_token``."""
    token = env_text(API_TOKEN_ENV)
    if token:
        return token
    path = settings.var_dir / "api_token"
    if path.exists():
        return path.read_text().strip()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(24)
    path.write_text(token)
    path.chmod(0o600)
    return token


def write_endpoints(settings: Settings) -> Path:
    """Write ``var/endpoints.yml``: ``endpoints.yml`` with this run's action server URL."""
    endpoints = yaml.safe_load((settings.root / "endpoints.yml").read_text())
    endpoints.setdefault("action_endpoint", {})["url"] = settings.action_url
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return path


def spawn(
    name: str,
    command: list[str],
    settings: Settings,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> ServerProcess:
    """Start ``command`` in its own session, output in ``<var_dir>/logs/<name>.log``.

    Args:
        name: The server's name (its log file's too).
        command: The command line.
        settings: Where the logs go, and the server environment (:func:`server_environment`).
        env: Extra environment variables.
        cwd: Working directory (default: the project root).
    """
    log_dir = settings.var_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd or settings.root,
            env=server_environment(settings, env),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return ServerProcess(name=name, process=process, log_path=log_path)


def start_action_server(settings: Settings, env: Mapping[str, str] | None = None) -> ServerProcess:
    """Start the rasa-sdk action server serving the ``actions`` package.

    Args:
        settings: Ports, paths and database.
        env: Extra environment variables for the server.
    """
    command = [
        sys.executable,
        "-m",
        "operations.quiet",
        "actions",
        "--actions",
        "actions",
        "--port",
        str(settings.action_port),
    ]
    return spawn("actions", command, settings, env)


def start_rasa_server(
    settings: Settings,
    model: Path,
    env: Mapping[str, str] | None = None,
    endpoints: Path | None = None,
) -> ServerProcess:
    """Start the Rasa server with its channels and the HTTP API (token).

    Channels come from ``credentials.yml``; those whose secrets are not set in the
    environment are left out, one log line each (``operations.credentials``).

    Args:
        settings: Ports, paths, database and CORS origins.
        model: The trained model archive.
        env: Extra environment variables for the server (channel secrets, API base URLs).
        endpoints: An endpoints file to use instead of the one :func:`write_endpoints`
            writes (the scaled-out topology adds a lock store, ``operations/topology.py``).
    """
    credentials = write_credentials(settings, server_environment(settings, env))
    command = [
        sys.executable,
        "-m",
        "operations.quiet",
        "rasa",
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints or write_endpoints(settings)),
        "--credentials",
        str(credentials),
        "--interface",
        settings.host,
        "--port",
        str(settings.rasa_port),
        "--enable-api",
        f"--auth-token={api_token(settings)}",  # one argument: a token may start with "-"
    ]
    if settings.cors:
        command += ["--cors", *settings.cors]
    return spawn("rasa", command, settings, env)


def _get_json(url: str, timeout: float = 2.0) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            body = json.loads(reply.read().decode() or "{}")
            return body if isinstance(body, dict) else None
    except (urllib.error.URLError, OSError, ValueError):
        return None


def poll_until(
    process: subprocess.Popen[Any], ready: Callable[[], bool], timeout: float, poll: float
) -> bool:
    """Poll ``ready`` every ``poll`` seconds until it is true (True), or until ``process``
    exits or ``timeout`` seconds pass (False)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if ready():
            return True
        if process.poll() is not None:
            return False
        time.sleep(poll)
    return False


def wait_until(
    server: ServerProcess, ready: Callable[[], bool], timeout: float, poll: float = 0.25
) -> float:
    """Poll ``ready`` until it is true; fail early if the process exits.

    Returns:
        Seconds waited.

    Raises:
        ServerError: If the process exits or ``timeout`` passes first.
    """
    started = time.monotonic()
    if poll_until(server.process, ready, timeout, poll):
        return time.monotonic() - started
    if server.process.poll() is not None:
        raise ServerError(
            f"The {server.name} server exited (code {server.process.returncode}). "
            f"Last lines of {server.log_path}:\n{server.log_tail()}"
        )
    raise ServerError(
        f"The {server.name} server did not become healthy within {timeout:.0f} s. "
        f"Last lines of {server.log_path}:\n{server.log_tail()}"
    )


def action_server_ready(settings: Settings) -> bool:
    """True when the action server answers ``/health``."""
    return (_get_json(f"http://127.0.0.1:{settings.action_port}/health") or {}).get(
        "status"
    ) == "ok"


def rasa_server_ready(settings: Settings) -> bool:
    """True when the Rasa server answers ``/status`` with a loaded model."""
    status = _get_json(f"{settings.rasa_url}/status?token={api_token(settings)}")
    return bool(status and status.get("model_id"))
