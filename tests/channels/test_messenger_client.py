"""The Send API client against the Messenger stand-in over real HTTP (no Rasa)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator

import pytest

from bot.channels.messenger import (
    MessengerApi,
    MessengerSettings,
    SendRequest,
    SendResult,
    image_requests,
    subscribe_page,
    text_requests,
)
from operations.ports import free_port
from tests.channels.helpers import Sleeps
from tests.channels.standins.messenger_api import MessengerStandIn, graph_error

TOKEN = "unit-page-token"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture(scope="module")
def standin() -> Iterator[MessengerStandIn]:
    with MessengerStandIn(free_port(), TOKEN) as server:
        yield server


@pytest.fixture
def graph(standin: MessengerStandIn) -> MessengerStandIn:
    standin.reset()
    return standin


def settings_for(server: MessengerStandIn, **changes: object) -> MessengerSettings:
    values = {"page_token": TOKEN, "app_secret": "a", "verify_token": "v", "graph_url": server.url}
    values.update(changes)
    return MessengerSettings(**values)  # type: ignore[arg-type]


async def _send(api: MessengerApi, requests: list[SendRequest]) -> list[SendResult]:
    try:
        return await api.send_all(requests)
    finally:
        await api.close()


def test_text_with_quick_replies(graph: MessengerStandIn) -> None:
    api = MessengerApi(settings_for(graph))
    buttons = [{"title": "Balance", "payload": "Better balance"}]
    (result,) = asyncio.run(_send(api, text_requests("2468", "Your goal?", buttons)))
    assert result.ok and result.body["recipient_id"] == "2468"
    assert result.body["message_id"].startswith("m_")
    (call,) = graph.messages()
    assert call.path == "/v25.0/me/messages"
    assert call.query["access_token"] == TOKEN
    assert call.fields["recipient"] == {"id": "2468"}
    assert call.fields["messaging_type"] == "RESPONSE"
    assert call.fields["message"]["quick_replies"][0]["payload"] == "Better balance"


def test_image_upload_is_multipart_with_filedata(graph: MessengerStandIn) -> None:
    api = MessengerApi(settings_for(graph))
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    (result,) = asyncio.run(_send(api, image_requests("2468", uri)))
    assert result.ok
    (call,) = graph.messages()
    assert call.headers["Content-Type"].startswith("multipart/form-data")
    assert call.fields["recipient"] == {"id": "2468"}
    assert call.fields["message"]["attachment"]["type"] == "image"
    assert call.files["filedata"].data == PNG
    assert call.files["filedata"].content_type == "image/png"


def test_graph_version_is_configurable(graph: MessengerStandIn) -> None:
    api = MessengerApi(settings_for(graph, graph_version="v24.0"))
    (result,) = asyncio.run(_send(api, text_requests("1", "hi")))
    assert result.ok and graph.messages()[0].path == "/v24.0/me/messages"


def test_transient_errors_and_5xx_are_retried(graph: MessengerStandIn) -> None:
    sleeps = Sleeps()
    api = MessengerApi(settings_for(graph, backoff_s=0.5), sleep=sleeps)
    graph.fail_next(500, graph_error("An unexpected error has occurred.", 2, "OAuthException"))
    transient = graph_error("Temporary", 1200, "OAuthException")
    transient["error"]["is_transient"] = True
    graph.fail_next(400, transient)
    (result,) = asyncio.run(_send(api, text_requests("1", "hi")))
    assert result.ok and result.attempts == 3
    assert sleeps.waits == [0.5, 1.0]


def test_permanent_errors_are_not_retried(graph: MessengerStandIn) -> None:
    api = MessengerApi(settings_for(graph, page_token="expired"), sleep=Sleeps())
    (result,) = asyncio.run(_send(api, text_requests("1", "hi")))
    assert not result.ok and result.status == 400 and result.error_code == 190
    assert result.attempts == 1
    # The stand-in enforces the Send API's limits.
    api = MessengerApi(settings_for(graph), sleep=Sleeps())
    too_long = SendRequest("1", {"text": "x" * 2001})
    (result,) = asyncio.run(_send(api, [too_long]))
    assert not result.ok and result.error_code == 100


def test_unreachable_graph_does_not_raise() -> None:
    settings = MessengerSettings(page_token=TOKEN, graph_url=f"http://127.0.0.1:{free_port()}")
    sleeps = Sleeps()
    (result,) = asyncio.run(_send(MessengerApi(settings, sleep=sleeps), text_requests("1", "hi")))
    assert not result.ok and result.status == 0 and result.attempts == 3
    assert len(sleeps.waits) == 2


def test_one_client_works_across_event_loops(graph: MessengerStandIn) -> None:
    api = MessengerApi(settings_for(graph))
    for text in ("one", "two"):
        (result,) = asyncio.run(api.send_all(text_requests("1", text)))
        assert result.ok
    asyncio.run(api.close())
    assert [c.fields["message"]["text"] for c in graph.messages()] == ["one", "two"]


def test_subscribe_page(graph: MessengerStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_MESSENGER_PAGE_TOKEN", TOKEN)
    monkeypatch.setenv("RETROWALK_MESSENGER_APP_SECRET", "a")
    monkeypatch.setenv("RETROWALK_MESSENGER_VERIFY_TOKEN", "v")
    monkeypatch.setenv("RETROWALK_MESSENGER_GRAPH_URL", graph.url)
    result = subscribe_page()
    assert result.ok and result.body == {"success": True}
    (call,) = graph.named("me/subscribed_apps")
    assert call.fields["subscribed_fields"] == "messages,messaging_postbacks"
