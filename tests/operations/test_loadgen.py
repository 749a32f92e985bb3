"""operations.loadgen against a small local aiohttp server speaking the REST channel's format."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
from aiohttp import web

from operations.loadgen import _never_sent, run_load_async


def test_only_a_request_that_never_reached_the_server_whole_is_sent_again() -> None:
    stale = aiohttp.ClientOSError(32, "Can not write request body for http://x/webhook")
    assert _never_sent(stale)
    assert _never_sent(aiohttp.ClientOSError(None, "Can not write request body for http://x/"))
    assert not _never_sent(aiohttp.ServerDisconnectedError())  # it may have been read
    assert not _never_sent(aiohttp.ClientOSError(104, "Connection reset by peer"))
    assert not _never_sent(asyncio.TimeoutError())


def test_every_turn_is_recorded_in_order_with_its_replies() -> None:
    seen: list[tuple[str, str]] = []

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append((body["sender"], body["message"]))
        if body["message"] == "boom":
            return web.json_response({"error": "no"}, status=500)
        return web.json_response([{"recipient_id": body["sender"], "text": body["message"]}])

    async def scenario() -> None:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        try:
            url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
            result = await run_load_async(url, {"a": ["hi", "boom", "bye"], "b": ["hello"]})
        finally:
            await runner.cleanup()
        turns = result.by_sender()
        assert [t.text for t in turns["a"]] == ["hi", "boom", "bye"]
        assert turns["a"][0].reply_texts == ["hi"] and turns["b"][0].reply_texts == ["hello"]
        assert [t.status for t in result.failed] == [500]
        assert result.failed[0].error.startswith("HTTP 500")
        assert [text for sender, text in seen if sender == "a"] == ["hi", "boom", "bye"]

    asyncio.run(scenario())
