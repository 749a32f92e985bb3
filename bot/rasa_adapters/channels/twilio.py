"""Twilio SMS (``/webhooks/twilio_sms/webhook``) and WhatsApp (``/webhooks/twilio_whatsapp/...``).

Thin Rasa adapters over ``bot.channels.twilio``; the two channels share everything but their
name, their number and the kind of sender they accept. Unlike Rasa's stock ``TwilioInput``
they verify ``X-Twilio-Signature`` against ``RETROWALK_PUBLIC_URL`` (403 when missing or bad,
before the bot sees anything), process each ``MessageSid`` once (a repeat gets 409), send
with Twilio's asynchronous HTTP client instead of the blocking one, reply from the number of
the channel the message came in on, turn buttons into numbered options that a reply such as
``2`` picks (``bot.channels.options``, remembered in the database), split long texts and send
the chart as ``MediaUrl`` when ``RETROWALK_PUBLIC_URL`` is set.

Replies always go through the Messages API; the webhook itself is answered, once the message
has been processed, with an empty TwiML ``<Response/>``. Processing is shielded from the
request: if Twilio hangs up first, the turn still completes.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.media import ImagePublisher
from bot.channels.options import OptionsStore, resolve_choice
from bot.channels.rate_limit import RateLimiter, RateLimitSettings
from bot.channels.signatures import ReplayGuard
from bot.channels.twilio import (
    EMPTY_TWIML,
    InboundError,
    Kind,
    OutboundMessage,
    TwilioApi,
    TwilioSettings,
    form_params,
    is_signed,
    parse_inbound,
    plan_reply,
    signed_url,
)
from bot.inputs import clean_text, max_message_chars

logger = logging.getLogger(__name__)

ERROR_REPLY = "Sorry, something went wrong on my side. Please try again in a moment."
TOO_LONG_REPLY = (
    "That message is too long for me ({length} characters). Please keep it under {limit}."
)
SLOW_DOWN_REPLY = "You're sending messages faster than I can answer. Please wait a moment."
NOTICE_RATE = RateLimitSettings(per_minute=1.0, burst=1.0)  # "slow down" notices per sender
MAX_BODY_BYTES = 256 * 1024  # Twilio's webhooks are a few kilobytes
TEXT_ONLY_REPLY = "Sorry, I can only read text messages. Please type your question."


class _Resources:
    """What a Twilio channel opens lazily: the API client (in the event loop), the stores."""

    def __init__(self, settings: TwilioSettings) -> None:
        self.settings = settings
        self._api: TwilioApi | None = None
        self._options: OptionsStore | None = None
        self._publisher: ImagePublisher | None = None
        self._lock = threading.Lock()

    def api(self) -> TwilioApi:
        """The API client; call it inside the running loop (its session belongs to it)."""
        if self._api is None:
            self._api = TwilioApi(self.settings)
        return self._api

    def options(self) -> OptionsStore:
        """The options memory (blocking on first use: call it from a thread)."""
        with self._lock:
            if self._options is None:
                self._options = OptionsStore.from_env()
            return self._options

    def publisher(self) -> ImagePublisher:
        """The image publisher (blocking on first use: call it from a thread)."""
        with self._lock:
            if self._publisher is None:
                self._publisher = ImagePublisher.from_env()
            return self._publisher

    async def close(self) -> None:
        """Close the API client's session."""
        if self._api is not None:
            await self._api.close()
            self._api = None


class TwilioOutput(OutputChannel):
    """Sends a conversation's replies from one Twilio number (SMS or WhatsApp)."""

    @classmethod
    def name(cls) -> str:
        """The output's name."""
        return "twilio"

    def __init__(self, channel: str, kind: Kind, resources: _Resources) -> None:
        """Create the output.

        Args:
            channel: The input channel's name (``twilio_sms`` or ``twilio_whatsapp``), the
                options memory's key.
            kind: ``sms`` or ``whatsapp``: which number replies come from.
            resources: The settings, the API client and the stores.
        """
        super().__init__()
        self.channel = channel
        self.sender = resources.settings.sender(kind)
        self.media = resources.settings.sends_media(kind)
        self.resources = resources
        self.offered_options = False

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send one Rasa reply; remember its buttons as the recipient's numbered options."""
        image = message.get("image")
        image_url = None
        if isinstance(image, str) and image and self.media:
            image_url = await asyncio.to_thread(lambda: self.resources.publisher().publish(image))
        plan = plan_reply(message, image_url)
        api = self.resources.api()
        for outbound in plan.messages:
            await api.send(recipient_id, self.sender, outbound)
        if plan.payloads:
            payloads = list(plan.payloads)
            await asyncio.to_thread(
                lambda: self.resources.options().save(self.channel, recipient_id, payloads)
            )
            self.offered_options = True

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send a text."""
        await self.send_response(recipient_id, {"text": text})

    async def send_note(self, recipient_id: str, text: str) -> None:
        """Send a short text from the channel itself (not the bot), without options."""
        await self.resources.api().send(recipient_id, self.sender, OutboundMessage(body=text))


class TwilioInputBase(InputChannel):
    """A Twilio messaging webhook; subclasses set the name and the kind of sender."""

    kind: Kind = "sms"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Settings come from the environment; ``credentials.yml`` needs no keys."""
        return cls()

    def __init__(
        self,
        settings: TwilioSettings | None = None,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        """Create the channel.

        Args:
            settings: Account, token, numbers, URLs (default: from the environment).
            rate_limiter: Per-sender message limits (default: from the environment).

        Raises:
            ValueError: This channel's number is not configured.
        """
        self.settings = settings or TwilioSettings.from_env()
        if not self.settings.sender(self.kind):
            raise ValueError(f"the Twilio {self.kind} number is not set")
        self.resources = _Resources(self.settings)
        self.replays = ReplayGuard()
        self.rate_limiter = rate_limiter or RateLimiter()
        self.notices = RateLimiter(NOTICE_RATE)
        self._tasks: set[asyncio.Task[None]] = set()

    def get_output_channel(self) -> OutputChannel:
        """An output sending from this channel's number."""
        return TwilioOutput(self.name(), self.kind, self.resources)

    async def _process(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        metadata: dict[str, Any],
    ) -> None:
        """Resolve a numbered choice, hand the message to the bot, keep the options current."""
        options = await asyncio.to_thread(self.resources.options)
        pending = await asyncio.to_thread(options.load, self.name(), sender)
        chosen = resolve_choice(text, pending) if pending else None
        if chosen is not None:
            metadata = {**metadata, "numbered_choice": True}
        output = TwilioOutput(self.name(), self.kind, self.resources)
        try:
            await on_new_message(
                UserMessage(
                    chosen or text, output, sender, input_channel=self.name(), metadata=metadata
                )
            )
        except Exception:
            logger.exception("%s message processing failed", self.name())
            await output.send_note(sender, ERROR_REPLY)
        if pending and not output.offered_options:
            await asyncio.to_thread(options.clear, self.name(), sender)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes: ``GET /`` health and ``POST /webhook`` incoming messages."""
        twilio = Blueprint(f"retrowalk_{self.name()}", __name__)

        @twilio.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.resources.close()

        @twilio.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return response.text("The request is too large.", status=413)
            try:
                params = form_params(body)
            except ValueError:
                return response.text("The body is not a form.", status=400)
            url = signed_url(self.settings.public_url, request.url)
            signature = request.headers.get("X-Twilio-Signature")
            if not is_signed(self.settings.auth_token, url, params, signature):
                logger.warning("%s: request with a missing or bad signature refused", self.name())
                return response.text("Invalid X-Twilio-Signature.", status=403)
            try:
                inbound = parse_inbound(params, self.kind, self.settings.account_sid)
            except InboundError as error:
                return response.text(str(error), status=400)
            if not self.replays.first_time(inbound.sid):
                logger.warning("%s: repeated MessageSid refused", self.name())
                return response.text("This message was already received.", status=409)
            twiml = response.text(EMPTY_TWIML, content_type="text/xml")
            output = TwilioOutput(self.name(), self.kind, self.resources)
            text = clean_text(inbound.text)
            limit = max_message_chars()
            if not text:
                if inbound.num_media:
                    await output.send_note(inbound.sender, TEXT_ONLY_REPLY)
                return twiml
            if len(text) > limit:
                note = TOO_LONG_REPLY.format(length=len(text), limit=limit)
                await output.send_note(inbound.sender, note)
                return twiml
            if not self.rate_limiter.allow(inbound.sender):
                logger.warning("%s: message dropped, sender over the rate limit", self.name())
                if self.notices.allow(inbound.sender):
                    await output.send_note(inbound.sender, SLOW_DOWN_REPLY)
                return twiml
            metadata = {"message_sid": inbound.sid}
            # Shielded: if Twilio hangs up (after 15 s), the turn still completes.
            task = asyncio.ensure_future(
                self._process(on_new_message, inbound.sender, text, metadata)
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            await asyncio.shield(task)
            return twiml

        return twilio


class TwilioSmsInput(TwilioInputBase):
    """SMS to ``RETROWALK_TWILIO_SMS_NUMBER``; replies come from that number."""

    kind: Kind = "sms"

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/twilio_sms/webhook``."""
        return "twilio_sms"


class TwilioWhatsAppInput(TwilioInputBase):
    """WhatsApp to ``RETROWALK_TWILIO_WHATSAPP_NUMBER``; replies from ``whatsapp:<number>``."""

    kind: Kind = "whatsapp"

    @classmethod
    def name(cls) -> str:
        """Served at ``/webhooks/twilio_whatsapp/webhook``."""
        return "twilio_whatsapp"
