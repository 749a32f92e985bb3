"""The Socket.IO channel for the web chat widget, hardened.

Same wire protocol as Rasa's stock ``socketio`` channel (events ``session_request`` /
``session_confirm``, ``user_uttered`` / ``bot_uttered``, session persistence, optional JWT),
served at ``/socket.io`` and ``/webhooks/socketio/``, with these changes:

- Only browser origins in ``RETROWALK_CORS`` (default: the coach's own page) may connect;
  Engine.IO refuses any other ``Origin`` with HTTP 400 and sends the CORS headers itself
  (the stock channel disables Engine.IO's origin check, so any web site could connect).
- Each message is checked like a REST message (:mod:`bot.channels.webchat`): not a string,
  empty, or over ``RETROWALK_MAX_MESSAGE_CHARS`` gets a ``bot_uttered`` reply saying why, to
  that connection only, and never reaches the bot.
- A per-conversation rate limit (:class:`bot.channels.rate_limit.RateLimiter`): a message
  over it is dropped with a "slow down" reply.
- ``enter_room`` is awaited when python-socketio makes it a coroutine (RasaHQ/rasa#13027),
  ``custom`` payloads are sent as ``{"custom": ...}`` (the stock channel raises a TypeError),
  and a failing turn gets an apology instead of silence. Message text is never logged.
"""

from __future__ import annotations

import inspect
import logging
import uuid
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.core.channels.channel
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.rate_limit import RateLimiter, RateLimitSettings
from bot.channels.webchat import (
    RefusedMessageError,
    WebChatSettings,
    max_frame_bytes,
    parse_user_message,
    slow_down_reply,
)

logger = logging.getLogger(__name__)

ERROR_REPLY = "Sorry, something went wrong on my side. Please try again in a moment."
# sanic-cors marks a request it has handled with this attribute (sanic_cors.core).
_SANIC_CORS_EVALUATED = "_sanic_cors_e"


class WebChatOutput(SocketIOOutput):
    """Rasa's Socket.IO output with ``custom`` payloads sent as ``{"custom": payload}``."""

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Send a custom payload to the conversation's room."""
        await self._send_message(recipient_id, {"custom": json_message})


class _OwnCorsBlueprint(SocketBlueprint):
    """Attaches Socket.IO and keeps sanic-cors off its path (Engine.IO sets the headers)."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        """Attach the Socket.IO server and a middleware that marks its requests as handled."""
        path = "/" + str(self.ctx.socketio_path).strip("/")

        async def engineio_owns_cors(request: Request) -> None:
            if request.path == path or request.path.startswith(path + "/"):
                setattr(request.ctx, _SANIC_CORS_EVALUATED, "1")

        app.register_middleware(engineio_owns_cors, "request")
        super().register(app, options)


class WebChatInput(SocketIOInput):
    """Socket.IO input channel with origin checks, message limits and a rate limit."""

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/socketio/``, like the stock channel."""
        return "socketio"

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        namespace: str | None = None,
        session_persistence: bool = False,
        socketio_path: str | None = "/socket.io",
        jwt_key: str | None = None,
        jwt_method: str | None = "HS256",
        metadata_key: str | None = "metadata",
        settings: WebChatSettings | None = None,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        """Create the channel; options as Rasa's ``SocketIOInput``.

        Args:
            user_message_evt: Event the widget sends messages with.
            bot_message_evt: Event the bot answers with.
            namespace: Socket.IO namespace (default: the root namespace).
            session_persistence: Use the widget's ``session_id`` as the conversation id.
            socketio_path: Where Socket.IO is served.
            jwt_key: If set, connections must send a JWT signed with it (``auth.token``).
            jwt_method: The JWT algorithm.
            metadata_key: Where message metadata is in ``user_uttered`` data.
            settings: Allowed origins (default: from the environment).
            rate_limiter: Per-conversation limiter (default: from the environment).
        """
        super().__init__(
            user_message_evt,
            bot_message_evt,
            namespace,
            session_persistence,
            socketio_path,
            jwt_key,
            jwt_method,
            metadata_key,
        )
        self.settings = settings or WebChatSettings.from_env()
        self.rate_limiter = rate_limiter or RateLimiter(RateLimitSettings.from_env())

    def get_output_channel(self) -> OutputChannel | None:
        """The output channel for messages sent outside a turn (e.g. reminders)."""
        if self.sio is None:
            return super().get_output_channel()
        return WebChatOutput(self.sio, self.bot_message_evt)

    def _cors_allowed_origins(self) -> str | list[str]:
        return "*" if self.settings.any_origin else list(self.settings.allowed_origins)

    def _check_token(self, auth: dict | None) -> bool:
        if not self.jwt_key:
            return True
        token = auth.get("token") if isinstance(auth, dict) else None
        if not token:
            return False
        payload = rasa.core.channels.channel.decode_bearer_token(
            token, self.jwt_key, self.jwt_algorithm
        )
        return bool(payload)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The Socket.IO server and the ``GET /webhooks/socketio/`` health route."""
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=self._cors_allowed_origins(),
            max_http_buffer_size=max_frame_bytes(),
        )
        assert self.socketio_path is not None
        socketio_webhook = _OwnCorsBlueprint(
            sio, self.socketio_path, f"socketio_webhook_{type(self).__name__}", __name__
        )
        self.sio = sio

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            allowed = self._check_token(auth)
            logger.debug("Socket.IO connection %s %s.", sid, "accepted" if allowed else "refused")
            return allowed

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            logger.debug("Socket.IO connection %s closed.", sid)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            valid = isinstance(requested, str) and 0 < len(requested) <= 128
            session_id = requested if valid else uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):  # python-socketio >= 5.10
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def refuse(sid: str, reply: str) -> None:
            await sio.emit(
                self.bot_message_evt, {"text": reply}, room=sid, namespace=self.namespace
            )

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            try:
                message = parse_user_message(
                    data,
                    sid=sid,
                    session_persistence=self.session_persistence,
                    metadata_key=self.metadata_key or "metadata",
                )
            except RefusedMessageError as refused:
                logger.info("Socket.IO message from %s refused: %s.", sid, refused.reason)
                await refuse(sid, refused.reply)
                return
            if not self.rate_limiter.allow(message.sender_id):
                logger.info("Socket.IO message for %s over the rate limit.", message.sender_id)
                await refuse(sid, slow_down_reply(self.rate_limiter.retry_after(message.sender_id)))
                return
            output = WebChatOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(
                    UserMessage(
                        message.text,
                        output,
                        message.sender_id,
                        input_channel=self.name(),
                        metadata=message.metadata,
                    )
                )
            except (Exception, CancelledError):  # CancelledError: timeouts, database down
                logger.exception("Socket.IO message processing failed for %s.", message.sender_id)
                await output.send_text_message(message.sender_id, ERROR_REPLY)

        return socketio_webhook
