"""The REST channel (``/webhooks/rest/webhook``) with input validation.

Same wire format as Rasa's stock ``rest`` channel, but a malformed payload, an empty or
over-long message gets a clear 4xx JSON error instead of a crash or a silent default
sender, a sender over the rate limit (``bot.channels.rate_limit``) gets 429 with
``Retry-After``, and message text is never written to the logs.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.rate_limit import RateLimiter
from bot.inputs import InvalidMessageError, validate_payload

logger = logging.getLogger(__name__)

ERROR_REPLY = "Sorry, something went wrong on my side. Please try again in a moment."


class ValidatingRestInput(RestInput):
    """REST input channel that validates every request."""

    def __init__(self) -> None:
        """Create the channel with its per-sender rate limiter (settings from the environment)."""
        super().__init__()
        self.limiter = RateLimiter()

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/rest/webhook``, like the stock channel."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes: ``GET /`` health and ``POST /webhook``."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # sanic raises on a body that is not valid JSON
                return response.json({"error": "The body is not valid JSON."}, status=400)
            try:
                incoming = validate_payload(body)
            except InvalidMessageError as error:
                return response.json({"error": str(error)}, status=error.status)
            if not self.limiter.allow(incoming.sender):
                wait_s = max(1, round(self.limiter.retry_after(incoming.sender)))
                return response.json(
                    {"error": f"Too many messages. Please wait {wait_s} s and try again."},
                    status=429,
                    headers={"Retry-After": str(wait_s)},
                )

            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        incoming.text,
                        collector,
                        incoming.sender,
                        input_channel=self.name(),
                        metadata=incoming.metadata,
                    )
                )
            except CancelledError:
                logger.error("REST message processing timed out.")
                collector.messages.append({"recipient_id": incoming.sender, "text": ERROR_REPLY})
            except Exception:
                logger.exception("REST message processing failed.")
                collector.messages.append({"recipient_id": incoming.sender, "text": ERROR_REPLY})
            return response.json(collector.messages)

        return webhook
