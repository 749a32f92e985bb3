"""Shared fixtures: the trained model (trained at most once per run) and live servers."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.runtime import servers, training
from bot.runtime.settings import PROJECT_ROOT, Settings
from tests.postgres import postgres_url  # noqa: F401  (session fixture)

ARTIFACTS = PROJECT_ROOT / "artifacts"


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Tables our code creates: dropped after each PostgreSQL test so every test starts empty.
OUR_TABLES = ("walk_logs", "plans", "profiles", "events")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or the shared PostgreSQL database emptied after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'retrowalk.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = sa.create_engine(url, future=True)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {', '.join(OUR_TABLES)} CASCADE")
    engine.dispose()


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current data and config; trains only if none exists for them."""
    return training.ensure_model(PROJECT_ROOT, Settings().models_dir)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass
class LiveCoach:
    """A running action server + Rasa server pair on private ports and a private database."""

    settings: Settings
    actions: servers.ServerProcess
    rasa: servers.ServerProcess
    model: Path

    @property
    def token(self) -> str:
        return servers.api_token(self.settings)

    def restart(self) -> None:
        """Stop and start both servers on the same database."""
        self.rasa.stop()
        self.actions.stop()
        self.actions, self.rasa = _start_pair(self.settings, self.model)


def _start_pair(
    settings: Settings, model: Path
) -> tuple[servers.ServerProcess, servers.ServerProcess]:
    actions = servers.start_action_server(settings)
    try:
        servers.wait_until(actions, lambda: servers.action_server_ready(settings), timeout=60)
        rasa = servers.start_rasa_server(settings, model)
        servers.wait_until(rasa, lambda: servers.rasa_server_ready(settings), timeout=240)
    except Exception:
        actions.stop()
        raise
    return actions, rasa


@pytest.fixture(scope="session")
def live_coach(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveCoach]:
    """Both real servers, started once for the integration tests, stopped at the end."""
    var_dir = tmp_path_factory.mktemp("coach-var")
    settings = replace(
        Settings(),
        var_dir=var_dir,
        database_url=f"sqlite:///{var_dir / 'retrowalk.db'}",
        rasa_port=free_port(),
        action_port=free_port(),
    )
    actions, rasa = _start_pair(settings, trained_model)
    coach = LiveCoach(settings=settings, actions=actions, rasa=rasa, model=trained_model)
    try:
        yield coach
    finally:
        coach.rasa.stop()
        coach.actions.stop()
        for server in (coach.rasa, coach.actions):
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / f"integration-{server.name}.log").write_text(server.log_tail(400))
