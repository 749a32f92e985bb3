"""nginx in front of the Rasa instances and the action servers: config and process.

The configuration comes from one template, ``deploy/nginx.conf.template``, rendered by
:func:`render` for two layouts: :func:`local_layout` (the one-machine topology of
``operations/topology.py``: 127.0.0.1 ports, files in a private folder, nginx in the
foreground) and :func:`compose_layout` (``deploy/compose/nginx.conf``: container host
names). :class:`NginxServer` runs Debian's ``nginx`` with a rendered file.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT
from operations.servers import poll_until, terminate

APT_PACKAGE = "nginx"
TEMPLATE_PATH = PROJECT_ROOT / "deploy" / "nginx.conf.template"
COMPOSE_CONF_PATH = PROJECT_ROOT / "deploy" / "compose" / "nginx.conf"
START_TIMEOUT_S = 20.0
PORT_ATTEMPTS = 3

# An instance that refused a connection is left out for this long, then tried again.
RASA_SERVER_PARAMS = "max_fails=1 fail_timeout=5s"
ACTION_SERVER_PARAMS = "max_fails=1 fail_timeout=2s"

ACTION_APOLOGY = (
    "Sorry, I can't do that right now: part of me is restarting. Everything you told me "
    "before is safe. Please send that again in a minute."
)

_PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")


class NginxError(RuntimeError):
    """nginx could not be configured or started."""


@dataclass(frozen=True)
class NginxLayout:
    """What differs between the places the nginx template is rendered for.

    Attributes:
        listen: ``listen`` of the public server (``host:port`` or a port).
        action_listen: ``listen`` of the action gateway.
        rasa_servers: ``host:port`` of every Rasa instance.
        action_servers: ``host:port`` of every action server.
        process: Main-context directives (daemon, pid, error log, workers).
        http_paths: ``http``-context directives for temporary files ("" for defaults).
        access_log: Access log path.
        drained: Indexes of Rasa instances that get no new requests (marked ``down``):
            an instance is drained before it is stopped, so no request is cut off.
    """

    listen: str
    action_listen: str
    rasa_servers: tuple[str, ...]
    action_servers: tuple[str, ...]
    process: str
    http_paths: str
    access_log: str
    drained: frozenset[int] = frozenset()


def _server_lines(
    addresses: Sequence[str], params: str, drained: frozenset[int] = frozenset()
) -> str:
    if not addresses:
        raise ValueError("an upstream needs at least one server")
    return "\n".join(
        f"        server {address} {params}{' down' if i in drained else ''};"
        for i, address in enumerate(addresses)
    )


def render(layout: NginxLayout, template: str | None = None) -> str:
    """Fill the template's ``{{ name }}`` placeholders for ``layout``.

    Args:
        layout: Addresses and paths.
        template: Template text (default: ``deploy/nginx.conf.template``).

    Raises:
        NginxError: If the template has an unknown placeholder.
    """
    text = TEMPLATE_PATH.read_text() if template is None else template
    # json.dumps gives a JSON string literal; nginx's single-quoted string keeps it as is.
    apology = json.dumps(ACTION_APOLOGY)[1:-1].replace("'", "\\'")
    values = {
        "process": layout.process,
        "http_paths": layout.http_paths,
        "access_log": layout.access_log,
        "listen": layout.listen,
        "action_listen": layout.action_listen,
        "rasa_servers": _server_lines(layout.rasa_servers, RASA_SERVER_PARAMS, layout.drained),
        "action_servers": _server_lines(layout.action_servers, ACTION_SERVER_PARAMS),
        "action_apology": apology,
    }

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise NginxError(f"unknown placeholder {{{{ {name} }}}} in the nginx template")
        return values[name]

    return _PLACEHOLDER.sub(fill, text)


def local_layout(
    directory: Path,
    temp_dir: Path,
    port: int,
    action_port: int,
    rasa_ports: Sequence[int],
    action_ports: Sequence[int],
) -> NginxLayout:
    """The one-machine layout: everything on 127.0.0.1.

    Args:
        directory: Pid file and logs (written by the master process).
        temp_dir: Temporary request and response bodies (written by the workers, which
            run unprivileged when nginx is started as root: it must be reachable by them).
        port: Public port.
        action_port: Action gateway port.
        rasa_ports: The Rasa instances' ports.
        action_ports: The action servers' ports.
    """
    paths = "\n".join(
        f"    {kind}_temp_path {temp_dir / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return NginxLayout(
        listen=f"127.0.0.1:{port}",
        action_listen=f"127.0.0.1:{action_port}",
        rasa_servers=tuple(f"127.0.0.1:{p}" for p in rasa_ports),
        action_servers=tuple(f"127.0.0.1:{p}" for p in action_ports),
        process="\n".join(
            [
                "daemon off;",
                "worker_processes 1;",
                "worker_shutdown_timeout 75s;",
                f"pid {directory / 'nginx.pid'};",
                f"error_log {directory / 'error.log'} warn;",
            ]
        ),
        http_paths=paths,
        access_log=str(directory / "access.log"),
    )


def compose_layout(rasa_instances: int = 2, action_servers: int = 2) -> NginxLayout:
    """The docker compose layout of ``deploy/docker-compose.yml`` (service names)."""
    return NginxLayout(
        listen="80",
        action_listen="5056",
        rasa_servers=tuple(f"rasa-{i}:5005" for i in range(1, rasa_instances + 1)),
        action_servers=tuple(f"actions-{i}:5055" for i in range(1, action_servers + 1)),
        process="worker_processes auto;\nworker_shutdown_timeout 75s;\nerror_log /dev/stderr warn;",
        http_paths="",
        access_log="/dev/stdout",
    )


def helm_layout(action_service: str = "retrowalk-actions:80") -> NginxLayout:
    """The nginx sidecar of Rasa's Helm chart (``deploy/helm/values.yml``).

    Each Rasa pod has its own sidecar: the public server proxies to the pod's Rasa, and
    the action gateway to the action servers' Kubernetes Service (which spreads requests
    over the ready action server pods).

    Args:
        action_service: ``host:port`` of the action servers' Service.
    """
    return NginxLayout(
        listen="80",
        action_listen="5056",
        rasa_servers=("127.0.0.1:5005",),
        action_servers=(action_service,),
        process="worker_processes auto;\nworker_shutdown_timeout 75s;\nerror_log /dev/stderr warn;",
        http_paths="",
        access_log="/dev/stdout",
    )


def find_nginx() -> str:
    """Path of the ``nginx`` program.

    Raises:
        NginxError: When it is not installed (names the apt package).
    """
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not path:
        raise NginxError(f"nginx was not found: `apt-get install -y {APT_PACKAGE}`.")
    return path


def _children(pid: int) -> set[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                    found.add(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class NginxServer:
    """nginx in the foreground with a configuration rendered into ``directory``.

    Args:
        directory: The rendered ``nginx.conf``, logs, pid and temporary files go here.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.conf_path = directory / "nginx.conf"
        self.error_log = directory / "error.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._temp_dir: Path | None = None

    @property
    def temp_dir(self) -> Path:
        """A folder for temporary bodies that unprivileged workers can reach (created once)."""
        if self._temp_dir is None:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="retrowalk-nginx-"))
            self._temp_dir.chmod(0o755)
        return self._temp_dir

    def log_tail(self, chars: int = 2000) -> str:
        """The end of nginx's error log."""
        try:
            return self.error_log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def start(self, conf: str, ports: Sequence[int]) -> None:
        """Write ``conf``, start nginx and wait until it accepts on every port of ``ports``.

        Raises:
            NginxError: If the configuration is refused or nginx does not come up.
        """
        base = self._check_conf(conf)
        with (self.directory / "nginx.out").open("ab") as out:
            self.process = subprocess.Popen(
                [*base, "-c", str(self.conf_path)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        if poll_until(
            self.process, lambda: all(_accepts(port) for port in ports), START_TIMEOUT_S, 0.05
        ):
            return
        self.stop()
        raise NginxError(f"nginx did not start. Its error log:\n{self.log_tail()}")

    def _check_conf(self, conf: str) -> list[str]:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.conf_path.write_text(conf)
        base = [find_nginx(), "-p", str(self.directory), "-e", str(self.error_log)]
        checked = subprocess.run(
            [*base, "-t", "-c", str(self.conf_path)], capture_output=True, text=True, check=False
        )
        if checked.returncode != 0:
            raise NginxError(f"nginx refused its configuration:\n{checked.stderr}")
        return base

    def reload(self, conf: str, timeout: float = 90.0) -> None:
        """Switch to ``conf`` gracefully and wait until the old workers have finished.

        nginx starts new workers with the new configuration; the old ones stop taking
        connections and exit once their requests in progress are answered (or after
        ``worker_shutdown_timeout``). When this returns, no request is still being
        handled under the old configuration.

        Raises:
            NginxError: If nginx is not running, refuses ``conf`` or the old workers do
                not finish within ``timeout``.
        """
        if self.process is None or self.process.poll() is not None:
            raise NginxError("nginx is not running")
        self._check_conf(conf)
        old_workers = _children(self.process.pid)
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = _children(self.process.pid)
            if current and not current & old_workers:
                return
            time.sleep(0.05)
        raise NginxError(f"nginx's old workers did not finish. Its error log:\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop nginx (SIGTERM: fast shutdown; SIGKILL after ``timeout``)."""
        process, self.process = self.process, None
        if process is not None:
            terminate(process, timeout)
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
