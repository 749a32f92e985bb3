"""A local stand-in of the Messenger Send API (Graph API), and builders of the webhooks
Facebook sends.

:class:`MessengerStandIn` (a :class:`~tests.channels.standins.base.StandInServer`) serves
``POST /<version>/me/messages?access_token=...`` (JSON, or multipart with
``recipient``/``message`` fields and a ``filedata`` file) and
``POST /<version>/me/subscribed_apps``; it checks the page token, enforces the Send API's
limits (text 2,000 characters, 13 quick replies, 20-character titles, 3 template buttons)
and answers like Graph: ``{"recipient_id", "message_id"}`` or
``{"error": {"message", "type", "code", "fbtrace_id"}}``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
from typing import Any

from aiohttp import web

from tests.channels.standins.base import Recorded, RecordedFile, StandInServer, receive

_VERSION = re.compile(r"v\d+\.\d+")


def graph_error(message: str, code: int = 100, kind: str = "OAuthException") -> dict[str, Any]:
    """A Graph API error body."""
    return {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf123"}}


def _invalid(message: str) -> web.Response:
    return web.json_response(graph_error(f"(#100) {message}"), status=400)


class MessengerStandIn(StandInServer):
    """The Send API the coach uses."""

    def __init__(self, port: int, page_token: str) -> None:
        """Serve the Page with ``page_token`` on ``127.0.0.1:port``."""
        super().__init__(port)
        self.page_token = page_token
        self._ids = itertools.count(1)

    def routes(self) -> list[web.RouteDef]:
        """``/{version}/me/messages`` and ``/{version}/me/subscribed_apps``."""
        return [web.post("/{version}/me/{edge}", self._handle)]

    def messages(self) -> list[Recorded]:
        """The Send API calls (sender actions included)."""
        return self.named("me/messages")

    def sent(self) -> list[Recorded]:
        """The Send API calls that carry a message (no sender actions)."""
        return [r for r in self.messages() if "message" in r.fields]

    async def _handle(self, request: web.Request) -> web.Response:
        edge = request.match_info["edge"]
        item = await receive(request, f"me/{edge}")
        self.record(item)
        fields, files = item.fields, item.files
        if not _VERSION.fullmatch(request.match_info["version"]):
            return web.json_response(graph_error("Unknown path components", 2500), status=400)
        token = request.query.get("access_token")
        if not token:
            message = "An active access token must be used to query information."
            return web.json_response(graph_error(message, 2500), status=400)
        if token != self.page_token:
            message = "Invalid OAuth access token - Cannot parse access token"
            return web.json_response(graph_error(message, 190), status=400)
        failure = self.take_failure()
        if failure is not None:
            return web.json_response(failure.body, status=failure.status)
        if edge == "subscribed_apps":
            return web.json_response({"success": True})
        if edge != "messages":
            return web.json_response(graph_error("Unsupported post request.", 100), status=400)
        return self._send(fields, files)

    def _send(self, fields: dict[str, Any], files: dict[str, RecordedFile]) -> web.Response:
        recipient = fields.get("recipient")
        recipient_id = recipient.get("id") if isinstance(recipient, dict) else None
        if not recipient_id:
            return _invalid("param recipient must be non-empty.")
        if "sender_action" in fields:
            if fields["sender_action"] not in ("typing_on", "typing_off", "mark_seen"):
                return _invalid(
                    "param sender_action must be one of {MARK_SEEN, TYPING_ON, TYPING_OFF}"
                )
            return web.json_response({"recipient_id": recipient_id})
        message = fields.get("message")
        if not isinstance(message, dict):
            return _invalid("param message must be non-empty.")
        error = self._message_error(message, files)
        if error:
            return _invalid(error)
        answer = {"recipient_id": recipient_id, "message_id": f"m_{next(self._ids)}AbCdEf"}
        attachment = message.get("attachment")
        if (
            files
            and isinstance(attachment, dict)
            and attachment.get("payload", {}).get("is_reusable")
        ):
            answer["attachment_id"] = str(1_000_000 + next(self._ids))
        return web.json_response(answer)

    @staticmethod
    def _message_error(message: dict[str, Any], files: dict[str, RecordedFile]) -> str | None:
        text = message.get("text")
        attachment = message.get("attachment")
        if text is None and attachment is None:
            return "Must send either message text or attachment"
        if text is not None and not 1 <= len(str(text)) <= 2000:
            return "Length of param message[text] must be less than or equal to 2000"
        replies = message.get("quick_replies")
        if replies is not None:
            if not isinstance(replies, list) or not 1 <= len(replies) <= 13:
                return "param message[quick_replies] must have at most 13 elements"
            for reply in replies:
                if (
                    reply.get("content_type") == "text"
                    and not 1 <= len(reply.get("title", "")) <= 20
                ):
                    return "Title of quick reply must be 20 characters or fewer"
                if len(str(reply.get("payload", ""))) > 1000:
                    return "Payload of quick reply must be 1000 characters or fewer"
        if isinstance(attachment, dict):
            payload = attachment.get("payload") or {}
            if attachment.get("type") == "template":
                buttons = payload.get("buttons") or []
                if not 1 <= len(buttons) <= 3:
                    return "param message[attachment][payload][buttons] must have 1-3 elements"
                if len(payload.get("text", "")) > 640:
                    return "param message[attachment][payload][text] must be at most 640 characters"
                if any(len(button.get("title", "")) > 20 for button in buttons):
                    return "Button title must be 20 characters or fewer"
            elif attachment.get("type") == "image" and not (
                "url" in payload or "attachment_id" in payload or "filedata" in files
            ):
                return "Attachment must have a url, an attachment_id or a filedata upload"
        return None


# ---- What Facebook sends to the webhook ----

_mids = itertools.count(1)


def next_mid() -> str:
    """A fresh message id (``m_...``)."""
    return f"m_test{int(time.time() * 1000)}_{next(_mids)}"


PAGE_ID = "1122334455"


def _event(sender_id: str, **content: Any) -> dict[str, Any]:
    return {
        "sender": {"id": sender_id},
        "recipient": {"id": PAGE_ID},
        "timestamp": int(time.time() * 1000),
        **content,
    }


def text_event(sender_id: str, text: str, mid: str | None = None) -> dict[str, Any]:
    """A messaging event with a text message."""
    return _event(sender_id, message={"mid": mid or next_mid(), "text": text})


def quick_reply_event(sender_id: str, title: str, payload: str) -> dict[str, Any]:
    """A messaging event for a tapped quick reply (the title comes as the text)."""
    message = {"mid": next_mid(), "text": title, "quick_reply": {"payload": payload}}
    return _event(sender_id, message=message)


def postback_event(sender_id: str, title: str, payload: str) -> dict[str, Any]:
    """A messaging event for a tapped template button."""
    return _event(sender_id, postback={"mid": next_mid(), "title": title, "payload": payload})


def echo_event(sender_id: str, text: str) -> dict[str, Any]:
    """The echo of a message the Page sent (``is_echo``)."""
    event = _event(PAGE_ID, message={"mid": next_mid(), "is_echo": True, "app_id": 1, "text": text})
    event["recipient"] = {"id": sender_id}
    return event


def delivery_event(sender_id: str) -> dict[str, Any]:
    """A delivery receipt."""
    return _event(sender_id, delivery={"mids": [next_mid()], "watermark": int(time.time() * 1000)})


def read_event(sender_id: str) -> dict[str, Any]:
    """A read receipt."""
    return _event(sender_id, read={"watermark": int(time.time() * 1000)})


def webhook_body(*events: dict[str, Any]) -> dict[str, Any]:
    """A Page webhook body with the events in one entry."""
    return {
        "object": "page",
        "entry": [{"id": PAGE_ID, "time": int(time.time() * 1000), "messaging": list(events)}],
    }


def encode(body: dict[str, Any]) -> bytes:
    """The body as Facebook sends it (compact JSON, UTF-8)."""
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def signature(raw: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` header value for ``raw``."""
    return "sha256=" + hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
