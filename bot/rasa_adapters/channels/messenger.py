"""The Facebook Messenger channel (``/webhooks/messenger/webhook``): a thin Rasa adapter.

Replaces Rasa's stock ``facebook`` connector, which answers 200 to a request with a bad
signature and uses Graph API v2.12. Here:

- ``GET`` answers the subscription handshake: ``hub.mode=subscribe`` with
  ``hub.verify_token`` equal to ``RETROWALK_MESSENGER_VERIFY_TOKEN`` echoes ``hub.challenge``,
  anything else gets 403;
- every ``POST`` must carry ``X-Hub-Signature-256`` = ``sha256=`` HMAC of the raw body with
  ``RETROWALK_MESSENGER_APP_SECRET`` (constant-time), else 403 and the bot never sees it;
- a message ``mid`` already seen (a replay, or Facebook redelivering) is dropped; echoes,
  deliveries, reads and attachments are ignored; the answer is 200 either way;
- text is cleaned and size-checked like REST (an over-long message gets a "too long"
  reply), and each user is rate-limited (``bot.channels.rate_limit``);
- messages are processed before the webhook answers 200 (well within Facebook's 20 s), so
  replies have been sent when Facebook gets the answer; processing is shielded.

Parsing, formatting and the Send API client are plain Python in ``bot.channels.messenger``.
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

from bot.channels.messenger import (
    SIGNATURE_HEADER,
    InvalidWebhookError,
    MessengerApi,
    MessengerIncoming,
    MessengerSettings,
    SendRequest,
    action_request,
    image_requests,
    is_page_webhook,
    parse_webhook,
    signature_valid,
    text_requests,
    verification_challenge,
)
from bot.channels.rate_limit import RateLimiter, RateLimitSettings
from bot.channels.signatures import ReplayGuard
from bot.inputs import clean_text, max_message_chars
from bot.rasa_adapters.channels.rest import ERROR_REPLY

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
TOO_LONG_REPLY = (
    "Sorry, that message is too long for me ({length} characters). "
    "Please keep it under {limit} characters."
)
RATE_LIMIT_REPLY = (
    "You're sending messages faster than I can answer. Please wait a few seconds and try again."
)
HANDSHAKE_ARGS = ("hub.mode", "hub.verify_token", "hub.challenge")

Handler = Callable[[UserMessage], Awaitable[Any]]


class MessengerOutput(OutputChannel):
    """Sends the coach's replies with the Send API (never raises: failures are logged)."""

    def __init__(self, api: MessengerApi) -> None:
        """Send through ``api``."""
        super().__init__()
        self.api = api
        self.sent = 0

    @classmethod
    def name(cls) -> str:
        """The channel name."""
        return "messenger"

    async def _send(self, requests: list[SendRequest]) -> None:
        for result in await self.api.send_all(requests):
            self.sent += int(result.ok)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Text, split at Messenger's 2,000-character limit."""
        await self._send(text_requests(recipient_id, text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Text with quick replies (up to 13), or button templates for more."""
        await self._send(text_requests(recipient_id, text, buttons))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Rasa quick replies are sent as Messenger quick replies."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """An image: a ``data:`` URI is uploaded as ``filedata``, an http(s) URL by URL."""
        requests = image_requests(recipient_id, image)
        if not requests:
            logger.warning("messenger: an image that is neither a data: URI nor http(s) dropped")
        await self._send(requests)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Only a ``{"messenger": {...}}`` part is sent (as the Send API ``message``
        object); other custom payloads are for other clients and not shown."""
        native = json_message.get("messenger") if isinstance(json_message, dict) else None
        if not isinstance(native, dict):
            logger.debug("messenger: custom payload without a 'messenger' part not shown")
            return
        await self._send([SendRequest(recipient_id, dict(native))])


class MessengerInput(InputChannel):
    """Messenger webhook input; secrets come from the environment (``RETROWALK_MESSENGER_*``)."""

    def __init__(self, settings: MessengerSettings, limiter: RateLimiter | None = None) -> None:
        """Create the channel; opens no connection and sends nothing.

        Args:
            settings: Page token, app secret, verify token, Graph URL and version.
            limiter: Per-user rate limit (default: from ``RETROWALK_RATE_*``).
        """
        self.settings = settings
        self.api = MessengerApi(settings)
        self.replays = ReplayGuard(settings.replay_window)
        self.limiter = limiter or RateLimiter()
        self._notices = RateLimiter(RateLimitSettings(per_minute=1.0, burst=1.0))

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/messenger/webhook``."""
        return "messenger"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Build from the environment; secrets in ``credentials.yml`` are ignored.

        Raises:
            ValueError: A missing secret or a malformed Graph API version.
        """
        settings = MessengerSettings.from_env()
        settings.check()
        return cls(settings)

    def get_output_channel(self) -> OutputChannel:
        """An output channel for messages the coach starts (no network call)."""
        return MessengerOutput(self.api)

    async def _reply(self, sender_id: str, text: str) -> None:
        await self.api.send_all(text_requests(sender_id, text))

    async def _process(self, incoming: MessengerIncoming, on_new_message: Handler) -> str:
        """Answer one message; returns what happened (for the log)."""
        sender_id = incoming.sender_id
        if not self.limiter.allow(sender_id):
            if self._notices.allow(sender_id):
                await self._reply(sender_id, RATE_LIMIT_REPLY)
            return "rate limited"
        limit = max_message_chars()
        if len(incoming.text) > limit:
            length = len(incoming.text)
            await self._reply(sender_id, TOO_LONG_REPLY.format(length=length, limit=limit))
            return "too long"
        text = clean_text(incoming.text)
        if not text:
            return "empty"
        if self.settings.typing:
            await self.api.send(action_request(sender_id, "typing_on"))
        output = MessengerOutput(self.api)
        message = UserMessage(
            text,
            output,
            sender_id,
            input_channel=self.name(),
            message_id=incoming.event_id,
            metadata={"messenger": {"kind": incoming.kind}},
        )
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("messenger: processing a %s failed", incoming.kind)
            await self._reply(sender_id, ERROR_REPLY)
            return "failed"
        if self.settings.typing and not output.sent:
            await self.api.send(action_request(sender_id, "typing_off"))
        return f"answered ({output.sent} sent)"

    async def _process_all(
        self, incomings: list[MessengerIncoming], on_new_message: Handler
    ) -> None:
        for incoming in incomings:
            if not self.replays.first_time(incoming.event_id):
                logger.info("messenger: a %s already received, dropped", incoming.kind)
                continue
            outcome = await self._process(incoming, on_new_message)
            logger.debug("messenger: %s %s", incoming.kind, outcome)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """Routes: ``GET /`` health, ``GET /webhook`` handshake and ``POST /webhook``."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def handshake(request: Request) -> HTTPResponse:
            args = {name: request.args.get(name) or "" for name in HANDSHAKE_ARGS}
            challenge = verification_challenge(args, self.settings)
            if challenge is None:
                logger.warning("messenger: webhook verification refused (403)")
                return response.text("forbidden", status=403)
            return response.text(challenge)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return response.json({"error": "body too large"}, status=413)
            if not signature_valid(request.headers.get(SIGNATURE_HEADER), body, self.settings):
                logger.warning("messenger: webhook request without a valid signature (403)")
                return response.json({"error": "forbidden"}, status=403)
            try:
                payload = json.loads(body)
                if not is_page_webhook(payload):
                    return response.json({"error": "not a page subscription"}, status=404)
                incomings = parse_webhook(payload)
            except (ValueError, InvalidWebhookError):
                return response.json({"error": "not a Messenger webhook"}, status=400)
            # Shielded: Facebook hanging up must not cut a conversation turn in half.
            await asyncio.shield(
                asyncio.ensure_future(self._process_all(incomings, on_new_message))
            )
            return response.text("EVENT_RECEIVED")

        @webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.api.close()

        return webhook
