"""The Slack channel (``/webhooks/slack/webhook``): Events API and button clicks.

A thin Rasa adapter over ``bot.channels.slack``. Unlike Rasa's stock ``SlackInput`` it reads
its secrets and the Web API base URL from the environment (``RETROWALK_SLACK_*``), answers
url_verification only when signed, processes each event once (Slack's retries and replayed
requests are dropped by their ``event_id``), shows the chart as an image block when
``RETROWALK_PUBLIC_URL`` is set, and logs neither message text nor user ids at INFO.

Every request is answered at once (Slack wants an answer within 3 seconds); the message is
processed in a background task whose replies go out through ``chat.postMessage``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.media import ImagePublisher
from bot.channels.rate_limit import RateLimiter, RateLimitSettings
from bot.channels.signatures import ReplayGuard
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
from bot.inputs import clean_text, max_message_chars

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # Slack's events and interactions are a few kilobytes
NOTICE_RATE = RateLimitSettings(per_minute=1.0, burst=1.0)  # "slow down" notices per user
SLOW_DOWN_REPLY = "You're sending messages faster than I can answer. Please wait a moment."
ERROR_REPLY = "Sorry, something went wrong on my side. Please try again in a moment."
TOO_LONG_REPLY = (
    "That message is too long for me ({length} characters). Please keep it under {limit}."
)


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
        image = message.get("image")
        image_url = None
        if isinstance(image, str) and image:
            image_url = await asyncio.to_thread(lambda: self.publisher().publish(image))
        channel = self.channel or recipient_id
        for payload in reply_messages(channel, message, image_url, self.thread_ts):
            await self.api.post_message(payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Post a text."""
        await self.send_response(recipient_id, {"text": text})


class SlackInput(InputChannel):
    """Receives Slack events and button clicks; secrets from ``RETROWALK_SLACK_*``."""

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/slack/webhook``."""
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Settings come from the environment; ``credentials.yml`` needs no keys."""
        return cls()

    def __init__(
        self,
        settings: SlackSettings | None = None,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        """Create the channel.

        Args:
            settings: Token, signing secret, API URL (default: from the environment).
            rate_limiter: Per-user message limits (default: from the environment).
        """
        self.settings = settings or SlackSettings.from_env()
        self.api = SlackApi(self.settings)
        self.replays = ReplayGuard()
        self.rate_limiter = rate_limiter or RateLimiter()
        self.notices = RateLimiter(NOTICE_RATE)
        self._publisher: ImagePublisher | None = None
        self._publisher_lock = threading.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    def publisher(self) -> ImagePublisher:
        """The image publisher, opened on first use (blocking: call it from a thread)."""
        with self._publisher_lock:
            if self._publisher is None:
                self._publisher = ImagePublisher.from_env()
            return self._publisher

    def get_output_channel(
        self, channel: str | None = None, thread_ts: str | None = None
    ) -> OutputChannel:
        """An output posting to ``channel`` (default: the recipient's DM with the app)."""
        return SlackOutput(self.api, self.publisher, channel, thread_ts)

    def _spawn(self, work: Awaitable[None]) -> None:
        """Run ``work`` in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], item: SlackInbound, text: str
    ) -> None:
        """Hand the message to the bot; on failure tell the user something went wrong."""
        output = self.get_output_channel(item.channel, item.thread_ts)
        metadata = {"out_channel": item.channel, "thread_id": item.thread_ts, "kind": item.kind}
        try:
            await on_new_message(
                UserMessage(text, output, item.user, input_channel=self.name(), metadata=metadata)
            )
        except Exception:
            logger.exception("slack message processing failed")
            await output.send_response(item.user, {"text": ERROR_REPLY})

    def _accept(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], item: SlackInbound
    ) -> HTTPResponse:
        """Drop repeats, check size and rate, and start processing in the background."""
        if not self.replays.first_time(item.key):
            logger.info("slack: repeated %s dropped", item.kind)
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        text = clean_text(item.text)
        if not text:
            return response.text("")
        limit = max_message_chars()
        output = self.get_output_channel(item.channel, item.thread_ts)
        if len(text) > limit:
            note = TOO_LONG_REPLY.format(length=len(text), limit=limit)
            self._spawn(output.send_response(item.user, {"text": note}))
            return response.text("")
        if not self.rate_limiter.allow(item.user):
            logger.warning("slack: message dropped, sender over the rate limit")
            if self.notices.allow(item.user):
                self._spawn(output.send_response(item.user, {"text": SLOW_DOWN_REPLY}))
            return response.text("")
        self._spawn(self._process(on_new_message, item, text))
        return response.text("")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes: ``GET /`` health and ``POST /webhook`` events and interactions."""
        slack = Blueprint("retrowalk_slack", __name__)

        @slack.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

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
                except (ValueError, UnicodeDecodeError):
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
