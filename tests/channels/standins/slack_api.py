"""A local stand-in of Slack for the tests: the Web API, and signed requests as Slack sends them.

:class:`SlackApiStandIn` (a :class:`~tests.channels.standins.base.StandInServer`) serves the
Web API's wire format on ``127.0.0.1:<port>`` in a background thread: ``POST /<method>`` (and
``/api/<method>``) with a Bearer token, JSON or form bodies, and answers
``{"ok": true, ...}`` (HTTP 200), or ``{"ok": false, "error": ...}`` for a bad token, a
missing argument or blocks Slack would reject. Every request is recorded.

The helpers below build what Slack POSTs to an app: Events API envelopes, ``block_actions``
interactions (form-encoded ``payload``), and the ``X-Slack-Signature`` headers
(``v0=<hex HMAC-SHA256 of "v0:{timestamp}:{body}">``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from tests.channels.standins.base import Recorded, StandInServer, receive

BOT_USER_ID = "UBOT0RETRO"
BOT_ID = "BRETROWALK"
TEAM_ID = "T0RETROWALK"

SECTION_TEXT_LIMIT = 3000
BUTTON_TEXT_LIMIT = 75
ACTIONS_ELEMENTS_LIMIT = 25


def _ts_counter() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"{int(time.time())}.{next(counter):06d}"


class SlackApiStandIn(StandInServer):
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
        item = await receive(request, request.match_info["method"])
        if request.content_type == "application/json" and not _is_json(item.body):
            return web.json_response({"ok": False, "error": "invalid_json"})
        authorized = request.headers.get("Authorization") == f"Bearer {self.token}"
        if not authorized and item.form.get("token") == [self.token]:
            authorized = True
        item = replace(item, authorized=authorized)
        self.record(item)
        if "Authorization" not in request.headers and "token" not in item.form:
            return web.json_response({"ok": False, "error": "not_authed"})
        if not authorized:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if item.name == "auth.test":
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
        if item.name != "chat.postMessage":
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


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body or b"{}")
    except ValueError:
        return False
    return True


def _is_post(item: Recorded, channel: str | None) -> bool:
    return (
        item.authorized
        and item.name == "chat.postMessage"
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
