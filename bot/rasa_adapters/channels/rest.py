"""The REST channel (``/webhooks/rest/webhook``) with input validation.

Same wire format as Rasa's stock ``rest`` channel, but a malformed payload, an empty or
over-long message gets a clear 4xx JSON error instead of a crash or a silent default
sender, a sender over the rate limit (``bot.channels.rate_limit``) gets 429 with
``Retry-After``, and message text is never written to the logs.

The channel also guards the Rasa HTTP API (``--enable-api``): its blueprint adds a request
middleware to the app that answers a malformed body on ``/model/parse`` and
``/conversations/<id>/...`` with a 400 (413 for an over-long text) in Rasa's error format
(``bot.inputs.validate_api_request``), where Rasa would answer 500.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

import rasa
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.rate_limit import RateLimiter
from bot.inputs import InvalidMessageError, validate_api_request, validate_payload

logger = logging.getLogger(__name__)

ERROR_REPLY = "Sorry, something went wrong on my side. Please try again in a moment."


async def guard_http_api(request: Request) -> HTTPResponse | None:
    """Request middleware: a 4xx in Rasa's error format for a malformed HTTP API request."""
    try:
        validate_api_request(request.method, request.path, request.body or b"")
    except InvalidMessageError as error:
        logger.info("HTTP API request refused (%d, %d bytes).", error.status, len(request.body))
        return response.json(
            {
                "version": rasa.__version__,
                "status": "failure",
                "message": str(error),
                "reason": "PayloadTooLarge" if error.status == 413 else "BadRequest",
                "details": {},
                "help": None,
                "code": error.status,
            },
            status=error.status,
        )
    return None


class _ApiGuardBlueprint(Blueprint):
    """A blueprint that also installs :func:`guard_http_api` on the whole app."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        """Add the app-wide middleware once, then register the routes."""
        if not getattr(app.ctx, "retrowalk_api_guard", False):
            app.ctx.retrowalk_api_guard = True
            app.register_middleware(guard_http_api, "request")
        super().register(app, options)


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
        webhook = _ApiGuardBlueprint(f"custom_webhook_{type(self).__name__}", __name__)

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
