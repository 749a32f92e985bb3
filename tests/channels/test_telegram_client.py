"""The Bot API client against the Telegram stand-in over real HTTP (no Rasa)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator

import pytest

from bot.channels.telegram import (
    ApiRequest,
    CallbackKeys,
    TelegramApi,
    TelegramSettings,
    image_requests,
    register_webhook,
    text_requests,
)
from operations import cli
from operations.ports import free_port
from tests.channels.helpers import Sleeps
from tests.channels.standins.telegram_api import TelegramStandIn

TOKEN = "4242:unit-test-token"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture(scope="module")
def standin() -> Iterator[TelegramStandIn]:
    with TelegramStandIn(free_port(), TOKEN) as server:
        yield server


@pytest.fixture
def api_server(standin: TelegramStandIn) -> TelegramStandIn:
    standin.reset()
    return standin


def settings_for(server: TelegramStandIn, **changes: object) -> TelegramSettings:
    values = {"token": TOKEN, "secret": "s", "api_url": server.url, "timeout_s": 5.0}
    values.update(changes)
    return TelegramSettings(**values)  # type: ignore[arg-type]


def too_many_requests(retry_after: int) -> dict[str, object]:
    """The Bot API's answer to a flood: HTTP 429 with ``parameters.retry_after``."""
    return {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }


async def _run(api: TelegramApi, requests: list[ApiRequest]) -> list:
    try:
        return await api.call_all(requests)
    finally:
        await api.close()


def test_message_with_keyboard_reaches_the_api_as_json(api_server: TelegramStandIn) -> None:
    api = TelegramApi(settings_for(api_server))
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "Long", "payload": "p" * 80}]
    (result,) = asyncio.run(_run(api, text_requests("555", "Sure?", buttons, CallbackKeys())))
    assert result.ok and result.result["chat"]["id"] == 555
    (call,) = api_server.calls("sendMessage")
    assert call.path == f"/bot{TOKEN}/sendMessage"
    assert call.headers["Content-Type"].startswith("application/json")
    assert call.fields["text"] == "Sure?"
    rows = call.fields["reply_markup"]["inline_keyboard"]
    assert rows[0] == [{"text": "Yes", "callback_data": "/affirm"}]
    assert len(rows[1][0]["callback_data"].encode()) <= 64  # the stand-in would refuse 80


def test_photo_is_uploaded_as_multipart(api_server: TelegramStandIn) -> None:
    api = TelegramApi(settings_for(api_server))
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    (result,) = asyncio.run(_run(api, image_requests("555", uri)))
    assert result.ok and result.result["photo"][0]["file_size"] == len(PNG)
    (call,) = api_server.calls("sendPhoto")
    assert call.headers["Content-Type"].startswith("multipart/form-data")
    assert call.fields["chat_id"] == "555"
    assert call.files["photo"].data == PNG
    assert call.files["photo"].content_type == "image/png"


def test_one_client_works_across_event_loops(api_server: TelegramStandIn) -> None:
    """The stock connector's bug: a session bound to a loop that is gone."""
    api = TelegramApi(settings_for(api_server))
    for text in ("first loop", "second loop"):
        (result,) = asyncio.run(api.call_all(text_requests("1", text)))  # loop closed after
        assert result.ok
    asyncio.run(api.close())
    assert [c.fields["text"] for c in api_server.calls("sendMessage")] == [
        "first loop",
        "second loop",
    ]


def test_429_waits_retry_after_then_succeeds(api_server: TelegramStandIn) -> None:
    sleeps = Sleeps()
    api = TelegramApi(settings_for(api_server), sleep=sleeps)
    api_server.fail_next(429, too_many_requests(retry_after=3))
    (result,) = asyncio.run(_run(api, text_requests("1", "hello")))
    assert result.ok and result.attempts == 2
    assert sleeps.waits == [3.0]
    assert len(api_server.calls("sendMessage")) == 2


def test_429_with_a_long_wait_gives_up_without_raising(api_server: TelegramStandIn) -> None:
    sleeps = Sleeps()
    api = TelegramApi(settings_for(api_server, max_retry_wait_s=5.0), sleep=sleeps)
    api_server.fail_next(429, too_many_requests(retry_after=60))
    (result,) = asyncio.run(_run(api, text_requests("1", "hello")))
    assert not result.ok and result.status == 429 and sleeps.waits == []
    assert "Too Many Requests" in result.description


def test_5xx_is_retried_with_backoff(api_server: TelegramStandIn) -> None:
    sleeps = Sleeps()
    api = TelegramApi(settings_for(api_server, backoff_s=0.25), sleep=sleeps)
    for _ in range(2):
        api_server.fail_next(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    (result,) = asyncio.run(_run(api, text_requests("1", "hello")))
    assert result.ok and result.attempts == 3
    assert sleeps.waits == [0.25, 0.5]


def test_5xx_every_time_gives_up_after_max_attempts(api_server: TelegramStandIn) -> None:
    api = TelegramApi(settings_for(api_server, max_attempts=2), sleep=Sleeps())
    for _ in range(3):
        api_server.fail_next(500, {"ok": False, "error_code": 500, "description": "Internal"})
    (result,) = asyncio.run(_run(api, text_requests("1", "hello")))
    assert not result.ok and result.status == 500 and result.attempts == 2


def test_bad_request_is_not_retried(api_server: TelegramStandIn) -> None:
    api = TelegramApi(settings_for(api_server), sleep=Sleeps())
    (result,) = asyncio.run(_run(api, [ApiRequest("sendMessage", {"chat_id": 1, "text": ""})]))
    assert not result.ok and result.status == 400 and result.attempts == 1
    assert result.description == "Bad Request: message text is empty"


def test_wrong_token_is_refused_and_not_retried(api_server: TelegramStandIn) -> None:
    api = TelegramApi(settings_for(api_server, token="4242:wrong"), sleep=Sleeps())
    (result,) = asyncio.run(_run(api, text_requests("1", "hello")))
    assert not result.ok and result.status == 401 and result.attempts == 1


def test_unreachable_api_does_not_raise() -> None:
    sleeps = Sleeps()
    settings = TelegramSettings(token=TOKEN, api_url=f"http://127.0.0.1:{free_port()}")
    api = TelegramApi(settings, sleep=sleeps)
    (result,) = asyncio.run(_run(api, text_requests("1", "hello")))
    assert not result.ok and result.status == 0 and result.attempts == 3
    assert result.description == "ClientConnectorError"
    assert len(sleeps.waits) == 2


def test_register_webhook_sets_url_and_secret(
    api_server: TelegramStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETROWALK_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("RETROWALK_TELEGRAM_SECRET", "my-secret_1")
    monkeypatch.setenv("RETROWALK_TELEGRAM_API_URL", api_server.url)
    monkeypatch.setenv("RETROWALK_PUBLIC_URL", "https://coach.example.org")
    result = register_webhook()
    assert result.ok and result.result is True
    (call,) = api_server.calls("setWebhook")
    assert call.fields["url"] == "https://coach.example.org/webhooks/telegram/webhook"


def test_the_cli_command_registers_the_webhook(
    api_server: TelegramStandIn,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RETROWALK_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("RETROWALK_TELEGRAM_SECRET", "my-secret_1")
    monkeypatch.setenv("RETROWALK_TELEGRAM_API_URL", api_server.url)
    monkeypatch.setenv("RETROWALK_PUBLIC_URL", "https://coach.example.org")
    assert cli.main(["telegram-webhook"]) == 0
    assert "https://coach.example.org/webhooks/telegram/webhook" in capsys.readouterr().out
    (call,) = api_server.calls("setWebhook")
    assert call.fields["url"] == "https://coach.example.org/webhooks/telegram/webhook"
    assert call.fields["secret_token"] == "my-secret_1"
    assert api_server.webhook.allowed_updates == ["message", "callback_query"]


def test_the_cli_command_explains_a_missing_setting(
    api_server: TelegramStandIn,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("RETROWALK_TELEGRAM_TOKEN", raising=False)
    assert cli.main(["telegram-webhook"]) == 2
    assert "RETROWALK_TELEGRAM_TOKEN" in capsys.readouterr().err
    assert api_server.requests() == []


def test_register_webhook_without_public_url_sends_nothing(
    api_server: TelegramStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(api_server, secret="ok", public_url="")
    with pytest.raises(ValueError, match="RETROWALK_PUBLIC_URL"):
        register_webhook(settings)
    assert api_server.requests() == []
