"""Shared fixtures: the trained model (trained at most once per run) and live servers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.settings import PROJECT_ROOT, Settings
from operations import servers, training
from operations.ports import free_port, isolated
from tests.support.postgres import postgres_url  # noqa: F401  (session fixture)

ARTIFACTS = PROJECT_ROOT / "artifacts"


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


# Messaging platforms: secrets the live coach is started with (test values), and the variable
# that points each platform's API client at a local stand-in (see tests/channels/).
CHANNEL_SECRETS: dict[str, dict[str, str]] = {
    "telegram": {
        "RETROWALK_TELEGRAM_TOKEN": "123456789:TEST-telegram-bot-token",
        "RETROWALK_TELEGRAM_SECRET": "test-telegram-secret-token",
    },
    "slack": {
        "RETROWALK_SLACK_BOT_TOKEN": "xoxb-test-slack-bot-token",
        "RETROWALK_SLACK_SIGNING_SECRET": "test-slack-signing-secret",
    },
    "twilio": {
        "RETROWALK_TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
        "RETROWALK_TWILIO_AUTH_TOKEN": "test-twilio-auth-token",
        "RETROWALK_TWILIO_SMS_NUMBER": "+15550001111",
        "RETROWALK_TWILIO_WHATSAPP_NUMBER": "+15550002222",
    },
    "messenger": {
        "RETROWALK_MESSENGER_PAGE_TOKEN": "test-messenger-page-token",
        "RETROWALK_MESSENGER_APP_SECRET": "test-messenger-app-secret",
        "RETROWALK_MESSENGER_VERIFY_TOKEN": "test-messenger-verify-token",
    },
}
CHANNEL_API_URL_ENV: dict[str, str] = {
    "telegram": "RETROWALK_TELEGRAM_API_URL",
    "slack": "RETROWALK_SLACK_API_URL",
    "twilio": "RETROWALK_TWILIO_API_URL",
    "messenger": "RETROWALK_MESSENGER_GRAPH_URL",
}


@dataclass
class LiveCoach:
    """A running action server + Rasa server pair on private ports and a private database.

    Every messaging channel is enabled with the test secrets of ``CHANNEL_SECRETS``; each
    platform's API client talks to ``http://127.0.0.1:<api_ports[platform]>``, where the
    platform's tests start a stand-in (nothing listens there otherwise).

    Attributes:
        env: The extra environment both servers run with (secrets, API URLs, public URL).
        api_ports: Port reserved for each platform's API stand-in.
        web_port: Port reserved for the web chat page (tests/web/); its origin is the one the
            Socket.IO channel allows (``RETROWALK_CORS``, Rasa's ``--cors``).
    """

    settings: Settings
    actions: servers.ServerProcess
    rasa: servers.ServerProcess
    model: Path
    env: dict[str, str]
    api_ports: dict[str, int]
    web_port: int

    @property
    def token(self) -> str:
        return servers.api_token(self.settings)

    def webhook_url(self, channel: str) -> str:
        """``<rasa url>/webhooks/<channel>/webhook``."""
        return f"{self.settings.rasa_url}/webhooks/{channel}/webhook"

    def restart(self) -> None:
        """Stop and start both servers on the same database."""
        self.rasa.stop()
        self.actions.stop()
        self.actions, self.rasa = _start_pair(self.settings, self.model, self.env)


def channel_environment(settings: Settings, api_ports: dict[str, int]) -> dict[str, str]:
    """Secrets of every platform, API URLs at the stand-in ports, the public URL, the
    region (US: 911)."""
    # One emergency number whatever the runner's LANG says (the stop message's region).
    env = {"RETROWALK_PUBLIC_URL": settings.rasa_url, "RETROWALK_REGION": "US"}
    for platform, secrets in CHANNEL_SECRETS.items():
        env.update(secrets)
        env[CHANNEL_API_URL_ENV[platform]] = f"http://127.0.0.1:{api_ports[platform]}"
    return env


def _start_pair(
    settings: Settings, model: Path, env: dict[str, str] | None = None
) -> tuple[servers.ServerProcess, servers.ServerProcess]:
    actions = servers.start_action_server(settings, env)
    try:
        servers.wait_until(actions, lambda: servers.action_server_ready(settings), timeout=60)
        rasa = servers.start_rasa_server(settings, model, env)
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
    web_port = free_port()
    web_origin = f"http://127.0.0.1:{web_port}"
    settings = isolated(Settings(), var_dir, cors=(web_origin,))
    api_ports = {platform: free_port() for platform in CHANNEL_SECRETS}
    env = {**channel_environment(settings, api_ports), "RETROWALK_CORS": web_origin}
    actions, rasa = _start_pair(settings, trained_model, env)
    coach = LiveCoach(
        settings=settings,
        actions=actions,
        rasa=rasa,
        model=trained_model,
        env=env,
        api_ports=api_ports,
        web_port=web_port,
    )
    try:
        yield coach
    finally:
        coach.rasa.stop()
        coach.actions.stop()
        for server in (coach.rasa, coach.actions):
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / f"integration-{server.name}.log").write_text(server.log_tail(400))
