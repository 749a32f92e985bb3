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
request: if Twilio hangs up first, the turn still completes. Rate limit, size check and
cleaning are those of every channel (``bot.rasa_adapters.channels.base``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.media import ImagePublisher
from bot.channels.options import OptionsStore, resolve_choice
from bot.channels.rate_limit import RateLimiter
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
from bot.rasa_adapters.channels.base import (
    Handler,
    Lazy,
    WebhookInput,
    published_image,
    run_turn,
    webhook_blueprint,
)

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # Twilio's webhooks are a few kilobytes
TEXT_ONLY_REPLY = "Sorry, I can only read text messages. Please type your question."


class _Resources:
    """What a Twilio channel opens lazily: the API client (in the event loop), the stores."""

    def __init__(self, settings: TwilioSettings) -> None:
        self.settings = settings
        self._api: TwilioApi | None = None
        self.options = Lazy(OptionsStore.from_env)
        self.publisher = Lazy(ImagePublisher.from_env)

    def api(self) -> TwilioApi:
        """The API client; call it inside the running loop (its session belongs to it)."""
        if self._api is None:
            self._api = TwilioApi(self.settings)
        return self._api

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
        publisher = self.resources.publisher.get
        image_url = await published_image(message, publisher) if self.media else None
        plan = plan_reply(message, image_url)
        api = self.resources.api()
        for outbound in plan.messages:
            await api.send(recipient_id, self.sender, outbound)
        if plan.payloads:
            payloads = list(plan.payloads)
            await asyncio.to_thread(
                lambda: self.resources.options.get().save(self.channel, recipient_id, payloads)
            )
            self.offered_options = True

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send a text."""
        await self.send_response(recipient_id, {"text": text})

    async def send_note(self, recipient_id: str, text: str) -> None:
        """Send a short text from the channel itself (not the bot), without options."""
        await self.resources.api().send(recipient_id, self.sender, OutboundMessage(body=text))


class TwilioInputBase(WebhookInput):
    """A Twilio messaging webhook; subclasses set the name and the kind of sender."""

    kind: Kind = "sms"

    def __init__(
        self, settings: TwilioSettings | None = None, limiter: RateLimiter | None = None
    ) -> None:
        """Create the channel.

        Args:
            settings: Account, token, numbers, URLs (default: from the environment).
            limiter: Per-sender message limits (default: from ``RETROWALK_RATE_*``).

        Raises:
            ValueError: This channel's number is not configured.
        """
        super().__init__(limiter)
        self.settings = settings or TwilioSettings.from_env()
        if not self.settings.sender(self.kind):
            raise ValueError(f"the Twilio {self.kind} number is not set")
        self.resources = _Resources(self.settings)

    def get_output_channel(self) -> OutputChannel:
        """An output sending from this channel's number."""
        return TwilioOutput(self.name(), self.kind, self.resources)

    async def _process(
        self, on_new_message: Handler, sender: str, text: str, metadata: dict[str, Any]
    ) -> None:
        """Resolve a numbered choice, hand the message to the bot, keep the options current."""
        options = await asyncio.to_thread(self.resources.options.get)
        pending = await asyncio.to_thread(options.load, self.name(), sender)
        chosen = resolve_choice(text, pending) if pending else None
        if chosen is not None:
            metadata = {**metadata, "numbered_choice": True}
        output = TwilioOutput(self.name(), self.kind, self.resources)
        message = UserMessage(
            chosen or text, output, sender, input_channel=self.name(), metadata=metadata
        )
        await run_turn(on_new_message, message, lambda note: output.send_note(sender, note))
        if pending and not output.offered_options:
            await asyncio.to_thread(options.clear, self.name(), sender)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """Routes: ``GET /`` health and ``POST /webhook`` incoming messages."""
        twilio = webhook_blueprint(self, __name__, on_stop=self.resources.close)

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
            output = TwilioOutput(self.name(), self.kind, self.resources)
            admission = self.gate.admit(inbound.sender, inbound.text)
            if admission.notice:
                await output.send_note(inbound.sender, admission.notice)
            elif admission.outcome == "empty" and inbound.num_media:
                await output.send_note(inbound.sender, TEXT_ONLY_REPLY)
            if admission.text:
                metadata = {"message_sid": inbound.sid}
                # Shielded: if Twilio hangs up (after 15 s), the turn still completes.
                await self.tasks.shielded(
                    self._process(on_new_message, inbound.sender, admission.text, metadata)
                )
            return response.text(EMPTY_TWIML, content_type="text/xml")

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
