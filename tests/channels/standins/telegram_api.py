"""A local stand-in of the Telegram Bot API, and builders of the Updates Telegram sends.

:class:`StandInServer` is a small aiohttp server run in a background thread that records
every request (JSON, form or multipart, files included) and lets a test wait until N requests
arrived (:meth:`StandInServer.wait_for`, a ``threading.Condition`` with a timeout) or script
failures (:meth:`StandInServer.fail_next`). :class:`TelegramStandIn` speaks the Bot API wire
format: ``/bot<token>/<method>``, answers ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": ..., "description": ...}``, checks the token in the path, and
enforces the limits the real API enforces (text length, ``callback_data`` size).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_DATA = 64


@dataclass(frozen=True)
class RecordedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Recorded:
    """One request the stand-in received.

    Attributes:
        http_method: ``POST``, ``GET``...
        path: The URL path.
        query: The query string parameters.
        headers: The request headers.
        fields: The JSON body, or the form fields (values that are JSON objects decoded).
        files: The uploaded files by field name.
        name: What was called (the Bot API method, or the Graph API path after the version).
    """

    http_method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    fields: dict[str, Any]
    files: dict[str, RecordedFile]
    name: str = ""


@dataclass
class _Failure:
    status: int
    body: dict[str, Any]


async def read_request(request: web.Request) -> tuple[dict[str, Any], dict[str, RecordedFile]]:
    """The fields and files of a JSON, urlencoded or multipart request."""
    fields: dict[str, Any] = {}
    files: dict[str, RecordedFile] = {}
    if request.content_type == "application/json":
        body = await request.json()
        return (body if isinstance(body, dict) else {"_body": body}), files
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            data = await part.read()  # type: ignore[union-attr]
            name = part.name or ""
            if part.filename:  # type: ignore[union-attr]
                files[name] = RecordedFile(
                    part.filename,  # type: ignore[union-attr]
                    part.headers.get("Content-Type", ""),
                    bytes(data),
                )
            else:
                fields[name] = _maybe_json(bytes(data).decode("utf-8"))
        return fields, files
    if request.can_read_body:
        form = await request.post()
        fields = {key: _maybe_json(str(value)) for key, value in form.items()}
    return fields, files


def _maybe_json(value: str) -> Any:
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class StandInServer:
    """An aiohttp app in a background thread that records every request."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        """Serve on ``host:port`` once started."""
        self.host = host
        self.port = port
        self._records: list[Recorded] = []
        self._failures: list[_Failure] = []
        self._condition = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The base URL."""
        return f"http://{self.host}:{self.port}"

    def routes(self) -> list[web.RouteDef]:
        """The app's routes (subclasses)."""
        raise NotImplementedError

    def start(self) -> StandInServer:
        """Start serving; returns when the port accepts connections."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._open())
            except BaseException as error:  # reported to start()
                errors.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._close())
            loop.close()

        self._thread = threading.Thread(target=serve, name=type(self).__name__, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("stand-in did not start")
        if errors:
            raise errors[0]
        return self

    async def _open(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.add_routes(self.routes())
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = None
        self._thread = None

    def __enter__(self) -> StandInServer:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    # ---- records ----

    def record(self, recorded: Recorded) -> None:
        """Store a request and wake up waiters."""
        with self._condition:
            self._records.append(recorded)
            self._condition.notify_all()

    @property
    def requests(self) -> list[Recorded]:
        """Every request received since the last :meth:`reset`."""
        with self._condition:
            return list(self._records)

    def named(self, name: str) -> list[Recorded]:
        """The requests to one method/path."""
        return [request for request in self.requests if request.name == name]

    def reset(self) -> None:
        """Forget the requests and scripted failures."""
        with self._condition:
            self._records.clear()
            self._failures.clear()

    def wait_for(
        self,
        count: int,
        timeout: float = 15.0,
        where: Callable[[Recorded], bool] | None = None,
    ) -> list[Recorded]:
        """Wait until at least ``count`` requests (matching ``where``) arrived; return them.

        Raises:
            AssertionError: When they do not arrive within ``timeout`` seconds.
        """

        def matching() -> list[Recorded]:
            return [r for r in self._records if where is None or where(r)]

        with self._condition:
            if not self._condition.wait_for(lambda: len(matching()) >= count, timeout):
                got = [r.name for r in self._records]
                raise AssertionError(f"expected {count} requests within {timeout}s, got {got}")
            return matching()

    def fail_next(self, status: int, body: dict[str, Any]) -> None:
        """Answer the next request with ``status`` and ``body`` (queued, one per call)."""
        with self._condition:
            self._failures.append(_Failure(status, body))

    def take_failure(self) -> _Failure | None:
        """The next scripted failure, if any."""
        with self._condition:
            return self._failures.pop(0) if self._failures else None


# ---- Telegram ----


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


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
        fields, files = await read_request(request)
        fields = {**dict(request.query), **fields}
        method = request.match_info["method"]
        self.record(
            Recorded(
                request.method,
                request.path,
                dict(request.query),
                dict(request.headers),
                fields,
                files,
                method,
            )
        )
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
