"""Twilio SMS and WhatsApp: webhook signatures, inbound messages, replies, the Messages API.

Plain Python with no Rasa import (the Rasa channels are ``bot/rasa_adapters/channels/twilio.py``).

Inbound: Twilio POSTs form parameters (``MessageSid``, ``AccountSid``, ``From``, ``To``,
``Body``, ...) to the webhook, signed in ``X-Twilio-Signature``: base64 HMAC-SHA1, keyed by
the auth token, of the URL Twilio called followed by the sorted parameters
(``twilio.request_validator.RequestValidator``). Behind a reverse proxy or tunnel the URL the
server sees differs from the one Twilio called, so :func:`signed_url` rebuilds it from
``RETROWALK_PUBLIC_URL``. The signature has no timestamp: a captured request could be sent
again, so each ``MessageSid`` is processed once (``bot.channels.signatures.ReplayGuard``).

The form is parsed here (:func:`form_params`) keeping blank values, which are part of the
signature (Sanic's own form parser drops them).

Outbound: buttons become numbered options (``bot.channels.options``), texts over
:data:`BODY_LIMIT` characters are split, images are sent as ``MediaUrl`` when they have an
http(s) URL, else as a text note. :class:`TwilioApi` sends through the official client's
``messages.create_async`` on its aiohttp-based ``AsyncTwilioHttpClient`` (never the blocking
client inside the event loop), redirected to ``RETROWALK_TWILIO_API_URL`` when set.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

import aiohttp
from multidict import MultiDict
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels.media import PUBLIC_URL_ENV, normalize_public_url
from bot.channels.options import format_options, options_from_reply
from bot.channels.text import split_text
from bot.env import env_bool, env_float, env_text

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.twilio.com"
BODY_LIMIT = 1600  # characters in one message's Body (Twilio's limit)
WHATSAPP_PREFIX = "whatsapp:"
IMAGE_NOTE = (
    "I made a chart of your progress, but I can't send pictures here yet. "
    "Ask me in the web chat to see it."
)
_E164 = re.compile(r"\+[1-9]\d{6,14}")

Kind = Literal["sms", "whatsapp"]


@dataclass(frozen=True)
class TwilioSettings:
    """How the coach talks to Twilio.

    Attributes:
        account_sid: The account SID (``AC...``). Env ``RETROWALK_TWILIO_ACCOUNT_SID``.
        auth_token: The auth token (signs webhooks, authenticates API calls). Env
            ``RETROWALK_TWILIO_AUTH_TOKEN``.
        sms_number: The SMS number, E.164 (``+15550001111``). Env
            ``RETROWALK_TWILIO_SMS_NUMBER``; "" when SMS is not used.
        whatsapp_number: The WhatsApp sender number, E.164 without the ``whatsapp:`` prefix.
            Env ``RETROWALK_TWILIO_WHATSAPP_NUMBER``; "" when WhatsApp is not used.
        api_url: REST API base URL. Env ``RETROWALK_TWILIO_API_URL``, default
            ``https://api.twilio.com`` (a local stand-in in tests).
        public_url: The public base URL Twilio calls, for signature checks. Env
            ``RETROWALK_PUBLIC_URL``; "" uses the URL of the request as received.
        timeout_s: Seconds to wait for one API call (10). Env ``RETROWALK_TWILIO_TIMEOUT_S``.
        sms_media: Whether SMS replies may carry images (MMS, which Twilio delivers in the US
            and Canada only). Env ``RETROWALK_TWILIO_SMS_MEDIA``, default on; ``off`` (or
            ``0``, ``false``, ``no``) sends SMS users a text note instead of the chart.
    """

    account_sid: str
    auth_token: str
    sms_number: str = ""
    whatsapp_number: str = ""
    api_url: str = DEFAULT_API_URL
    public_url: str = ""
    timeout_s: float = 10.0
    sms_media: bool = True

    @classmethod
    def from_env(cls) -> TwilioSettings:
        """Settings from the ``RETROWALK_TWILIO_*`` variables and ``RETROWALK_PUBLIC_URL``.

        Raises:
            ValueError: The SID or token is missing, or a number is not E.164.
        """
        sid = env_text("RETROWALK_TWILIO_ACCOUNT_SID")
        token = env_text("RETROWALK_TWILIO_AUTH_TOKEN")
        if not sid or not token:
            raise ValueError(
                "Twilio needs RETROWALK_TWILIO_ACCOUNT_SID and RETROWALK_TWILIO_AUTH_TOKEN"
            )
        numbers = {}
        for name in ("RETROWALK_TWILIO_SMS_NUMBER", "RETROWALK_TWILIO_WHATSAPP_NUMBER"):
            number = env_text(name).removeprefix(WHATSAPP_PREFIX)
            if number and not _E164.fullmatch(number):
                raise ValueError(f"{name} must be an E.164 number like +15550001111")
            numbers[name] = number
        return cls(
            account_sid=sid,
            auth_token=token,
            sms_number=numbers["RETROWALK_TWILIO_SMS_NUMBER"],
            whatsapp_number=numbers["RETROWALK_TWILIO_WHATSAPP_NUMBER"],
            api_url=(env_text("RETROWALK_TWILIO_API_URL") or DEFAULT_API_URL).rstrip("/"),
            public_url=normalize_public_url(env_text(PUBLIC_URL_ENV)),
            timeout_s=env_float("RETROWALK_TWILIO_TIMEOUT_S", cls.timeout_s, positive=True),
            sms_media=env_bool("RETROWALK_TWILIO_SMS_MEDIA", cls.sms_media),
        )

    def sends_media(self, kind: Kind) -> bool:
        """Whether replies on ``kind`` may carry images (WhatsApp always, SMS if enabled)."""
        return kind == "whatsapp" or self.sms_media

    def sender(self, kind: Kind) -> str:
        """The ``From`` address of replies: the SMS number, or ``whatsapp:<number>``."""
        if kind == "whatsapp":
            return f"{WHATSAPP_PREFIX}{self.whatsapp_number}" if self.whatsapp_number else ""
        return self.sms_number


# -- inbound --------------------------------------------------------------------------------


def form_params(body: bytes) -> MultiDict[str]:
    """The form parameters of a ``application/x-www-form-urlencoded`` body, blanks kept.

    Raises:
        ValueError: The body is not UTF-8 or not a form.
    """
    pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    return MultiDict(pairs)


def signed_url(public_url: str, request_url: str) -> str:
    """The URL Twilio signed: the public base URL with the request's path and query.

    Args:
        public_url: ``RETROWALK_PUBLIC_URL`` (may include a path prefix the proxy strips), or
            "" to use ``request_url`` unchanged.
        request_url: The URL as the server received it.
    """
    if not public_url:
        return request_url
    parts = urlsplit(request_url)
    return public_url + parts.path + (f"?{parts.query}" if parts.query else "")


def is_signed(auth_token: str, url: str, params: MultiDict[str], signature: str | None) -> bool:
    """Whether ``X-Twilio-Signature`` is Twilio's signature of ``url`` and ``params``."""
    if not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, params, signature))


@dataclass(frozen=True)
class TwilioInbound:
    """A message from a user.

    Attributes:
        sid: ``MessageSid``, unique per message.
        sender: ``From``: ``+15551234567``, or ``whatsapp:+15551234567`` (the conversation id).
        to: ``To``: the coach's number that received it.
        text: ``Body`` ("" for a media-only message).
        num_media: How many media files came with it.
    """

    sid: str
    sender: str
    to: str
    text: str
    num_media: int


class InboundError(ValueError):
    """A webhook request that is not a message for this channel (answered with 400)."""


def parse_inbound(params: Mapping[str, str], kind: Kind, account_sid: str) -> TwilioInbound:
    """Read a messaging webhook's parameters.

    Args:
        params: The form parameters.
        kind: Which channel received it: WhatsApp senders must be ``whatsapp:`` addresses,
            SMS senders must not.
        account_sid: The coach's account (a request for another one is refused).

    Raises:
        InboundError: Missing fields, another account, or a sender of the other kind.
    """
    sid, sender = params.get("MessageSid", ""), params.get("From", "")
    if not sid or not sender:
        raise InboundError("MessageSid and From are required")
    if params.get("AccountSid") != account_sid:
        raise InboundError("the request is for another account")
    if (kind == "whatsapp") != sender.startswith(WHATSAPP_PREFIX):
        raise InboundError(f"not a {kind} message: set this webhook on the {kind} sender")
    try:
        num_media = max(0, int(params.get("NumMedia") or 0))
    except ValueError:
        num_media = 0
    return TwilioInbound(
        sid=sid,
        sender=sender,
        to=params.get("To", ""),
        text=params.get("Body", ""),
        num_media=num_media,
    )


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


# -- outbound -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboundMessage:
    """One message to send (``Body`` and/or ``MediaUrl``).

    Attributes:
        body: The text ("" for an image alone).
        media_url: An http(s) image URL, or None.
    """

    body: str = ""
    media_url: str | None = None


@dataclass(frozen=True)
class ReplyPlan:
    """What to send for one Rasa reply.

    Attributes:
        messages: The messages, in order.
        payloads: The options' payloads (option 1 first), when the reply had buttons.
    """

    messages: tuple[OutboundMessage, ...]
    payloads: tuple[str, ...]


def plan_reply(reply: Mapping[str, Any], image_url: str | None) -> ReplyPlan:
    """The messages for one Rasa reply on SMS or WhatsApp.

    Args:
        reply: The Rasa reply (``text``, ``buttons``/``quick_replies``, ``image``; ``custom``
            payloads are for other clients and are not shown).
        image_url: The reply's image as an http(s) URL, or None (a text note is sent).
    """
    raw_text = reply.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    options = options_from_reply(reply)
    full = format_options(text, options)
    messages = [OutboundMessage(body=part) for part in split_text(full, BODY_LIMIT)]
    image = reply.get("image")
    if isinstance(image, str) and image:
        messages.append(
            OutboundMessage(media_url=image_url) if image_url else OutboundMessage(body=IMAGE_NOTE)
        )
    return ReplyPlan(tuple(messages), tuple(option.payload for option in options))


class _RebasedHttpClient(AsyncTwilioHttpClient):
    """Twilio's aiohttp client, sending to another base URL (a stand-in) when configured."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(pool_connections=True, timeout=timeout, logger=logger)
        self.base_url = base_url.rstrip("/")

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Send the request to :attr:`base_url` with the path and query Twilio's client built."""
        if self.base_url != DEFAULT_API_URL:
            parts = urlsplit(url)
            url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return await super().request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout if timeout is not None else self.timeout,
            allow_redirects=allow_redirects,
        )

    def log_request(self, kwargs: dict[str, Any]) -> None:
        """Log method and URL at DEBUG only (the stock client logs at INFO)."""
        logger.debug("twilio %s %s", kwargs.get("method"), kwargs.get("url"))

    def log_response(self, status_code: int, response: Any) -> None:
        """Log the status at DEBUG only."""
        logger.debug("twilio response %s", status_code)


class TwilioApi:
    """Sends messages through Twilio's Messages API, asynchronously.

    Create it inside the running event loop (its aiohttp session belongs to the loop) and
    :meth:`close` it at shutdown.

    Args:
        settings: Account, token, API base URL and timeout.
    """

    def __init__(self, settings: TwilioSettings) -> None:
        self.settings = settings
        self.http = _RebasedHttpClient(settings.api_url, settings.timeout_s)
        self.client = Client(settings.account_sid, settings.auth_token, http_client=self.http)

    async def send(self, to: str, from_: str, message: OutboundMessage) -> str | None:
        """Send one message; its SID, or None when Twilio refused it (logged without text)."""
        fields: dict[str, Any] = {"to": to, "from_": from_}
        if message.body:
            fields["body"] = message.body
        if message.media_url:
            fields["media_url"] = [message.media_url]
        try:
            created = await self.client.messages.create_async(**fields)
        except TwilioRestException as error:
            logger.error("twilio send failed: HTTP %s, code %s", error.status, error.code)
            return None
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("twilio send failed: %s", type(error).__name__)
            return None
        return str(created.sid) if created.sid else None

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.http.close()
