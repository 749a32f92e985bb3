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
- each user is rate-limited, and text is size-checked like REST and cleaned (an over-long
  message gets a "too long" reply): the checks of every channel, in
  ``bot.rasa_adapters.channels.base``;
- messages are processed before the webhook answers 200 (well within Facebook's 20 s), so
  replies have been sent when Facebook gets the answer; processing is shielded.

Parsing, formatting and the Send API client are plain Python in ``bot.channels.messenger``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
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
from bot.channels.rate_limit import RateLimiter
from bot.rasa_adapters.channels.base import (
    ApiOutput,
    Handler,
    WebhookInput,
    run_turn,
    webhook_blueprint,
)

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
HANDSHAKE_ARGS = ("hub.mode", "hub.verify_token", "hub.challenge")


class MessengerOutput(ApiOutput[SendRequest]):
    """Sends the coach's replies with the Send API (never raises: failures are logged).

    Text is split at Messenger's 2,000-character limit; buttons and Rasa quick replies become
    quick replies (up to 13), or button templates for more; a ``data:`` image is uploaded as
    ``filedata``, an http(s) one sent by URL; a custom ``{"messenger": {...}}`` part is sent as
    the Send API ``message`` object.
    """

    platform = "messenger"

    def __init__(self, api: MessengerApi) -> None:
        """Send through ``api``."""
        super().__init__()
        self.api = api

    def text_requests(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]] | None = None
    ) -> list[SendRequest]:
        """Send API calls for the text parts, the buttons on the last (or as templates)."""
        return text_requests(recipient_id, text, buttons)

    def image_requests(self, recipient_id: str, image: str) -> list[SendRequest]:
        """An image attachment."""
        return image_requests(recipient_id, image)

    def native_requests(self, recipient_id: str, native: dict[str, Any]) -> list[SendRequest]:
        """``native`` as the ``message`` object."""
        return [SendRequest(recipient_id, native)]

    async def send_requests(self, requests: list[SendRequest]) -> int:
        """Make the calls in order."""
        return sum(result.ok for result in await self.api.send_all(requests))


class MessengerInput(WebhookInput):
    """Messenger webhook input; secrets come from the environment (``RETROWALK_MESSENGER_*``)."""

    def __init__(
        self, settings: MessengerSettings | None = None, limiter: RateLimiter | None = None
    ) -> None:
        """Create the channel; opens no connection and sends nothing.

        Args:
            settings: Page token, app secret, verify token, Graph URL and version (default:
                from the environment, checked).
            limiter: Per-user rate limit (default: from ``RETROWALK_RATE_*``).

        Raises:
            ValueError: From the environment: a missing secret or a malformed Graph API
                version.
        """
        if settings is None:
            settings = MessengerSettings.from_env()
            settings.check()
        super().__init__(limiter, settings.replay_window)
        self.settings = settings
        self.api = MessengerApi(settings)

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/messenger/webhook``."""
        return "messenger"

    def get_output_channel(self) -> OutputChannel:
        """An output channel for messages the coach starts (no network call)."""
        return MessengerOutput(self.api)

    async def _reply(self, sender_id: str, text: str) -> None:
        await self.api.send_all(text_requests(sender_id, text))

    async def _process(self, incoming: MessengerIncoming, on_new_message: Handler) -> str:
        """Answer one message; returns what happened (for the log)."""
        sender_id = incoming.sender_id
        admission = self.gate.admit(sender_id, incoming.text)
        if admission.notice:
            await self._reply(sender_id, admission.notice)
        if not admission.text:
            return admission.outcome
        if self.settings.typing:
            await self.api.send(action_request(sender_id, "typing_on"))
        output = MessengerOutput(self.api)
        message = UserMessage(
            admission.text,
            output,
            sender_id,
            input_channel=self.name(),
            message_id=incoming.event_id,
            metadata={"messenger": {"kind": incoming.kind}},
        )
        if not await run_turn(on_new_message, message, lambda text: self._reply(sender_id, text)):
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
        webhook = webhook_blueprint(self, __name__, on_stop=self.api.close)

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
            except (ValueError, RecursionError, InvalidWebhookError):
                return response.json({"error": "not a Messenger webhook"}, status=400)
            # Shielded: Facebook hanging up must not cut a conversation turn in half.
            await self.tasks.shielded(self._process_all(incomings, on_new_message))
            return response.text("EVENT_RECEIVED")

        return webhook
