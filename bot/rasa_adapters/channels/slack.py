"""The Slack channel (``/webhooks/slack/webhook``): Events API and button clicks.

A thin Rasa adapter over ``bot.channels.slack``. Unlike Rasa's stock ``SlackInput`` it reads
its secrets and the Web API base URL from the environment (``RETROWALK_SLACK_*``), answers
url_verification only when signed, processes each event once (Slack's retries and replayed
requests are dropped by their ``event_id``), shows the chart as an image block when
``RETROWALK_PUBLIC_URL`` is set, and logs neither message text nor user ids at INFO.

Every request is answered at once (Slack wants an answer within 3 seconds); the message is
processed in a background task whose replies go out through ``chat.postMessage``. Rate limit,
size check and cleaning are those of every channel (``bot.rasa_adapters.channels.base``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.media import ImagePublisher
from bot.channels.rate_limit import RateLimiter
from bot.channels.slack import (
    Challenge,
    SlackApi,
    SlackInbound,
    SlackSettings,
    is_signed,
    parse_event,
    parse_interaction,
    reply_messages,
)
from bot.rasa_adapters.channels.base import (
    Handler,
    Lazy,
    WebhookInput,
    published_image,
    run_turn,
    webhook_blueprint,
)

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # Slack's events and interactions are a few kilobytes


class SlackOutput(OutputChannel):
    """Posts a conversation's replies to one Slack channel (or the user's DM)."""

    @classmethod
    def name(cls) -> str:
        """The channel name."""
        return "slack"

    def __init__(
        self,
        api: SlackApi,
        publisher: Callable[[], ImagePublisher],
        channel: str | None = None,
        thread_ts: str | None = None,
    ) -> None:
        """Create the output.

        Args:
            api: The Web API client.
            publisher: Gives the image publisher (opened on first use; blocking).
            channel: Where to post; None posts to the recipient (the user's DM with the app).
            thread_ts: The thread to answer in, if any.
        """
        super().__init__()
        self.api = api
        self.publisher = publisher
        self.channel = channel
        self.thread_ts = thread_ts

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Post one Rasa reply: text, buttons, and the image (stored and linked) if any."""
        image_url = await published_image(message, self.publisher)
        channel = self.channel or recipient_id
        for payload in reply_messages(channel, message, image_url, self.thread_ts):
            await self.api.post_message(payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Post a text."""
        await self.send_response(recipient_id, {"text": text})


class SlackInput(WebhookInput):
    """Receives Slack events and button clicks; secrets from ``RETROWALK_SLACK_*``."""

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/slack/webhook``."""
        return "slack"

    def __init__(
        self, settings: SlackSettings | None = None, limiter: RateLimiter | None = None
    ) -> None:
        """Create the channel.

        Args:
            settings: Token, signing secret, API URL (default: from the environment).
            limiter: Per-user message limits (default: from ``RETROWALK_RATE_*``).
        """
        super().__init__(limiter)
        self.settings = settings or SlackSettings.from_env()
        self.api = SlackApi(self.settings)
        self.publisher = Lazy(ImagePublisher.from_env)

    def get_output_channel(
        self, channel: str | None = None, thread_ts: str | None = None
    ) -> OutputChannel:
        """An output posting to ``channel`` (default: the recipient's DM with the app)."""
        return SlackOutput(self.api, self.publisher.get, channel, thread_ts)

    async def _process(self, on_new_message: Handler, item: SlackInbound, text: str) -> None:
        """Hand the message to the bot; on failure tell the user something went wrong."""
        output = self.get_output_channel(item.channel, item.thread_ts)
        metadata = {"out_channel": item.channel, "thread_id": item.thread_ts, "kind": item.kind}
        message = UserMessage(text, output, item.user, input_channel=self.name(), metadata=metadata)
        await run_turn(
            on_new_message, message, lambda note: output.send_text_message(item.user, note)
        )

    def _accept(self, on_new_message: Handler, item: SlackInbound) -> HTTPResponse:
        """Drop repeats, check rate and size, and start processing in the background."""
        if not self.replays.first_time(item.key):
            logger.info("slack: repeated %s dropped", item.kind)
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        admission = self.gate.admit(item.user, item.text)
        if admission.notice:
            output = self.get_output_channel(item.channel, item.thread_ts)
            self.tasks.spawn(output.send_text_message(item.user, admission.notice))
        if admission.text:
            self.tasks.spawn(self._process(on_new_message, item, admission.text))
        else:
            logger.debug("slack: %s not answered (%s)", item.kind, admission.outcome)
        return response.text("")

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """Routes: ``GET /`` health and ``POST /webhook`` events and interactions."""
        slack = webhook_blueprint(self, __name__)

        @slack.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return response.text("The request is too large.", status=413)
            if not is_signed(self.settings.signing_secret, body, dict(request.headers)):
                logger.warning("slack: request with a missing, bad or expired signature refused")
                return response.text("Invalid or expired X-Slack-Signature.", status=401)
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            item: SlackInbound | Challenge | None
            if content_type == "application/json":
                try:
                    item = parse_event(json.loads(body))
                except (ValueError, UnicodeDecodeError, RecursionError):  # deep nesting too
                    return response.text("The body is not valid JSON.", status=400)
            elif content_type == "application/x-www-form-urlencoded":
                item = parse_interaction(body)
            else:
                return response.text("Unsupported content type.", status=415)
            if isinstance(item, Challenge):
                return response.json({"challenge": item.value})
            if item is None:
                return response.text("")
            return self._accept(on_new_message, item)

        return slack
