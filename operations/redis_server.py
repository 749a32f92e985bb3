"""A private ``redis-server`` (Debian's ``redis-server`` package) for Rasa's lock store.

:class:`RedisServer` starts ``redis-server`` in the foreground on a free 127.0.0.1 port,
without persistence (locks are short-lived), with its working directory and log in a
given folder, and stops it with SIGTERM. The system Redis service is never used.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

from operations.ports import free_port
from operations.servers import poll_until, terminate

APT_PACKAGE = "redis-server"
START_TIMEOUT_S = 20.0
PORT_ATTEMPTS = 3


class RedisError(RuntimeError):
    """The private Redis server could not be started."""


def find_redis_server() -> str:
    """Path of ``redis-server``.

    Raises:
        RedisError: When it is not installed (names the apt package).
    """
    path = shutil.which("redis-server")
    if not path:
        raise RedisError(f"redis-server was not found: `apt-get install -y {APT_PACKAGE}`.")
    return path


def ping(port: int, timeout: float = 1.0) -> bool:
    """True when a Redis server on 127.0.0.1:``port`` answers ``PING`` with ``+PONG``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A ``redis-server`` process owned by this process.

    Args:
        directory: Its working directory and log file (``redis.log``) go here.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.log_path = directory / "redis.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>``."""
        return f"redis://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 2000) -> str:
        """The end of the server's log."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        command = [
            find_redis_server(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            "",
        ]
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def start(self) -> None:
        """Start on a free port and wait until it answers ``PING``.

        Raises:
            RedisError: If it exits or does not answer within ``START_TIMEOUT_S``.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, PORT_ATTEMPTS + 1):
            self.port = free_port()
            self.process = self._spawn(self.port)
            if poll_until(self.process, lambda: ping(self.port), START_TIMEOUT_S, 0.05):
                return
            self.stop()
            in_use = "Address already in use" in self.log_tail()
            if not in_use or attempt == PORT_ATTEMPTS:
                break
        raise RedisError(f"redis-server did not start. Its log:\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, SIGKILL after ``timeout``)."""
        process, self.process = self.process, None
        if process is not None:
            terminate(process, timeout)
