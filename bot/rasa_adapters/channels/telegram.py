"""The Telegram channel (``/webhooks/telegram/webhook``): a thin Rasa adapter.

Replaces Rasa's stock ``telegram`` connector, which answers 500 on every message with
aiogram 2.15 (its HTTP session belongs to a throw-away event loop), calls ``setWebhook`` at
start-up and ``getMe`` per message, and never checks Telegram's secret token. Here:

- nothing is sent at start-up; the webhook is registered once with
  :func:`bot.channels.telegram.register_webhook`;
- every ``POST`` must carry ``X-Telegram-Bot-Api-Secret-Token`` equal to
  ``RETROWALK_TELEGRAM_SECRET`` (constant-time), else 403 and the bot never sees it;
- an ``update_id`` already seen (a replay, or Telegram redelivering) is answered 200 and
  dropped; so are update kinds the coach does not handle;
- text is cleaned and size-checked like REST (an over-long message gets a "too long"
  reply), and each chat is rate-limited (``bot.channels.rate_limit``);
- the message is processed before the webhook answers 200, so replies have been sent when
  Telegram gets the answer (processing is shielded: it completes even if Telegram hangs up).

Parsing, formatting and the Bot API client are plain Python in ``bot.channels.telegram``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.rate_limit import RateLimiter, RateLimitSettings
from bot.channels.signatures import ReplayGuard
from bot.channels.telegram import (
    SECRET_HEADER,
    ApiRequest,
    CallbackKeys,
    InvalidUpdateError,
    TelegramApi,
    TelegramIncoming,
    TelegramSettings,
    answer_callback_request,
    image_requests,
    parse_update,
    secret_header_valid,
    text_requests,
    typing_request,
    update_id_of,
)
from bot.inputs import clean_text, max_message_chars
from bot.rasa_adapters.channels.rest import ERROR_REPLY

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
EXPIRED_BUTTON_NOTICE = "This button has expired. Please type your answer instead."
TOO_LONG_REPLY = (
    "Sorry, that message is too long for me ({length} characters). "
    "Please keep it under {limit} characters."
)
RATE_LIMIT_REPLY = (
    "You're sending messages faster than I can answer. Please wait a few seconds and try again."
)

Handler = Callable[[UserMessage], Awaitable[Any]]


class TelegramOutput(OutputChannel):
    """Sends the coach's replies with the Bot API (never raises: failures are logged)."""

    def __init__(self, api: TelegramApi, keys: CallbackKeys) -> None:
        """Send through ``api``; long button payloads are remembered in ``keys``."""
        super().__init__()
        self.api = api
        self.keys = keys
        self.sent = 0

    @classmethod
    def name(cls) -> str:
        """The channel name."""
        return "telegram"

    async def _send(self, requests: list[ApiRequest]) -> None:
        for result in await self.api.call_all(requests):
            self.sent += int(result.ok)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Text, split at Telegram's 4,096-character limit."""
        await self._send(text_requests(recipient_id, text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Text with an inline keyboard (one button per row)."""
        await self._send(text_requests(recipient_id, text, buttons, self.keys))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies are shown as inline buttons too."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """A photo: a ``data:`` URI is uploaded, an http(s) URL passed to Telegram."""
        requests = image_requests(recipient_id, image)
        if not requests:
            logger.warning("telegram: an image that is neither a data: URI nor http(s) dropped")
        await self._send(requests)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Only a ``{"telegram": {...}}`` part is sent (as ``sendMessage`` parameters, or
        another ``method``); other custom payloads are for other clients and not shown."""
        native = json_message.get("telegram") if isinstance(json_message, dict) else None
        if not isinstance(native, dict):
            logger.debug("telegram: custom payload without a 'telegram' part not shown")
            return
        params = dict(native)
        method = str(params.pop("method", "sendMessage"))
        params["chat_id"] = recipient_id
        await self._send([ApiRequest(method, params)])


class TelegramInput(InputChannel):
    """Telegram webhook input; secrets come from the environment (``RETROWALK_TELEGRAM_*``)."""

    def __init__(self, settings: TelegramSettings, limiter: RateLimiter | None = None) -> None:
        """Create the channel; opens no connection and sends nothing.

        Args:
            settings: Token, secret, API URL.
            limiter: Per-chat rate limit (default: from ``RETROWALK_RATE_*``).
        """
        self.settings = settings
        self.api = TelegramApi(settings)
        self.keys = CallbackKeys()
        self.replays = ReplayGuard(settings.replay_window)
        self.limiter = limiter or RateLimiter()
        self._notices = RateLimiter(RateLimitSettings(per_minute=1.0, burst=1.0))

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/telegram/webhook``."""
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Build from the environment; secrets in ``credentials.yml`` are ignored.

        Raises:
            ValueError: A missing token or an invalid secret.
        """
        settings = TelegramSettings.from_env()
        settings.check()
        return cls(settings)

    def get_output_channel(self) -> OutputChannel:
        """An output channel for messages the coach starts (no network call)."""
        return TelegramOutput(self.api, self.keys)

    async def _reply(self, chat_id: str, text: str) -> None:
        await self.api.call_all(text_requests(chat_id, text))

    async def _process(self, incoming: TelegramIncoming, on_new_message: Handler) -> str:
        """Answer one message; returns what happened (for the log)."""
        if incoming.callback_query_id is not None:
            notice = EXPIRED_BUTTON_NOTICE if incoming.expired else None
            await self.api.call(answer_callback_request(incoming.callback_query_id, notice))
            if incoming.expired:
                return "expired button"
        chat_id = incoming.chat_id
        if not self.limiter.allow(chat_id):
            if self._notices.allow(chat_id):
                await self._reply(chat_id, RATE_LIMIT_REPLY)
            return "rate limited"
        limit = max_message_chars()
        if len(incoming.text) > limit:
            await self._reply(
                chat_id, TOO_LONG_REPLY.format(length=len(incoming.text), limit=limit)
            )
            return "too long"
        text = clean_text(incoming.text)
        if not text:
            return "empty"
        if self.settings.typing:
            await self.api.call(typing_request(chat_id))
        output = TelegramOutput(self.api, self.keys)
        message = UserMessage(
            text,
            output,
            chat_id,
            input_channel=self.name(),
            message_id=f"telegram-{incoming.update_id}",
            metadata={"telegram": {"update_id": incoming.update_id}},
        )
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("telegram: processing update %d failed", incoming.update_id)
            await self._reply(chat_id, ERROR_REPLY)
            return "failed"
        return f"answered ({output.sent} sent)"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """Routes: ``GET /`` health and ``POST /webhook``."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not secret_header_valid(request.headers.get(SECRET_HEADER), self.settings):
                logger.warning("telegram: webhook request without the right secret token (403)")
                return response.json({"error": "forbidden"}, status=403)
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return response.json({"error": "body too large"}, status=413)
            try:
                update = json.loads(body)
                update_id = update_id_of(update)
            except (ValueError, InvalidUpdateError):
                return response.json({"error": "not a Telegram Update"}, status=400)
            if not self.replays.first_time(str(update_id)):
                logger.info("telegram: update %d already received, dropped", update_id)
                return response.json({"status": "duplicate"})
            incoming = parse_update(update, self.keys)
            if incoming is None:
                logger.debug("telegram: update %d ignored (not a text or button)", update_id)
                return response.json({"status": "ignored"})
            # Shielded: Telegram hanging up must not cut a conversation turn in half.
            task = asyncio.ensure_future(self._process(incoming, on_new_message))
            outcome = await asyncio.shield(task)
            logger.debug("telegram: update %d %s", update_id, outcome)
            return response.json({"status": "ok"})

        @webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.api.close()

        return webhook
