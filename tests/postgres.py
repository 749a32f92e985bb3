"""A private, throwaway PostgreSQL server for tests (session-scoped pytest fixture).

The server comes from Debian's packages (``apt-get install -y postgresql``); this module
only uses its binaries (``/usr/lib/postgresql/<version>/bin/initdb``, ``pg_ctl``), never
the system cluster. ``postgres_url`` creates a cluster in a new temporary directory,
starts it on a free port listening on 127.0.0.1 only (password authentication, Unix
socket inside the temporary directory), creates a database, yields its SQLAlchemy URL and
stops the cluster (``pg_ctl stop -m fast``) and removes the directory at the end.

PostgreSQL refuses to run as root: when the tests run as root, initdb and pg_ctl run as
the ``postgres`` system user (created by the Debian package) through ``runuser``, and the
temporary directory is given to that user. Durability is switched off (``fsync=off``):
the data is thrown away anyway.

If the binaries are missing the fixture fails (it does not skip), naming the package.
"""

from __future__ import annotations

import glob
import logging
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

logger = logging.getLogger(__name__)

APT_PACKAGE = "postgresql"
SERVER_USER = "postgres"
DATABASE = "retrowalk_test"
START_TIMEOUT_S = 60
PORT_ATTEMPTS = 3


@dataclass(frozen=True)
class PostgresBinaries:
    """The PostgreSQL server programs used to run a private cluster."""

    initdb: Path
    pg_ctl: Path


def find_binaries() -> PostgresBinaries:
    """Find initdb and pg_ctl: the newest /usr/lib/postgresql/*/bin, else the PATH.

    Raises:
        pytest.fail.Exception: When they are not installed (names the apt package).
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
    pytest.fail(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found under "
        "/usr/lib/postgresql/*/bin or on PATH. The storage tests need a real PostgreSQL: "
        f"install Debian's package with `apt-get install -y {APT_PACKAGE}`.",
        pytrace=False,
    )


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateCluster:
    """A PostgreSQL cluster in a temporary directory, owned by this test run.

    Args:
        binaries: The server programs to use.
    """

    def __init__(self, binaries: PostgresBinaries) -> None:
        self.binaries = binaries
        self.password = secrets.token_urlsafe(24)
        self.port = 0
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                self._owner = pwd.getpwnam(SERVER_USER)
            except KeyError:
                pytest.fail(
                    f"Running as root but there is no '{SERVER_USER}' system user to run "
                    f"PostgreSQL as: install `apt-get install -y {APT_PACKAGE}`.",
                    pytrace=False,
                )
        self.root = Path(tempfile.mkdtemp(prefix="retrowalk-pg-"))
        self.data_dir = self.root / "data"
        self.log_path = self.root / "server.log"
        if self.as_root:
            os.chown(self.root, self._owner.pw_uid, self._owner.pw_gid)
        self.started = False

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

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = (
                self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""
            )
            pytest.fail(
                f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}\n"
                f"server log:\n{log}",
                pytrace=False,
            )

    def init(self) -> None:
        """Create the cluster with a random superuser password (``initdb``)."""
        password_file = self.root / "pwfile"
        password_file.write_text(self.password + "\n")
        if self.as_root:
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

    def start(self) -> None:
        """Start the server on a free 127.0.0.1 port (retrying if the port was taken)."""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            self.port = free_port()
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 "
                f"-c unix_socket_directories={self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=40 -c shared_buffers=32MB"
            )
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
                options,
            )
            if result.returncode == 0:
                self.started = True
                return
            in_use = "already in use" in self.log_path.read_text(errors="replace")
            if not in_use or attempt == PORT_ATTEMPTS:
                self._check(result, "pg_ctl start")

    def create_database(self, name: str) -> str:
        """Create a database and return its SQLAlchemy URL."""
        admin = sa.create_engine(self.url("postgres"), future=True, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            admin.dispose()
        return self.url(name)

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database in this cluster."""
        return (
            f"postgresql+psycopg2://{SERVER_USER}:{self.password}@127.0.0.1:{self.port}/{database}"
        )

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete the temporary directory."""
        try:
            if self.started:
                result = self._run(
                    self.binaries.pg_ctl, "stop", "--pgdata", self.data_dir, "-m", "fast", "--wait"
                )
                if result.returncode != 0:
                    self._run(
                        self.binaries.pg_ctl, "stop", "--pgdata", self.data_dir, "-m", "immediate"
                    )
                self.started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of an empty database on a private PostgreSQL server, stopped after the session."""
    binaries = find_binaries()
    cluster = PrivateCluster(binaries)
    try:
        began = time.perf_counter()
        cluster.init()
        initialised = time.perf_counter()
        cluster.start()
        url = cluster.create_database(DATABASE)
        ready = time.perf_counter()
        logger.info(
            "private PostgreSQL (%s) ready on 127.0.0.1:%d in %.2f s (initdb %.2f s, "
            "start + createdb %.2f s)",
            binaries.pg_ctl.parent,
            cluster.port,
            ready - began,
            initialised - began,
            ready - initialised,
        )
        yield url
    finally:
        cluster.stop()
