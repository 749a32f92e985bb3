"""No message text, health data or secret in the servers' logs at the default level (INFO).

Live: conversations over REST and Telegram that mention a unique marker and health data,
then every log file of the live coach is searched. Unit and subprocess tests cover the two
library behaviours that would leak (``operations.log_privacy``): URLs with the API token
in Sanic's error log, and rasa-sdk echoing the conversation when an action fails.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.settings import PROJECT_ROOT, Settings
from operations import servers
from operations.log_privacy import (
    REDACTED,
    RedactingLogRecord,
    install_log_redaction,
    redact,
)
from operations.ports import free_port
from tests.channels.standins.telegram_api import TelegramStandIn, message_update
from tests.conftest import CHANNEL_SECRETS, LiveCoach
from tests.privacy.failing_actions import ACTION_NAME

HEALTH_PHRASES = (
    "I have knee arthritis",
    "I have chest pain",
    "I'm 71 and weigh 83 kg",
    "my osteoporosis",
)


def marker() -> str:
    return f"zq{uuid.uuid4().hex[:10]}"


def log_texts(coach: LiveCoach) -> dict[Path, str]:
    """Every log file of the live coach's servers."""
    paths = {coach.rasa.log_path, coach.actions.log_path}
    paths.update((coach.settings.var_dir / "logs").glob("*"))
    return {path: path.read_text(errors="replace") for path in sorted(paths) if path.is_file()}


def assert_not_logged(coach: LiveCoach, *needles: str) -> None:
    for path, text in log_texts(coach).items():
        lowered = text.lower()
        for needle in needles:
            assert needle.lower() not in lowered, f"{needle!r} is in {path.name}"


# -- unit: redaction ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("uri: 'http://h/status?token=abc123'", f"uri: 'http://h/status?token={REDACTED}'"),
        ("/x?a=1&TOKEN=s3cr%2Ft&b=2", f"/x?a=1&TOKEN={REDACTED}&b=2"),
        ("/x?access_token=a.b.c#frag", f"/x?access_token={REDACTED}#frag"),
        ("/x?signature=zz&auth_token=yy", f"/x?signature={REDACTED}&auth_token={REDACTED}"),
        ("a token=plain text is not a query", "a token=plain text is not a query"),
        ("/x?tokens=1", "/x?tokens=1"),
    ],
)
def test_redact_hides_secret_query_parameters(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.fixture
def redacting_records() -> Iterator[None]:
    previous = logging.getLogRecordFactory()
    install_log_redaction()
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)


def test_records_are_redacted_in_message_and_traceback(
    redacting_records: None, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("tests.privacy")
    with caplog.at_level(logging.INFO, logger="tests.privacy"):
        logger.info("handling uri: %s", "http://h/conversations/a/tracker?token=s3cret")
        try:
            raise ValueError("bad request http://h/model/parse?token=s3cret&x=1")
        except ValueError:
            logger.exception("failed")
    assert all(isinstance(r, RedactingLogRecord) for r in caplog.records)
    assert "s3cret" not in caplog.text
    assert REDACTED in caplog.records[0].getMessage()
    assert f"token={REDACTED}&x=1" in (caplog.records[1].exc_text or "")


# -- subprocess: a failing action does not echo the conversation --------------------------


def test_a_failing_action_answers_and_logs_without_the_conversation(tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(action_port=port, var_dir=tmp_path)
    log_path = tmp_path / "actions.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "operations.quiet",
                "actions",
                "--actions",
                "tests.privacy.failing_actions",
                "--port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=servers.server_environment(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = servers.ServerProcess("actions", process, log_path)
    secret = marker()
    try:
        servers.wait_until(server, lambda: servers.action_server_ready(settings), timeout=60)
        call = {
            "next_action": ACTION_NAME,
            "sender_id": "privacy-user",
            "version": "3.6.2",
            "domain": {},
            "tracker": {
                "sender_id": "privacy-user",
                "slots": {"conditions": "knee arthritis"},
                "latest_message": {"text": f"{secret} I have knee arthritis", "intent": {}},
                "events": [{"event": "user", "text": f"{secret} I have knee arthritis"}],
                "paused": False,
                "followup_action": None,
                "active_loop": {},
                "latest_action_name": "action_listen",
            },
        }
        reply = requests.post(f"http://127.0.0.1:{port}/webhook", json=call, timeout=30)
        assert reply.status_code == 500
        assert reply.json() == {"error": "RuntimeError"}
        missing = requests.post(f"http://127.0.0.1:{port}/no-such-route", json={}, timeout=30)
        assert missing.status_code == 404
    finally:
        server.stop()
    log = log_path.read_text()
    assert "RuntimeError" in log and "this action always fails" in log
    assert secret not in log and "arthritis" not in log


# -- live: conversations with health data -------------------------------------------------


@pytest.mark.integration
def test_conversations_with_health_data_leave_no_trace_in_the_logs(
    live_coach: LiveCoach,
) -> None:
    secret = marker()
    sender = f"privacy-{secret}"
    url = f"{live_coach.settings.rasa_url}/webhooks/rest/webhook"
    for text in (f"hi {secret}", *(f"{phrase} {secret}" for phrase in HEALTH_PHRASES)):
        reply = requests.post(url, json={"sender": sender, "message": text}, timeout=60)
        assert reply.status_code == 200, reply.text
    reply = requests.post(url, json={"sender": sender, "message": "x" * 5000}, timeout=60)
    assert reply.status_code == 413

    telegram = CHANNEL_SECRETS["telegram"]
    chat_id = int(uuid.uuid4().int % 10**12) + 10**12
    with TelegramStandIn(live_coach.api_ports["telegram"], telegram["RETROWALK_TELEGRAM_TOKEN"]):
        for text in (f"hello {secret}", f"I have knee arthritis {secret}"):
            reply = requests.post(
                live_coach.webhook_url("telegram"),
                data=json.dumps(message_update(chat_id, text)),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": telegram["RETROWALK_TELEGRAM_SECRET"],
                },
                timeout=60,
            )
            assert reply.status_code == 200, reply.text

    # The messages were stored (the check below could fail) but never logged.
    tracker = requests.get(
        f"{live_coach.settings.rasa_url}/conversations/{sender}/tracker",
        params={"token": live_coach.token},
        timeout=30,
    ).json()
    assert any(secret in (e.get("text") or "") for e in tracker["events"])
    assert_not_logged(live_coach, secret, "arthritis", "osteoporosis", "chest pain", "83 kg")


@pytest.mark.integration
def test_no_secret_is_ever_logged(live_coach: LiveCoach) -> None:
    """The API token and every channel secret stay out of the logs (whatever ran before)."""
    requests.get(f"{live_coach.settings.rasa_url}/status", params={"token": "wrong"}, timeout=30)
    secrets = [live_coach.token]
    for platform in CHANNEL_SECRETS.values():
        secrets += [v for k, v in platform.items() if not k.endswith(("_NUMBER", "_SID"))]
    assert_not_logged(live_coach, *secrets)
