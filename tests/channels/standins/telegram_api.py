"""A local stand-in of the Telegram Bot API, and builders of the Updates Telegram sends.

:class:`TelegramStandIn` (a :class:`~tests.channels.standins.base.StandInServer`) speaks the
Bot API wire format: ``/bot<token>/<method>``, answers ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": ..., "description": ...}``, checks the token in the path, and
enforces the limits the real API enforces (text length, ``callback_data`` size).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

from tests.channels.standins.base import Recorded, RecordedFile, StandInServer, receive

MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_DATA = 64


def _utf16_len(text: str) -> int:
    """Message length as Telegram counts it (computed here, not with the client's helper)."""
    return len(text.encode("utf-16-le")) // 2


# ---- Telegram ----


def _bad_request(description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}, status=400
    )


def _chat_id(value: Any) -> int | str:
    text = str(value)
    return int(text) if text.lstrip("-").isdigit() else text


@dataclass
class _Webhook:
    url: str = ""
    secret_token: str = ""
    allowed_updates: list[str] = field(default_factory=list)


class TelegramStandIn(StandInServer):
    """The Bot API methods the coach uses, on ``/bot<token>/<method>``."""

    def __init__(self, port: int, token: str) -> None:
        """Serve the bot with ``token`` on ``127.0.0.1:port``."""
        super().__init__(port)
        self.token = token
        self.webhook = _Webhook()
        self._message_ids = itertools.count(1000)

    def routes(self) -> list[web.RouteDef]:
        """``/bot{token}/{method}`` for GET and POST."""
        return [web.route("*", "/bot{token}/{method}", self._handle)]

    def calls(self, method: str) -> list[Recorded]:
        """The calls of one Bot API method."""
        return self.named(method)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        item = await receive(request, method)
        item = replace(item, fields={**item.query, **item.fields})  # GET calls use the query
        self.record(item)
        fields, files = item.fields, item.files
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        failure = self.take_failure()
        if failure is not None:
            return web.json_response(failure.body, status=failure.status)
        handler = getattr(self, f"_method_{method}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                status=404,
            )
        result = handler(fields, files)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    def _message(self, chat_id: Any, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "from": {"id": 123456789, "is_bot": True, "first_name": "RetroWalk Coach"},
            "chat": {"id": _chat_id(chat_id), "type": "private"},
            "date": int(time.time()),
            **content,
        }

    @staticmethod
    def _keyboard_error(markup: Any) -> str | None:
        if markup is None:
            return None
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if not isinstance(rows, list):
            return "can't parse reply keyboard markup JSON object"
        for row in rows:
            for button in row:
                if not str(button.get("text", "")).strip():
                    return "text buttons are unallowed in the inline keyboard"
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    return "BUTTON_DATA_INVALID"
        return None

    def _method_getMe(self, fields: dict[str, Any], files: Any) -> Any:  # noqa: N802
        return {"id": 123456789, "is_bot": True, "first_name": "RetroWalk Coach"}

    def _method_sendMessage(self, fields: dict[str, Any], files: Any) -> Any:  # noqa: N802
        if "chat_id" not in fields:
            return _bad_request("chat_id is empty")
        text = str(fields.get("text", ""))
        if not text.strip():
            return _bad_request("message text is empty")
        if _utf16_len(text) > MAX_TEXT_UTF16:
            return _bad_request("message is too long")
        error = self._keyboard_error(fields.get("reply_markup"))
        if error:
            return _bad_request(error)
        extra = {"reply_markup": fields["reply_markup"]} if "reply_markup" in fields else {}
        return self._message(fields["chat_id"], text=text, **extra)

    def _method_sendPhoto(  # noqa: N802
        self, fields: dict[str, Any], files: dict[str, RecordedFile]
    ) -> Any:
        if "chat_id" not in fields:
            return _bad_request("chat_id is empty")
        upload = files.get("photo")
        if upload is None and not str(fields.get("photo", "")).strip():
            return _bad_request("there is no photo in the request")
        size = len(upload.data) if upload else 0
        photo = [
            {
                "file_id": "AgAC-photo",
                "file_unique_id": "AQAD",
                "width": 800,
                "height": 400,
                "file_size": size,
            }
        ]
        return self._message(fields["chat_id"], photo=photo)

    def _method_sendChatAction(self, fields: dict[str, Any], files: Any) -> Any:  # noqa: N802
        if "chat_id" not in fields or "action" not in fields:
            return _bad_request("chat_id or action is empty")
        return True

    def _method_answerCallbackQuery(self, fields: dict[str, Any], files: Any) -> Any:  # noqa: N802
        if not fields.get("callback_query_id"):
            return _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        return True

    def _method_setWebhook(self, fields: dict[str, Any], files: Any) -> Any:  # noqa: N802
        url = str(fields.get("url", ""))
        if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            return _bad_request("bad webhook: HTTPS url must be provided for webhook")
        self.webhook = _Webhook(
            url, str(fields.get("secret_token", "")), list(fields.get("allowed_updates") or [])
        )
        return True

    def _method_getWebhookInfo(self, fields: dict[str, Any], files: Any) -> Any:  # noqa: N802
        return {
            "url": self.webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": 0,
            "allowed_updates": self.webhook.allowed_updates,
        }

    def _method_deleteWebhook(self, fields: dict[str, Any], files: Any) -> Any:  # noqa: N802
        self.webhook = _Webhook()
        return True


# ---- What Telegram sends to the webhook ----

_update_ids = itertools.count(int(time.time()) % 100_000 * 1000)


def next_update_id() -> int:
    """A fresh ``update_id`` (unique in this test run)."""
    return next(_update_ids)


def _user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}


def message_update(chat_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
    """An Update with a private text message, as Telegram posts it."""
    update: dict[str, Any] = {
        "update_id": update_id if update_id is not None else next_update_id(),
        "message": {
            "message_id": next_update_id() % 100_000,
            "from": _user(chat_id),
            "chat": {"id": chat_id, "first_name": "Ann", "type": "private"},
            "date": int(time.time()),
            "text": text,
        },
    }
    if text.startswith("/"):
        length = len(text.split()[0])
        update["message"]["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
    return update


def callback_update(
    chat_id: int, data: str, keyboard_message: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An Update for a pressed inline button: ``callback_query`` with ``data``.

    Args:
        chat_id: The chat.
        data: The button's ``callback_data``.
        keyboard_message: The bot's message that carried the keyboard (as the stand-in's
            sendMessage result), included as ``callback_query.message``.
    """
    message = keyboard_message or {
        "message_id": 1,
        "chat": {"id": chat_id, "type": "private"},
        "date": int(time.time()),
        "text": "?",
    }
    return {
        "update_id": next_update_id(),
        "callback_query": {
            "id": f"cbq-{next_update_id()}",
            "from": _user(chat_id),
            "message": message,
            "chat_instance": "-1234567890",
            "data": data,
        },
    }


def sticker_update(chat_id: int) -> dict[str, Any]:
    """An Update with a sticker (no text)."""
    update = message_update(chat_id, "x")
    del update["message"]["text"]
    update["message"]["sticker"] = {
        "file_id": "CAACAgIAAxkBAAE",
        "file_unique_id": "AgADAQAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    return update


def edited_update(chat_id: int, text: str) -> dict[str, Any]:
    """An Update with an edited message."""
    update = message_update(chat_id, text)
    message = update.pop("message")
    message["edit_date"] = message["date"] + 5
    update["edited_message"] = message
    return update
