"""A private PostgreSQL server from Debian's binaries, for the one-machine topology.

Uses only the server programs of Debian's ``postgresql`` package
(``/usr/lib/postgresql/<version>/bin/initdb`` and ``pg_ctl``), never the system cluster:
:class:`PostgresServer` creates a cluster in a new temporary directory, starts it on a
127.0.0.1 port (password authentication, Unix socket inside that directory) and can stop
and start it again on the same port, which is how the fault tests make the database
briefly unavailable. PostgreSQL refuses to run as root: as root, ``initdb`` and ``pg_ctl``
run as the ``postgres`` system user (created by the Debian package) through ``runuser``.

Same approach as the tests' ``tests/postgres.py``, without pytest.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from operations.ports import free_port

APT_PACKAGE = "postgresql"
SERVER_USER = "postgres"
START_TIMEOUT_S = 60
PORT_ATTEMPTS = 3


class PostgresError(RuntimeError):
    """The private PostgreSQL server could not be set up, started or stopped."""


@dataclass(frozen=True)
class PostgresBinaries:
    """The PostgreSQL server programs used to run a private cluster."""

    initdb: Path
    pg_ctl: Path


def find_binaries() -> PostgresBinaries:
    """Find initdb and pg_ctl: the newest ``/usr/lib/postgresql/*/bin``, else the PATH.

    Raises:
        PostgresError: When they are not installed (names the apt package).
    """

    def version(bin_dir: str) -> tuple[int, ...]:
        name = Path(bin_dir).parent.name
        return tuple(int(part) for part in name.split(".") if part.isdigit())

    for bin_dir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        initdb, pg_ctl = Path(bin_dir, "initdb"), Path(bin_dir, "pg_ctl")
        if os.access(initdb, os.X_OK) and os.access(pg_ctl, os.X_OK):
            return PostgresBinaries(initdb=initdb, pg_ctl=pg_ctl)
    initdb_path, pg_ctl_path = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb_path and pg_ctl_path:
        return PostgresBinaries(initdb=Path(initdb_path), pg_ctl=Path(pg_ctl_path))
    raise PostgresError(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found under "
        f"/usr/lib/postgresql/*/bin or on PATH: `apt-get install -y {APT_PACKAGE}`."
    )


class PostgresServer:
    """A PostgreSQL cluster in a temporary directory, owned by this process.

    Durability is relaxed (``fsync=off``, no synchronous commit) unless ``durable``:
    the one-machine topology is for tests and trials, not for keeping data.

    Args:
        binaries: The server programs (default: :func:`find_binaries`).
        max_connections: PostgreSQL's ``max_connections``.
        durable: Keep PostgreSQL's default durability settings.
    """

    def __init__(
        self,
        binaries: PostgresBinaries | None = None,
        *,
        max_connections: int = 200,
        durable: bool = False,
    ) -> None:
        self.binaries = binaries or find_binaries()
        self.max_connections = max_connections
        self.durable = durable
        self.password = secrets.token_urlsafe(24)
        self.port = 0
        self.as_root = os.geteuid() == 0
        self._owner: pwd.struct_passwd | None = None
        if self.as_root:
            try:
                self._owner = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise PostgresError(
                    f"Running as root but there is no '{SERVER_USER}' system user to run "
                    f"PostgreSQL as: `apt-get install -y {APT_PACKAGE}`."
                ) from None
        self.root = Path(tempfile.mkdtemp(prefix="retrowalk-pg-"))
        self.data_dir = self.root / "data"
        self.log_path = self.root / "server.log"
        if self._owner is not None:
            os.chown(self.root, self._owner.pw_uid, self._owner.pw_gid)
        self.initialised = False
        self.running = False

    def _run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        command = [str(arg) for arg in args]
        if self.as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        return subprocess.run(
            command,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S + 30,
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
            check=False,
        )

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's log."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            raise PostgresError(
                f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}\n"
                f"server log:\n{self.log_tail()}"
            )

    def init(self) -> None:
        """Create the cluster with a random superuser password (``initdb``)."""
        password_file = self.root / "pwfile"
        password_file.write_text(self.password + "\n")
        if self._owner is not None:
            os.chown(password_file, self._owner.pw_uid, self._owner.pw_gid)
        password_file.chmod(0o600)
        result = self._run(
            self.binaries.initdb,
            "--pgdata",
            self.data_dir,
            "--username",
            SERVER_USER,
            "--pwfile",
            password_file,
            "--auth-host=scram-sha-256",
            "--auth-local=peer",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        password_file.unlink()
        self._check(result, "initdb")
        self.initialised = True

    def _options(self) -> str:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.root} "
            f"-c max_connections={self.max_connections} -c shared_buffers=64MB"
        )
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        return options

    def start(self) -> None:
        """Start the server: on a free port the first time, on the same port afterwards."""
        if not self.initialised:
            self.init()
        first = self.port == 0
        for attempt in range(1, PORT_ATTEMPTS + 1):
            if first:
                self.port = free_port()
            result = self._run(
                self.binaries.pg_ctl,
                "start",
                "--pgdata",
                self.data_dir,
                "--log",
                self.log_path,
                "--wait",
                "--timeout",
                str(START_TIMEOUT_S),
                "-o",
                self._options(),
            )
            if result.returncode == 0:
                self.running = True
                return
            in_use = "already in use" in self.log_tail()
            if not (first and in_use) or attempt == PORT_ATTEMPTS:
                self._check(result, "pg_ctl start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; its data stays (``start`` again on the same port).

        Args:
            mode: ``pg_ctl stop -m`` mode: ``fast`` disconnects clients and shuts down
                cleanly, ``immediate`` is like a crash (recovery on the next start).
        """
        if not self.running:
            return
        result = self._run(self.binaries.pg_ctl, "stop", "--pgdata", self.data_dir, "-m", mode)
        if result.returncode != 0:
            result = self._run(
                self.binaries.pg_ctl, "stop", "--pgdata", self.data_dir, "-m", "immediate"
            )
        self._check(result, "pg_ctl stop")
        self.running = False

    def destroy(self) -> None:
        """Stop the server if it runs and delete its directory (all data)."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of a database in this cluster."""
        return (
            f"postgresql+psycopg2://{SERVER_USER}:{self.password}@127.0.0.1:{self.port}/{database}"
        )

    def create_database(self, name: str) -> str:
        """Create a database and return its SQLAlchemy URL.

        Args:
            name: Letters, digits and underscores only.
        """
        if not name.replace("_", "").isalnum():
            raise ValueError("database names may only hold letters, digits and underscores")
        admin = sa.create_engine(self.url(), future=True, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            admin.dispose()
        return self.url(name)
