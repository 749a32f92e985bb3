"""Facebook Messenger (Send API, Graph API): settings, webhook parsing, replies, a client.

Plain Python with no Rasa import (the Rasa channel in ``bot.rasa_adapters.channels.messenger``
is a thin adapter over it).

- Webhook checks: :func:`verification_challenge` answers the ``GET`` subscription handshake
  (``hub.mode=subscribe`` with the verify token); :func:`signature_valid` checks
  ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body with the app secret).
- Inbound: :func:`parse_webhook` lists the user messages in a ``page`` webhook (text
  messages, quick-reply payloads, postbacks); echoes, deliveries, reads, reactions and
  attachments are ignored.
- Outbound: :func:`text_requests` and :func:`image_requests` map a Rasa reply to Send API
  calls (:class:`SendRequest`): text split at 2,000 characters, up to 13 buttons as quick
  replies (titles cut to 20 characters), more as button templates of 3, an image from a
  ``data:`` URI uploaded as ``filedata``, an http(s) image by URL.
- :class:`MessengerApi` posts to ``<graph_url>/<graph_version>/me/messages`` with the page
  token (one ``aiohttp`` session per event loop, ``bot.channels.http``), retries 5xx,
  transient errors and connection errors, and never raises.

Graph API version: ``v25.0`` by default (released February 2026, available until July
2028); ``RETROWALK_MESSENGER_GRAPH_VERSION`` picks another.

One concept (hence over 400 lines): the Messenger platform, as settings, parsing, replies and
its client.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.channels.data_uri import MediaError, decode_data_uri
from bot.channels.http import JsonAnswer, JsonApiClient, Sleep, Upload, backoff
from bot.channels.signatures import DEFAULT_REPLAY_WINDOW, secrets_match, signature_matches
from bot.channels.text import split_text
from bot.env import SettingsError, env_bool, env_float, env_text

LOG = logging.getLogger(__name__)

DEFAULT_GRAPH_URL = "https://graph.facebook.com"
DEFAULT_GRAPH_VERSION = "v25.0"
WEBHOOK_PATH = "/webhooks/messenger/webhook"
SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_TEXT = 2000
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20
MAX_PAYLOAD = 1000
MAX_TEMPLATE_TEXT = 640
TEMPLATE_BUTTONS = 3
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
BUTTON_PROMPT = "Please choose:"
MORE_PROMPT = "More options:"
SUBSCRIBED_FIELDS = ("messages", "messaging_postbacks")
TRANSIENT_CODES = frozenset({1, 2})  # "unknown error", "service temporarily unavailable"
_VERSION = re.compile(r"v\d+\.\d+")

Kind = Literal["text", "quick_reply", "postback"]


@dataclass(frozen=True)
class MessengerSettings:
    """How to reach the Send API and check webhook requests.

    Attributes:
        page_token: The Page access token ("", required). Env
            ``RETROWALK_MESSENGER_PAGE_TOKEN``.
        app_secret: The app secret that signs webhook bodies ("", required). Env
            ``RETROWALK_MESSENGER_APP_SECRET``.
        verify_token: The token you type in the webhook settings ("", required for the GET
            handshake). Env ``RETROWALK_MESSENGER_VERIFY_TOKEN``.
        graph_url: Graph API base URL (``https://graph.facebook.com``). Env
            ``RETROWALK_MESSENGER_GRAPH_URL`` (a test stand-in).
        graph_version: Graph API version in the path (``v25.0``). Env
            ``RETROWALK_MESSENGER_GRAPH_VERSION``.
        timeout_s: Total timeout of one API request in seconds (10). Env
            ``RETROWALK_MESSENGER_TIMEOUT``.
        typing: Mark the message seen and show "typing..." while the coach thinks (True). Env
            ``RETROWALK_MESSENGER_TYPING`` (``0``/``false``/``off`` turns it off).
        max_attempts: Tries per API call, the first included (3).
        backoff_s: Wait before the second try after a 5xx, a transient error or a
            connection error, doubled for each later try (0.5 s).
        replay_window: How many message ids are remembered to drop replays (10,000).
    """

    page_token: str = ""
    app_secret: str = ""
    verify_token: str = ""
    graph_url: str = DEFAULT_GRAPH_URL
    graph_version: str = DEFAULT_GRAPH_VERSION
    timeout_s: float = 10.0
    typing: bool = True
    max_attempts: int = 3
    backoff_s: float = 0.5
    replay_window: int = DEFAULT_REPLAY_WINDOW

    @classmethod
    def from_env(cls) -> MessengerSettings:
        """Settings from the ``RETROWALK_MESSENGER_*`` variables.

        Raises:
            ValueError: A timeout that is not a positive number, or a version not like
                ``v25.0``.
        """
        defaults = cls()
        version = env_text("RETROWALK_MESSENGER_GRAPH_VERSION") or defaults.graph_version
        if not _VERSION.fullmatch(version):
            raise SettingsError("RETROWALK_MESSENGER_GRAPH_VERSION", version, "like v25.0")
        return cls(
            page_token=env_text("RETROWALK_MESSENGER_PAGE_TOKEN"),
            app_secret=env_text("RETROWALK_MESSENGER_APP_SECRET"),
            verify_token=env_text("RETROWALK_MESSENGER_VERIFY_TOKEN"),
            graph_url=env_text("RETROWALK_MESSENGER_GRAPH_URL") or defaults.graph_url,
            graph_version=version,
            timeout_s=env_float("RETROWALK_MESSENGER_TIMEOUT", defaults.timeout_s, positive=True),
            typing=env_bool("RETROWALK_MESSENGER_TYPING", defaults.typing),
        )

    def check(self) -> None:
        """Fail early on a missing secret.

        Raises:
            ValueError: Naming the variables to set.
        """
        missing = [
            name
            for name, value in (
                ("RETROWALK_MESSENGER_PAGE_TOKEN", self.page_token),
                ("RETROWALK_MESSENGER_APP_SECRET", self.app_secret),
                ("RETROWALK_MESSENGER_VERIFY_TOKEN", self.verify_token),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"Messenger needs {', '.join(missing)}")

    def api_url(self, path: str) -> str:
        """``<graph_url>/<graph_version>/<path>`` (the token goes in the query string)."""
        return f"{self.graph_url.rstrip('/')}/{self.graph_version}/{path.lstrip('/')}"


# ---- Webhook checks ----


def verification_challenge(args: Mapping[str, str], settings: MessengerSettings) -> str | None:
    """The ``hub.challenge`` to echo for a valid subscription handshake, else ``None``.

    Valid: ``hub.mode`` is ``subscribe`` and ``hub.verify_token`` equals the configured verify
    token (compared in constant time).
    """
    if args.get("hub.mode") != "subscribe":
        return None
    if not secrets_match(args.get("hub.verify_token"), settings.verify_token):
        return None
    return args.get("hub.challenge")


def signature_valid(header: str | None, body: bytes, settings: MessengerSettings) -> bool:
    """Whether ``X-Hub-Signature-256`` is ``sha256=`` + HMAC-SHA256(app secret, raw body)."""
    return signature_matches(header, settings.app_secret, body)


# ---- Inbound ----


class InvalidWebhookError(ValueError):
    """A body that is not a Messenger webhook object."""


@dataclass(frozen=True)
class MessengerIncoming:
    """A user message the coach answers.

    Attributes:
        event_id: The message's ``mid`` (used to drop replays); for a postback without one,
            ``postback:<sender>:<timestamp>:<payload digest>``.
        sender_id: The user's page-scoped id (PSID): the conversation (sender) id.
        text: The text, quick-reply payload or postback payload, uncleaned.
        kind: ``text``, ``quick_reply`` or ``postback``.
    """

    event_id: str
    sender_id: str
    text: str
    kind: Kind


def is_page_webhook(body: Any) -> bool:
    """Whether ``body`` is a webhook of a Page subscription (``"object": "page"``).

    Raises:
        InvalidWebhookError: When ``body`` is not a JSON object.
    """
    if not isinstance(body, dict):
        raise InvalidWebhookError("the body must be a JSON object")
    return body.get("object") == "page"


def _text_of_message(message: dict[str, Any]) -> tuple[str, Kind] | None:
    if message.get("is_echo"):
        return None
    quick_reply = message.get("quick_reply")
    payload = quick_reply.get("payload") if isinstance(quick_reply, dict) else None
    if isinstance(payload, str) and payload:
        return payload, "quick_reply"
    text = message.get("text")
    if isinstance(text, str):
        return text, "text"
    return None  # attachments only: stickers, images, audio, location...


def _parse_event(event: Any) -> MessengerIncoming | None:
    if not isinstance(event, dict):
        return None
    sender = event.get("sender")
    sender_id = sender.get("id") if isinstance(sender, dict) else None
    if isinstance(sender_id, int) and not isinstance(sender_id, bool):
        sender_id = str(sender_id)
    if not isinstance(sender_id, str) or not sender_id:
        return None
    message = event.get("message")
    if isinstance(message, dict):
        found = _text_of_message(message)
        mid = message.get("mid")
        if found is None or not isinstance(mid, str) or not mid:
            return None
        return MessengerIncoming(mid, sender_id, found[0], found[1])
    postback = event.get("postback")
    if isinstance(postback, dict):
        payload = postback.get("payload")
        if not isinstance(payload, str) or not payload:
            return None
        mid = postback.get("mid")
        if not isinstance(mid, str) or not mid:
            digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
            mid = f"postback:{sender_id}:{event.get('timestamp')}:{digest}"
        return MessengerIncoming(mid, sender_id, payload, "postback")
    return None  # delivery, read, reaction, optin, referral...


def parse_webhook(body: Any) -> list[MessengerIncoming]:
    """The user messages in a Page webhook body, in order (there may be several batched).

    Args:
        body: The decoded JSON body (check :func:`is_page_webhook` first).

    Raises:
        InvalidWebhookError: When ``body`` is not a JSON object.
    """
    if not isinstance(body, dict):
        raise InvalidWebhookError("the body must be a JSON object")
    found: list[MessengerIncoming] = []
    entries = body.get("entry")
    for entry in entries if isinstance(entries, list) else []:
        events = entry.get("messaging") if isinstance(entry, dict) else None
        for event in events if isinstance(events, list) else []:
            incoming = _parse_event(event)
            if incoming is not None:
                found.append(incoming)
    return found


# ---- Outbound ----


@dataclass(frozen=True)
class SendRequest:
    """One Send API call (``POST /me/messages``).

    Attributes:
        recipient_id: The PSID to send to.
        message: The ``message`` object (text, quick replies, attachment), or ``None`` for a
            sender action.
        sender_action: ``typing_on``, ``typing_off`` or ``mark_seen`` (no ``message``).
        upload: A file sent as the ``filedata`` part (``multipart/form-data``).
    """

    recipient_id: str
    message: dict[str, Any] | None = None
    sender_action: str | None = None
    upload: Upload | None = None

    def fields(self) -> dict[str, Any]:
        """The request fields: ``recipient`` and ``messaging_type`` + ``message``, or
        ``sender_action``."""
        fields: dict[str, Any] = {"recipient": {"id": self.recipient_id}}
        if self.sender_action:
            fields["sender_action"] = self.sender_action
        else:
            fields["messaging_type"] = "RESPONSE"
            fields["message"] = self.message or {}
        return fields


def short_title(title: str, limit: int = MAX_TITLE) -> str:
    """``title`` cut to ``limit`` characters, with an ellipsis when cut."""
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _button_parts(button: Mapping[str, Any]) -> tuple[str, str, str]:
    """``(title, payload, url)`` with defaults: a payload over 1,000 characters is replaced by
    the title, a missing title by the payload."""
    title = str(button.get("title") or "").strip()
    payload = str(button.get("payload") or "").strip()
    url = str(button.get("url") or "").strip()
    if len(payload) > MAX_PAYLOAD:
        payload = title[:MAX_PAYLOAD]
    return title or payload or url, payload or ("" if url else title), url


def quick_replies(buttons: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Text quick replies (title at most 20 characters, payload at most 1,000)."""
    replies = []
    for button in buttons:
        title, payload, _ = _button_parts(button)
        if payload:
            replies.append(
                {"content_type": "text", "title": short_title(title), "payload": payload}
            )
    return replies


def template_buttons(buttons: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Postback (or ``web_url``) buttons for a button template."""
    converted = []
    for button in buttons:
        title, payload, url = _button_parts(button)
        if payload:
            converted.append({"type": "postback", "title": short_title(title), "payload": payload})
        elif url:
            converted.append({"type": "web_url", "title": short_title(title), "url": url})
    return converted


def _button_template(text: str, buttons: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "attachment": {
            "type": "template",
            "payload": {"template_type": "button", "text": text, "buttons": buttons},
        }
    }


def text_requests(
    recipient_id: str, text: str, buttons: Sequence[Mapping[str, Any]] | None = None
) -> list[SendRequest]:
    """Send API calls for a reply: text in parts of at most 2,000 characters, and buttons.

    Up to 13 buttons with payloads go as quick replies on the last part. More buttons (or
    link buttons) go as button templates of 3 after the text, since a user could not pick the
    14th quick reply. A reply with buttons but no text gets a short prompt.
    """
    parts = split_text(text, MAX_TEXT)
    buttons = list(buttons or [])
    replies = quick_replies(buttons)
    use_templates = bool(buttons) and (
        len(buttons) > MAX_QUICK_REPLIES or len(replies) != len(buttons)
    )
    if buttons and not parts and not use_templates:
        parts = [BUTTON_PROMPT]
    calls: list[SendRequest] = []
    for number, part in enumerate(parts, start=1):
        message: dict[str, Any] = {"text": part}
        if replies and not use_templates and number == len(parts):
            message["quick_replies"] = replies
        calls.append(SendRequest(recipient_id, message))
    if use_templates:
        converted = template_buttons(buttons)
        prompt = BUTTON_PROMPT if not parts else MORE_PROMPT
        for start in range(0, len(converted), TEMPLATE_BUTTONS):
            group = converted[start : start + TEMPLATE_BUTTONS]
            label = prompt if start == 0 else MORE_PROMPT
            calls.append(SendRequest(recipient_id, _button_template(label, group)))
    return calls


def image_requests(recipient_id: str, image: str) -> list[SendRequest]:
    """An image attachment: a PNG or JPEG ``data:`` URI uploaded as ``filedata``, an http(s)
    URL by URL.

    Anything else (another scheme, another image type, a broken or oversized data URI) gives
    no call.
    """
    if image.startswith(("https://", "http://")):
        message = {"attachment": {"type": "image", "payload": {"url": image, "is_reusable": True}}}
        return [SendRequest(recipient_id, message)]
    try:
        media = decode_data_uri(image, MAX_ATTACHMENT_BYTES)
    except MediaError:
        return []
    message = {"attachment": {"type": "image", "payload": {"is_reusable": False}}}
    upload = Upload("filedata", f"image.{media.extension}", media.content_type, media.data)
    return [SendRequest(recipient_id, message, upload=upload)]


def action_request(recipient_id: str, action: str) -> SendRequest:
    """A sender action: ``mark_seen``, ``typing_on`` or ``typing_off``."""
    return SendRequest(recipient_id, sender_action=action)


# ---- Client ----


@dataclass(frozen=True)
class SendResult:
    """What a Send API call gave.

    Attributes:
        ok: Whether it succeeded (HTTP 200 without an ``error``).
        status: The HTTP status of the last try (0 when no answer came).
        body: The decoded answer (``{recipient_id, message_id}`` on success).
        error_code: The Graph error ``code`` (0 when none).
        attempts: How many tries were made.
    """

    ok: bool
    status: int
    body: dict[str, Any] = field(default_factory=dict)
    error_code: int = 0
    attempts: int = 1


def _error_of(answer: JsonAnswer) -> dict[str, Any]:
    """Graph's ``error`` object; for no answer at all, the connection error's type."""
    if not answer.status:
        return {"type": answer.error}
    error = answer.body.get("error")
    return error if isinstance(error, dict) else {}


class MessengerApi(JsonApiClient):
    """A small Send API client over aiohttp; one session per event loop, opened lazily."""

    def __init__(self, settings: MessengerSettings, sleep: Sleep = asyncio.sleep) -> None:
        """Create the client; nothing is opened or sent until the first call.

        Args:
            settings: Page token, Graph URL and version, timeout and retry policy.
            sleep: How to wait between tries (injectable for tests).
        """
        super().__init__(settings.timeout_s, settings.max_attempts, sleep)
        self.settings = settings

    def retry_wait(self, answer: JsonAnswer, attempt: int) -> float | None:
        """After a 5xx, a transient Graph error or no answer, the backoff; else ``None``."""
        error = _error_of(answer)
        if answer.status == 200 and not error:
            return None
        transient = error.get("is_transient") is True or error.get("code") in TRANSIENT_CODES
        if answer.status == 0 or answer.status >= 500 or transient:
            return backoff(self.settings.backoff_s, attempt)
        return None

    async def post(
        self, path: str, fields: Mapping[str, Any], upload: Upload | None = None
    ) -> SendResult:
        """POST ``fields`` to ``<graph>/<version>/<path>`` with the page token, retrying as the
        settings allow; never raises (but on cancellation)."""
        params = {"access_token": self.settings.page_token}
        answer, attempts = await self.request(self.settings.api_url(path), fields, upload, params)
        error = _error_of(answer)
        if answer.status == 200 and not error:
            return SendResult(True, 200, answer.body, attempts=attempts)
        code = error.get("code")
        LOG.warning(
            "messenger %s failed after %d tries: HTTP %s, %s code %s subcode %s trace %s",
            path,
            attempts,
            answer.status or "-",
            error.get("type", "-"),
            code if code is not None else "-",
            error.get("error_subcode", "-"),
            error.get("fbtrace_id", "-"),
        )
        return SendResult(
            False, answer.status, answer.body, code if isinstance(code, int) else 0, attempts
        )

    async def send(self, request: SendRequest) -> SendResult:
        """Make one Send API call (``me/messages``)."""
        return await self.post("me/messages", request.fields(), request.upload)

    async def send_all(self, requests: Iterable[SendRequest]) -> list[SendResult]:
        """Make the calls in order (a failed one does not stop the next)."""
        return [await self.send(request) for request in requests]


async def _subscribe(settings: MessengerSettings) -> SendResult:
    api = MessengerApi(settings)
    try:
        return await api.post(
            "me/subscribed_apps", {"subscribed_fields": ",".join(SUBSCRIBED_FIELDS)}
        )
    finally:
        await api.close()


def subscribe_page(settings: MessengerSettings | None = None) -> SendResult:
    """Subscribe the app to the Page's ``messages`` and ``messaging_postbacks`` events.

    The same as ticking them in the app dashboard. Blocking (runs its own event loop): for a
    CLI command, not for the server.

    Args:
        settings: Default: :meth:`MessengerSettings.from_env`.

    Raises:
        ValueError: A missing token or secret.
    """
    settings = settings or MessengerSettings.from_env()
    settings.check()
    return asyncio.run(_subscribe(settings))
