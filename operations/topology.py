"""The scaled-out coach on one machine, from Debian packages: the tested topology.

Rasa's own scale-out path, nothing home-made::

    clients --> nginx :public --round robin--> Rasa instance 1..N (rasa run, Sanic)
                      (Socket.IO: sticky by client address)  |  |
                                                             |  +--> Redis: lock store
                                                             +-----> PostgreSQL: tracker
                                                             |       store + profiles,
                nginx :gateway <--- action_endpoint ---------+       plans, walk logs
                      --round robin--> action server 1..M ---------> PostgreSQL

* PostgreSQL (:mod:`operations.postgres_server`): a private cluster holding the
  conversations (``WindowedSQLTrackerStore``) and the profiles, plans and walk logs
  (``bot.storage``). Every instance reads a conversation from it on every message, so any
  instance can serve any message.
* Redis (:mod:`operations.redis_server`): Rasa's ``RedisLockStore``, so the messages of
  one conversation are processed one at a time, in order, across all instances.
* N ``rasa run`` instances (each optionally with several Sanic workers, Rasa's
  ``SANIC_WORKERS``, which needs the Redis lock store) and M rasa-sdk action servers.
* nginx (:mod:`operations.nginx`, ``deploy/nginx.conf.template``): the public entry point
  and the action gateway, which answers with an apology when no action server can run an
  action.

:class:`Topology` starts all of it on free 127.0.0.1 ports (a context manager), routes
requests away from an instance and back (:meth:`Topology.drain_instance`), and reports the
start-up times, the memory of every part and the logs (the benchmarks read them). The faults
the tests inject (restart or stop an instance, kill and start action servers, stop and start
the database) are test code: ``tests/topology/faults.py``. ``deploy/docker-compose.yml`` and
``deploy/helm/values.yml`` describe the same topology for containers and Kubernetes.

This module holds one concept, the one-machine topology and its life cycle, which is why it is
longer than 400 lines.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType

from bot.env import env_float, env_int, env_text
from bot.settings import Settings
from operations import nginx, servers
from operations.ports import free_port
from operations.postgres_server import PostgresServer
from operations.redis_server import RedisServer
from operations.scaled_endpoints import RedisLockStore, write_scaled_endpoints

DATABASE_NAME = "retrowalk"
ACTION_START_TIMEOUT_S = 60.0
NGINX_PORT_ATTEMPTS = 3


class TopologyError(RuntimeError):
    """A part of the topology did not start or stop as asked."""


@dataclass(frozen=True)
class TopologySettings:
    """How large the one-machine topology is.

    Attributes:
        rasa_instances: ``rasa run`` processes behind nginx. Env
            ``RETROWALK_TOPOLOGY_RASA_INSTANCES``, default 2.
        action_servers: Action servers behind the action gateway. Env
            ``RETROWALK_TOPOLOGY_ACTION_SERVERS``, default 2.
        sanic_workers: Sanic workers per Rasa instance (Rasa's ``SANIC_WORKERS``; each
            loads the model). Env ``RETROWALK_TOPOLOGY_SANIC_WORKERS``, default 1.
        tf_threads: TensorFlow threads per Rasa process (Rasa's
            ``TF_INTRA_OP_PARALLELISM_THREADS`` and ``TF_INTER_OP_PARALLELISM_THREADS``).
            The instances share the machine's cores; TensorFlow's default, a pool as large
            as the machine in every process, oversubscribes them (measured on 2 cores: about
            10% fewer messages per second). 0 keeps TensorFlow's default. Env
            ``RETROWALK_TOPOLOGY_TF_THREADS``, default 1.
        port: nginx's public port; 0 picks a free one. Env ``RETROWALK_TOPOLOGY_PORT``,
            default 0.
        start_timeout_s: Longest wait for a Rasa instance to load its model. Env
            ``RETROWALK_TOPOLOGY_START_TIMEOUT_S``, default 300.
    """

    rasa_instances: int = 2
    action_servers: int = 2
    sanic_workers: int = 1
    tf_threads: int = 1
    port: int = 0
    start_timeout_s: float = 300.0

    def __post_init__(self) -> None:
        """Check the sizes."""
        if self.rasa_instances < 1 or self.action_servers < 1 or self.sanic_workers < 1:
            raise ValueError("the topology needs at least one of each server and worker")
        if self.tf_threads < 0:
            raise ValueError("tf_threads must be at least 0 (0: TensorFlow's default)")
        if not 0 <= self.port <= 65535:
            raise ValueError("port must be 0-65535")

    @classmethod
    def from_env(cls) -> TopologySettings:
        """Settings from the ``RETROWALK_TOPOLOGY_*`` variables (defaults as documented)."""
        defaults = cls()
        return cls(
            rasa_instances=env_int(
                "RETROWALK_TOPOLOGY_RASA_INSTANCES", defaults.rasa_instances, minimum=1
            ),
            action_servers=env_int(
                "RETROWALK_TOPOLOGY_ACTION_SERVERS", defaults.action_servers, minimum=1
            ),
            sanic_workers=env_int(
                "RETROWALK_TOPOLOGY_SANIC_WORKERS", defaults.sanic_workers, minimum=1
            ),
            tf_threads=env_int("RETROWALK_TOPOLOGY_TF_THREADS", defaults.tf_threads, minimum=0),
            port=env_int("RETROWALK_TOPOLOGY_PORT", defaults.port, minimum=0, maximum=65535),
            start_timeout_s=env_float(
                "RETROWALK_TOPOLOGY_START_TIMEOUT_S", defaults.start_timeout_s, positive=True
            ),
        )


@dataclass
class Member:
    """One Rasa instance or action server: its settings and its process, if running."""

    name: str
    settings: Settings
    process: servers.ServerProcess | None = None
    endpoints: Path | None = None

    @property
    def running(self) -> bool:
        """Whether its process is alive."""
        return self.process is not None and self.process.process.poll() is None


@dataclass
class Timings:
    """Seconds each start-up step took (the last start of the whole topology)."""

    steps: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the ``with`` block as ``name``."""
        began = time.monotonic()
        try:
            yield
        finally:
            self.steps[name] = time.monotonic() - began


def answers_ok(url: str, timeout: float = 2.0) -> bool:
    """Whether ``GET url`` answers with a 2xx status within ``timeout`` seconds."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return 200 <= reply.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def process_group_rss_mib(pgid: int) -> float:
    """Resident memory of every process in process group ``pgid``, in MiB (Linux /proc)."""
    total_kib = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # Fields after the command name (which may hold spaces) start after ')'.
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total_kib / 1024


class Topology:
    """PostgreSQL, Redis, N Rasa instances, M action servers and nginx on one machine.

    Use as a context manager (``with Topology(model) as topology: ...``) or call
    :meth:`start` and :meth:`stop`. All files (logs, endpoints, nginx config) go under
    ``work_dir``; the PostgreSQL cluster lives in its own temporary directory.

    Args:
        model: The trained model archive every instance loads.
        settings: Sizes (default: :meth:`TopologySettings.from_env`).
        base: Project settings the servers' settings derive from (root, CORS, ...;
            default: ``Settings()``); ports, folders and the database are replaced.
        env: Extra environment for every server (e.g. ``RETROWALK_RATE_PER_MINUTE``).
        work_dir: Folder for the run-time files (default: a new temporary folder,
            removed by :meth:`stop`).
    """

    def __init__(
        self,
        model: Path,
        settings: TopologySettings | None = None,
        base: Settings | None = None,
        env: Mapping[str, str] | None = None,
        work_dir: Path | None = None,
    ) -> None:
        self.model = model
        self.settings = settings or TopologySettings.from_env()
        self.base = base or Settings()
        self.env = dict(env or {})
        self._own_work_dir = work_dir is None
        self.work_dir = work_dir or Path(tempfile.mkdtemp(prefix="retrowalk-topology-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.timings = Timings()
        self.postgres: PostgresServer | None = None
        self.redis = RedisServer(self.work_dir / "redis")
        self.nginx = nginx.NginxServer(self.work_dir / "nginx")
        self.database_url = ""
        self.port = 0
        self.gateway_port = 0
        self.instances: list[Member] = []
        self.action_servers: list[Member] = []
        self.token = ""
        self.drained: set[int] = set()
        self._nginx_layout: nginx.NginxLayout | None = None

    # -- life cycle ---------------------------------------------------------------------

    def __enter__(self) -> Topology:
        """Start everything."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop everything."""
        self.stop()

    def start(self) -> None:
        """Start the whole topology and wait until nginx serves a loaded model.

        Raises:
            TopologyError: (or the failing part's own error) if a part does not start;
                what was started is stopped again.
        """
        try:
            with self.timings.step("total"):
                self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        self._start_stores()
        with self.timings.step("action_servers"):  # the schema is created meanwhile
            self._start_action_servers()
        rasa_ports = [free_port() for _ in range(self.settings.rasa_instances)]
        with self.timings.step("nginx"):
            self._start_nginx(rasa_ports)
        with self.timings.step("rasa"):
            self._start_instances(rasa_ports)
        if not answers_ok(f"{self.url}/status?token={self.token}"):
            raise TopologyError(f"nginx does not reach the Rasa instances: {self.url}")

    def _start_stores(self) -> None:
        with self.timings.step("postgres"):
            self.postgres = PostgresServer()
            self.postgres.start()
            self.database_url = self.postgres.create_database(DATABASE_NAME)
        with self.timings.step("redis"):
            self.redis.start()
        # Hex: a token starting with "-" would be read by `rasa run` as an option.
        self.token = env_text(servers.API_TOKEN_ENV) or secrets.token_hex(24)

    def _start_action_servers(self) -> None:
        self.action_servers = [
            Member(
                name=f"actions-{j + 1}",
                settings=replace(
                    self.base,
                    var_dir=self.work_dir / f"actions-{j + 1}",
                    action_port=free_port(),
                    database_url=self.database_url,
                ),
            )
            for j in range(self.settings.action_servers)
        ]
        for member in self.action_servers:
            member.process = servers.start_action_server(member.settings, self.env)
        with self.timings.step("schema"):
            self._create_schema()
        for member in self.action_servers:
            self.wait_action_server(member)

    def _start_instances(self, rasa_ports: list[int]) -> None:
        """Write every instance's files, start them all at once, wait for each."""
        lock_store = RedisLockStore(host="127.0.0.1", port=self.redis.port)
        self.instances = []
        for i, port in enumerate(rasa_ports):
            member = Member(
                name=f"rasa-{i + 1}",
                settings=replace(
                    self.base,
                    var_dir=self.work_dir / f"rasa-{i + 1}",
                    rasa_port=port,
                    action_port=self.gateway_port,
                    database_url=self.database_url,
                ),
            )
            member.settings.var_dir.mkdir(parents=True, exist_ok=True)
            token_file = member.settings.var_dir / "api_token"
            token_file.write_text(self.token)
            token_file.chmod(0o600)
            member.endpoints = write_scaled_endpoints(
                member.settings, self.action_gateway_url, lock_store
            )
            self.instances.append(member)
        for member in self.instances:
            self.spawn_instance(member)
        for member in self.instances:
            self.wait_instance(member)

    def stop(self) -> None:
        """Stop every server (Rasa instances in parallel) and delete the database cluster."""
        self.nginx.stop()
        members = [m for m in (*self.instances, *self.action_servers) if m.process is not None]
        with ThreadPoolExecutor(max_workers=max(1, len(members))) as pool:
            list(pool.map(stop_member, members))
        self.redis.stop()
        if self.postgres is not None:
            self.postgres.destroy()
        if self._own_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    # -- addresses ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The public entry point (nginx): ``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def rest_url(self) -> str:
        """The REST webhook through nginx."""
        return f"{self.url}/webhooks/rest/webhook"

    @property
    def rasa_urls(self) -> list[str]:
        """Each Rasa instance's own URL (bypassing nginx)."""
        return [member.settings.rasa_url for member in self.instances]

    @property
    def action_gateway_url(self) -> str:
        """The action endpoint every Rasa instance calls (nginx's action gateway)."""
        return f"http://127.0.0.1:{self.gateway_port}/webhook"

    @property
    def redis_url(self) -> str:
        """The Redis lock store."""
        return self.redis.url

    def describe(self) -> str:
        """Human-readable addresses of every part (the database URL without its password)."""
        safe_db = self.database_url.replace(
            f":{self.postgres.password}@" if self.postgres else "\0", ":***@"
        )
        lines = [
            f"  Entry point (nginx): {self.url}",
            f"    REST:      POST {self.rest_url}",
            f"    Socket.IO: {self.url}/socket.io/",
            f"  Rasa instances:      {', '.join(self.rasa_urls)}",
            f"  Action gateway:      {self.action_gateway_url}",
            "  Action servers:      "
            + ", ".join(f"http://127.0.0.1:{m.settings.action_port}" for m in self.action_servers),
            f"  PostgreSQL:          {safe_db}",
            f"  Redis (lock store):  {self.redis_url}",
            f"  Files and logs:      {self.work_dir}",
        ]
        return "\n".join(lines)

    # -- parts --------------------------------------------------------------------------

    def _server_env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = dict(self.env)
        env.update(extra or {})
        return env

    def _create_schema(self) -> None:
        settings = replace(self.base, database_url=self.database_url)
        result = subprocess.run(
            [sys.executable, "-m", "operations.schema"],
            cwd=self.base.root,
            env=servers.server_environment(settings, self.env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise TopologyError(f"creating the schema failed:\n{result.stdout}\n{result.stderr}")

    def _start_nginx(self, rasa_ports: list[int]) -> None:
        action_ports = [m.settings.action_port for m in self.action_servers]
        for attempt in range(1, NGINX_PORT_ATTEMPTS + 1):
            port = self.settings.port or free_port()
            gateway_port = free_port()
            layout = nginx.local_layout(
                self.nginx.directory,
                self.nginx.temp_dir,
                port,
                gateway_port,
                rasa_ports,
                action_ports,
            )
            try:
                self.nginx.start(nginx.render(layout), [port, gateway_port])
            except nginx.NginxError:
                in_use = "Address already in use" in self.nginx.log_tail()
                if not in_use or self.settings.port or attempt == NGINX_PORT_ATTEMPTS:
                    raise
                continue
            self.port, self.gateway_port = port, gateway_port
            self._nginx_layout = layout
            return

    def route(self) -> None:
        """Reload nginx so that exactly the instances not in ``drained`` get requests."""
        assert self._nginx_layout is not None
        self._nginx_layout = replace(self._nginx_layout, drained=frozenset(self.drained))
        self.nginx.reload(nginx.render(self._nginx_layout))

    def drain_instance(self, index: int) -> None:
        """Send no new requests to instance ``index``; return once its requests are answered."""
        self.drained.add(index)
        self.route()

    def undrain_instance(self, index: int) -> None:
        """Route requests to instance ``index`` again."""
        self.drained.discard(index)
        self.route()

    def wait_action_server(self, member: Member) -> None:
        """Wait until action server ``member`` answers its health check."""
        assert member.process is not None
        servers.wait_until(
            member.process,
            lambda: servers.action_server_ready(member.settings),
            timeout=ACTION_START_TIMEOUT_S,
        )

    def spawn_instance(self, member: Member) -> None:
        """Start Rasa instance ``member`` (its settings and endpoints are written already)."""
        extra = {}
        if self.settings.sanic_workers > 1:
            extra["SANIC_WORKERS"] = str(self.settings.sanic_workers)
        if self.settings.tf_threads:
            threads = str(self.settings.tf_threads)
            extra["TF_INTRA_OP_PARALLELISM_THREADS"] = threads
            extra["TF_INTER_OP_PARALLELISM_THREADS"] = threads
        log = member.settings.var_dir / "logs" / "rasa.log"
        if log.exists():  # keep the previous run's log next to the new one
            log.replace(log.with_name(f"rasa.{time.strftime('%H%M%S')}.log"))
        member.process = servers.start_rasa_server(
            member.settings, self.model, self._server_env(extra), endpoints=member.endpoints
        )

    def wait_instance(self, member: Member) -> None:
        """Wait until Rasa instance ``member`` has loaded the model."""
        assert member.process is not None
        servers.wait_until(
            member.process,
            lambda: servers.rasa_server_ready(member.settings),
            timeout=self.settings.start_timeout_s,
        )

    # -- observation --------------------------------------------------------------------

    def memory_mib(self) -> dict[str, float]:
        """Resident memory of every running server, in MiB (process groups)."""
        usage: dict[str, float] = {}
        for member in (*self.instances, *self.action_servers):
            if member.process is not None and member.running:
                usage[member.name] = process_group_rss_mib(member.process.process.pid)
        for name, process in (("nginx", self.nginx.process), ("redis", self.redis.process)):
            if process is not None and process.poll() is None:
                usage[name] = process_group_rss_mib(process.pid)
        if self.postgres is not None and self.postgres.running:
            usage["postgres"] = _postgres_rss_mib(self.postgres.data_dir)
        return usage

    def log_paths(self) -> list[Path]:
        """Every log file of the topology (Rasa, action servers, nginx, Redis, PostgreSQL)."""
        paths = sorted(self.work_dir.glob("*/logs/*.log"))
        paths += [self.nginx.error_log, self.nginx.directory / "access.log", self.redis.log_path]
        if self.postgres is not None:
            paths.append(self.postgres.log_path)
        return [path for path in paths if path.exists()]


def stop_member(member: Member) -> None:
    """Stop ``member``'s server, if it runs (SIGTERM, then SIGKILL after a grace period)."""
    if member.process is not None:
        member.process.stop()
        member.process = None


def _postgres_rss_mib(data_dir: Path) -> float:
    """Resident memory of the PostgreSQL server (postmaster and its children)."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split()[0])
        return process_group_rss_mib(os.getpgid(pid))
    except (OSError, ValueError, IndexError, PermissionError):
        return 0.0
