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
- each chat is rate-limited, and text is size-checked like REST and cleaned (an over-long
  message gets a "too long" reply): the checks of every channel, in
  ``bot.rasa_adapters.channels.base``;
- the message is processed before the webhook answers 200, so replies have been sent when
  Telegram gets the answer (processing is shielded: it completes even if Telegram hangs up).

Parsing, formatting and the Bot API client are plain Python in ``bot.channels.telegram``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.rate_limit import RateLimiter
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
from bot.rasa_adapters.channels.base import (
    ApiOutput,
    Handler,
    WebhookInput,
    run_turn,
    webhook_blueprint,
)

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
EXPIRED_BUTTON_NOTICE = "This button has expired. Please type your answer instead."


class TelegramOutput(ApiOutput[ApiRequest]):
    """Sends the coach's replies with the Bot API (never raises: failures are logged).

    Text is split at Telegram's 4,096-character limit; buttons and quick replies become an
    inline keyboard (one button per row); a ``data:`` image is uploaded, an http(s) one passed
    to Telegram; a custom ``{"telegram": {...}}`` part is sent as ``sendMessage`` parameters
    (or another ``method``).
    """

    platform = "telegram"

    def __init__(self, api: TelegramApi, keys: CallbackKeys) -> None:
        """Send through ``api``; long button payloads are remembered in ``keys``."""
        super().__init__()
        self.api = api
        self.keys = keys

    def text_requests(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]] | None = None
    ) -> list[ApiRequest]:
        """``sendMessage`` calls, the keyboard on the last."""
        return text_requests(recipient_id, text, buttons, self.keys)

    def image_requests(self, recipient_id: str, image: str) -> list[ApiRequest]:
        """A ``sendPhoto`` call."""
        return image_requests(recipient_id, image)

    def native_requests(self, recipient_id: str, native: dict[str, Any]) -> list[ApiRequest]:
        """The parameters of ``native``'s ``method`` (default ``sendMessage``) to this chat."""
        method = str(native.pop("method", "sendMessage"))
        return [ApiRequest(method, {**native, "chat_id": recipient_id})]

    async def send_requests(self, requests: list[ApiRequest]) -> int:
        """Make the calls in order."""
        return sum(result.ok for result in await self.api.call_all(requests))


class TelegramInput(WebhookInput):
    """Telegram webhook input; secrets come from the environment (``RETROWALK_TELEGRAM_*``)."""

    def __init__(
        self, settings: TelegramSettings | None = None, limiter: RateLimiter | None = None
    ) -> None:
        """Create the channel; opens no connection and sends nothing.

        Args:
            settings: Token, secret, API URL (default: from the environment, checked).
            limiter: Per-chat rate limit (default: from ``RETROWALK_RATE_*``).

        Raises:
            ValueError: From the environment: a missing token or an invalid secret.
        """
        if settings is None:
            settings = TelegramSettings.from_env()
            settings.check()
        super().__init__(limiter, settings.replay_window)
        self.settings = settings
        self.api = TelegramApi(settings)
        self.keys = CallbackKeys()

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/telegram/webhook``."""
        return "telegram"

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
        admission = self.gate.admit(chat_id, incoming.text)
        if admission.notice:
            await self._reply(chat_id, admission.notice)
        if not admission.text:
            return admission.outcome
        if self.settings.typing:
            await self.api.call(typing_request(chat_id))
        output = TelegramOutput(self.api, self.keys)
        message = UserMessage(
            admission.text,
            output,
            chat_id,
            input_channel=self.name(),
            message_id=f"telegram-{incoming.update_id}",
            metadata={"telegram": {"update_id": incoming.update_id}},
        )
        if not await run_turn(on_new_message, message, lambda text: self._reply(chat_id, text)):
            return "failed"
        return f"answered ({output.sent} sent)"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """Routes: ``GET /`` health and ``POST /webhook``."""
        webhook = webhook_blueprint(self, __name__, on_stop=self.api.close)

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
            except (ValueError, RecursionError, InvalidUpdateError):
                return response.json({"error": "not a Telegram Update"}, status=400)
            if not self.replays.first_time(str(update_id)):
                logger.info("telegram: update %d already received, dropped", update_id)
                return response.json({"status": "duplicate"})
            incoming = parse_update(update, self.keys)
            if incoming is None:
                logger.debug("telegram: update %d ignored (not a text or button)", update_id)
                return response.json({"status": "ignored"})
            # Shielded: Telegram hanging up must not cut a conversation turn in half.
            outcome = await self.tasks.shielded(self._process(incoming, on_new_message))
            logger.debug("telegram: update %d %s", update_id, outcome)
            return response.json({"status": "ok"})

        return webhook
