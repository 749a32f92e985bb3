"""A local stand-in of Slack for the tests: the Web API, and signed requests as Slack sends them.

:class:`SlackApiStandIn` serves the Web API's wire format on ``127.0.0.1:<port>`` in a
background thread: ``POST /<method>`` (and ``/api/<method>``) with a Bearer token, JSON or
form bodies, and answers ``{"ok": true, ...}`` (HTTP 200), or ``{"ok": false, "error": ...}``
for a bad token, a missing argument or blocks Slack would reject. Every request is recorded;
:meth:`RecordingServer.wait_for` waits (on a condition, with a timeout) until enough have
arrived.

The helpers below build what Slack POSTs to an app: Events API envelopes, ``block_actions``
interactions (form-encoded ``payload``), and the ``X-Slack-Signature`` headers
(``v0=<hex HMAC-SHA256 of "v0:{timestamp}:{body}">``).

:class:`RecordingServer` is the shared base of the stand-ins in this package, and
:func:`tracker_user_texts` reads what reached the bot from the live coach's tracker.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, quote, urlencode

import requests
from aiohttp import web

from tests.conftest import LiveCoach

BOT_USER_ID = "UBOT0RETRO"
BOT_ID = "BRETROWALK"
TEAM_ID = "T0RETROWALK"
_Server = TypeVar("_Server", bound="RecordingServer")

SECTION_TEXT_LIMIT = 3000
BUTTON_TEXT_LIMIT = 75
ACTIONS_ELEMENTS_LIMIT = 25


@dataclass(frozen=True)
class Recorded:
    """One request the stand-in received.

    Attributes:
        method: The HTTP method.
        path: The URL path.
        headers: The request headers.
        body: The raw body.
        form: The form fields (blank values kept), for form-encoded bodies.
        json: The decoded JSON body, for JSON bodies.
        authorized: Whether its credentials were right.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, list[str]] = field(default_factory=dict)
    json: Any = None
    authorized: bool = False

    def value(self, name: str) -> Any:
        """A field of the JSON body, or the first value of a form field (None if absent)."""
        if isinstance(self.json, dict):
            return self.json.get(name)
        values = self.form.get(name)
        return values[0] if values else None


class RecordingServer:
    """An aiohttp server in a background thread that records every request.

    Subclasses add routes in :meth:`routes` and call :meth:`record` in their handlers.
    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self._records: list[Recorded] = []
        self._condition = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def routes(self) -> list[web.RouteDef]:
        """The routes to serve."""
        raise NotImplementedError

    def start(self: _Server) -> _Server:
        """Start serving; returns when the port is open."""
        started = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            app = web.Application(client_max_size=8 * 1024 * 1024)
            app.add_routes(self.routes())
            runner = web.AppRunner(app, access_log=None)
            try:
                loop.run_until_complete(runner.setup())
                loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
            except BaseException as error:  # reported to the starting thread
                errors.append(error)
                started.set()
                return
            self._runner = runner
            started.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name=type(self).__name__, daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError(f"{type(self).__name__} did not start")
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = self._thread = None

    def __enter__(self: _Server) -> _Server:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def record(self, item: Recorded) -> None:
        """Keep a request and wake up waiters."""
        with self._condition:
            self._records.append(item)
            self._condition.notify_all()

    def requests(self, where: Callable[[Recorded], bool] | None = None) -> list[Recorded]:
        """The requests received so far (those matching ``where``)."""
        with self._condition:
            return [item for item in self._records if where is None or where(item)]

    def wait_for(
        self,
        count: int,
        where: Callable[[Recorded], bool] | None = None,
        timeout: float = 30.0,
    ) -> list[Recorded]:
        """Wait until ``count`` requests matching ``where`` arrived; return them all.

        Raises:
            AssertionError: If they did not arrive within ``timeout`` seconds.
        """

        def matching() -> list[Recorded]:
            return [item for item in self._records if where is None or where(item)]

        with self._condition:
            if not self._condition.wait_for(lambda: len(matching()) >= count, timeout):
                raise AssertionError(
                    f"expected {count} matching requests within {timeout:.0f} s, "
                    f"got {len(matching())} (of {len(self._records)} in all)"
                )
            return matching()


def tracker_user_texts(coach: LiveCoach, sender: str, stored: int) -> list[str]:
    """The user messages in ``sender``'s tracker, once at least ``stored`` are saved.

    Rasa saves the tracker after the replies went out, so this polls (every 0.1 s, for at
    most 30 s) the Rasa HTTP API until the last message is stored.
    """
    # Rasa's routes match the raw path (no unquoting): "+" and ":" of phone ids stay as they are.
    url = f"{coach.settings.rasa_url}/conversations/{quote(sender, safe='+:')}/tracker"
    deadline = time.monotonic() + 30
    while True:
        reply = requests.get(url, params={"token": coach.token}, timeout=30)
        assert reply.status_code == 200, reply.text
        texts = [event["text"] for event in reply.json()["events"] if event["event"] == "user"]
        if len(texts) >= stored or time.monotonic() > deadline:
            return texts
        time.sleep(0.1)


def _ts_counter() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"{int(time.time())}.{next(counter):06d}"


class SlackApiStandIn(RecordingServer):
    """Slack's Web API (``chat.postMessage``, ``auth.test``) with Bearer token checks."""

    def __init__(self, port: int, token: str) -> None:
        super().__init__(port)
        self.token = token
        self._next_ts = _ts_counter()

    def routes(self) -> list[web.RouteDef]:
        """``POST /<method>`` and ``POST /api/<method>``."""
        return [
            web.post("/api/{method}", self._handle),
            web.post("/{method}", self._handle),
        ]

    def posted(self, channel: str | None = None) -> list[Recorded]:
        """Authorized ``chat.postMessage`` calls (to ``channel``)."""
        return self.requests(lambda r: _is_post(r, channel))

    def wait_for_posts(self, count: int, channel: str, timeout: float = 30.0) -> list[Recorded]:
        """Wait until ``count`` authorized ``chat.postMessage`` calls to ``channel`` arrived."""
        return self.wait_for(count, lambda r: _is_post(r, channel), timeout)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
        form: dict[str, list[str]] = {}
        data: Any = None
        if content_type == "application/json":
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                return web.json_response({"ok": False, "error": "invalid_json"})
        else:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        authorized = request.headers.get("Authorization") == f"Bearer {self.token}"
        if not authorized and form.get("token") == [self.token]:
            authorized = True
        item = Recorded(
            method=request.match_info["method"],
            path=request.path,
            headers=dict(request.headers),
            body=body,
            form=form,
            json=data,
            authorized=authorized,
        )
        self.record(item)
        if "Authorization" not in request.headers and "token" not in form:
            return web.json_response({"ok": False, "error": "not_authed"})
        if not authorized:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if item.method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "url": "https://retrowalk.slack.com/",
                    "team": "RetroWalk",
                    "user": "retrowalk",
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                }
            )
        if item.method != "chat.postMessage":
            return web.json_response({"ok": False, "error": "unknown_method"})
        return web.json_response(self._post_message(item))

    def _post_message(self, item: Recorded) -> dict[str, Any]:
        channel, text, blocks = item.value("channel"), item.value("text"), item.value("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        if blocks is not None and not _blocks_valid(blocks):
            return {"ok": False, "error": "invalid_blocks"}
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": text or "",
            "ts": ts,
            "bot_id": BOT_ID,
            "user": BOT_USER_ID,
        }
        if blocks:
            message["blocks"] = blocks
        return {"ok": True, "channel": channel, "ts": ts, "message": message}


def _is_post(item: Recorded, channel: str | None) -> bool:
    return (
        item.authorized
        and item.method == "chat.postMessage"
        and (channel is None or item.value("channel") == channel)
    )


def _blocks_valid(blocks: Any) -> bool:
    """The limits Slack enforces on the block types the coach uses."""
    if not isinstance(blocks, list) or not blocks or len(blocks) > 50:
        return False
    for block in blocks:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "section":
            text = block.get("text", {})
            if not text.get("text") or len(text["text"]) > SECTION_TEXT_LIMIT:
                return False
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > ACTIONS_ELEMENTS_LIMIT:
                return False
            for element in elements:
                label = element.get("text", {}).get("text", "")
                if element.get("type") != "button" or not label or len(label) > BUTTON_TEXT_LIMIT:
                    return False
        elif kind == "image":
            url = block.get("image_url", "")
            if not url.startswith(("http://", "https://")) or not block.get("alt_text"):
                return False
        else:
            return False
    return True


# -- what Slack sends to the app -------------------------------------------------------------


def signed_headers(
    secret: str, body: bytes, content_type: str, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Slack sends with ``body``: content type, timestamp and ``v0=`` signature."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + stamp.encode() + b":" + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


def new_event_id() -> str:
    """A fresh ``Ev...`` event id."""
    return "Ev" + uuid.uuid4().hex[:12].upper()


def message_event(
    user: str,
    channel: str,
    text: str,
    *,
    kind: str = "message",
    channel_type: str = "im",
    event_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An Events API ``event_callback`` envelope for a message (or ``app_mention``)."""
    now = time.time()
    event: dict[str, Any] = {
        "type": kind,
        "user": user,
        "text": text,
        "ts": f"{now:.6f}",
        "channel": channel,
        "event_ts": f"{now:.6f}",
        "team": TEAM_ID,
    }
    if kind == "message":
        event["channel_type"] = channel_type
    event.update(extra)
    return {
        "token": "verification-token-unused",
        "team_id": TEAM_ID,
        "api_app_id": "A0RETROWALK",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": int(now),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def block_actions_body(user: str, channel: str, value: str, title: str = "Option") -> bytes:
    """The form body Slack POSTs when a user clicks a button whose value is ``value``."""
    now = f"{time.time():.6f}"
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "walker", "name": "walker", "team_id": TEAM_ID},
        "api_app_id": "A0RETROWALK",
        "token": "verification-token-unused",
        "container": {
            "type": "message",
            "message_ts": now,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}",
        "team": {"id": TEAM_ID, "domain": "retrowalk"},
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "user": BOT_USER_ID, "ts": now, "text": "..."},
        "response_url": "https://hooks.slack.com/actions/T0RETROWALK/1/abc",
        "actions": [
            {
                "action_id": "retrowalk_option_1",
                "block_id": "b1",
                "text": {"type": "plain_text", "text": title, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": now,
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()
