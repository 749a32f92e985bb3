"""Telegram Bot API: settings, Update parsing, reply formatting and a small aiohttp client.

Plain Python with no Rasa import (the Rasa channel in ``bot.rasa_adapters.channels.telegram``
is a thin adapter over it).

- Inbound: :func:`parse_update` turns an ``Update`` object into a :class:`TelegramIncoming`
  (a text message, or a button press with its payload) or ``None`` for everything the coach
  ignores (edited messages, stickers, photos, channel posts, membership changes...).
- Outbound: :func:`text_requests`, :func:`image_requests` and friends map a Rasa reply to Bot
  API calls (:class:`ApiRequest`), pure data that :class:`TelegramApi` sends.
- Buttons become an inline keyboard. ``callback_data`` holds at most 64 bytes: a longer payload
  is replaced by a short key remembered by :class:`CallbackKeys`; a key that was forgotten
  (server restarted) falls back to the pressed button's title.
- :class:`TelegramApi` opens its ``aiohttp`` session lazily inside the running event loop (one
  session per loop, never at import or start-up; ``bot.channels.http``), retries after 429
  (``retry_after``), 5xx and connection errors, and never raises: failures are returned and
  logged without the token or any message text.
- Text is split at 4,096 UTF-16 units (``bot.channels.text``); the chart's ``data:`` URI is
  decoded and checked by ``bot.channels.data_uri``.
- :func:`register_webhook` calls ``setWebhook`` with the secret token (for a CLI command).

One concept (hence over 400 lines): the Telegram platform, as settings, parsing, replies and its
client.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.channels.data_uri import MediaError, decode_data_uri
from bot.channels.http import JsonAnswer, JsonApiClient, Sleep, Upload, backoff
from bot.channels.signatures import DEFAULT_REPLAY_WINDOW, secrets_match
from bot.channels.text import split_text, utf16_len
from bot.env import env_bool, env_float, env_text

LOG = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
WEBHOOK_PATH = "/webhooks/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT_UTF16 = 4096  # sendMessage text limit, in UTF-16 code units
MAX_CALLBACK_DATA_BYTES = 64
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # sendPhoto upload limit
CALLBACK_KEY_PREFIX = "#k:"
ALLOWED_UPDATES = ("message", "callback_query")
BUTTON_PROMPT = "Please choose:"
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_MENTION = re.compile(r"^(/[A-Za-z0-9_]+)@[A-Za-z0-9_]+")
_START = re.compile(r"^/start(?:@[A-Za-z0-9_]+)?(?:\s.*)?$", re.DOTALL)
GREET_PAYLOAD = "/greet"


@dataclass(frozen=True)
class TelegramSettings:
    """How to reach the Bot API and check webhook requests.

    Attributes:
        token: The bot token from @BotFather ("", required). Env ``RETROWALK_TELEGRAM_TOKEN``.
        secret: The webhook secret token (1-256 of ``A-Z a-z 0-9 _ -``; "", required), sent
            by Telegram in ``X-Telegram-Bot-Api-Secret-Token``. Env ``RETROWALK_TELEGRAM_SECRET``.
        api_url: Bot API base URL (``https://api.telegram.org``). Env
            ``RETROWALK_TELEGRAM_API_URL`` (a local Bot API server, or a test stand-in).
        public_url: The coach's public base URL, for ``setWebhook`` ("", only needed to
            register the webhook). Env ``RETROWALK_PUBLIC_URL``.
        timeout_s: Total timeout of one API request in seconds (10). Env
            ``RETROWALK_TELEGRAM_TIMEOUT``.
        typing: Show "typing..." while the coach thinks (True). Env
            ``RETROWALK_TELEGRAM_TYPING`` (``0``/``false``/``off`` turns it off).
        max_attempts: Tries per API call, the first included (3).
        max_retry_wait_s: Longest ``retry_after`` honoured after a 429 (10 s); a longer one
            gives the call up.
        backoff_s: Wait before the second try after a 5xx or a connection error, doubled for
            each later try (0.5 s).
        replay_window: How many ``update_id`` values are remembered to drop replays (10,000).
    """

    token: str = ""
    secret: str = ""
    api_url: str = DEFAULT_API_URL
    public_url: str = ""
    timeout_s: float = 10.0
    typing: bool = True
    max_attempts: int = 3
    max_retry_wait_s: float = 10.0
    backoff_s: float = 0.5
    replay_window: int = DEFAULT_REPLAY_WINDOW

    @classmethod
    def from_env(cls) -> TelegramSettings:
        """Settings from the ``RETROWALK_TELEGRAM_*`` variables and ``RETROWALK_PUBLIC_URL``.

        Raises:
            ValueError: A timeout that is not a positive number.
        """
        defaults = cls()
        return cls(
            token=env_text("RETROWALK_TELEGRAM_TOKEN"),
            secret=env_text("RETROWALK_TELEGRAM_SECRET"),
            api_url=env_text("RETROWALK_TELEGRAM_API_URL") or defaults.api_url,
            public_url=env_text("RETROWALK_PUBLIC_URL"),
            timeout_s=env_float("RETROWALK_TELEGRAM_TIMEOUT", defaults.timeout_s, positive=True),
            typing=env_bool("RETROWALK_TELEGRAM_TYPING", defaults.typing),
        )

    def check(self) -> None:
        """Fail early on a missing token or a secret Telegram would refuse.

        Raises:
            ValueError: Naming the variable to fix.
        """
        if not self.token:
            raise ValueError("RETROWALK_TELEGRAM_TOKEN is not set (the token from @BotFather)")
        if not _SECRET_TOKEN.fullmatch(self.secret):
            raise ValueError(
                "RETROWALK_TELEGRAM_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
            )

    def method_url(self, method: str) -> str:
        """``<api_url>/bot<token>/<method>`` (contains the token: never log it)."""
        return f"{self.api_url.rstrip('/')}/bot{self.token}/{method}"

    @property
    def webhook_url(self) -> str:
        """``<public_url>/webhooks/telegram/webhook``.

        Raises:
            ValueError: When ``RETROWALK_PUBLIC_URL`` is not set.
        """
        if not self.public_url:
            raise ValueError("RETROWALK_PUBLIC_URL is not set (the coach's public https URL)")
        return self.public_url.rstrip("/") + WEBHOOK_PATH


def secret_header_valid(received: str | None, settings: TelegramSettings) -> bool:
    """Whether the ``X-Telegram-Bot-Api-Secret-Token`` header is the configured secret."""
    return secrets_match(received, settings.secret)


# ---- Inbound ----


class InvalidUpdateError(ValueError):
    """A request body that is not a Telegram ``Update`` (no integer ``update_id``)."""


@dataclass(frozen=True)
class TelegramIncoming:
    """A user message the coach answers.

    Attributes:
        update_id: The update's id (unique per bot; used to drop replays).
        chat_id: The chat to answer in, as text: the conversation (sender) id.
        text: The message text, or the payload of the pressed button, uncleaned.
        message_id: Telegram's id of the user's message (or of the message whose button was
            pressed), if any.
        callback_query_id: For a button press, the id to answer with ``answerCallbackQuery``.
        expired: A button press whose payload could not be recovered (``text`` is "").
    """

    update_id: int
    chat_id: str
    text: str
    message_id: int | None = None
    callback_query_id: str | None = None
    expired: bool = False


def update_id_of(update: Any) -> int:
    """The ``update_id`` of an Update object.

    Raises:
        InvalidUpdateError: When ``update`` is not an object with an integer ``update_id``.
    """
    if not isinstance(update, dict):
        raise InvalidUpdateError("the body must be a JSON object (a Telegram Update)")
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise InvalidUpdateError("the Update has no integer 'update_id'")
    return update_id


def normalise_command(text: str) -> str:
    """Map Telegram bot commands onto the coach's messages.

    ``/start`` (also ``/start <deep-link parameter>``) greets; ``/help@MyBot`` loses the bot
    mention (``/help``). Anything else is returned unchanged.
    """
    if _START.match(text):
        return GREET_PAYLOAD
    return _COMMAND_MENTION.sub(r"\1", text, count=1)


def _chat_id(message: Any) -> str | None:
    if not isinstance(message, dict):
        return None
    chat = message.get("chat")
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    if isinstance(chat_id, int) and not isinstance(chat_id, bool):
        return str(chat_id)
    return None


def _message_id(message: Any) -> int | None:
    value = message.get("message_id") if isinstance(message, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _title_of_pressed(message: Any, data: str) -> str | None:
    """The title of the button with ``callback_data == data`` in ``message``'s keyboard."""
    markup = message.get("reply_markup") if isinstance(message, dict) else None
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, dict) and button.get("callback_data") == data:
                title = button.get("text")
                return title if isinstance(title, str) and title.strip() else None
    return None


def _parse_callback(
    update_id: int, query: dict[str, Any], keys: CallbackKeys
) -> TelegramIncoming | None:
    query_id = query.get("id")
    data = query.get("data")
    if not isinstance(query_id, str) or not isinstance(data, str):
        return None  # a game button or an inline-mode query: nothing to answer
    message = query.get("message")
    chat_id = _chat_id(message)
    if chat_id is None:
        sender = query.get("from")
        user_id = sender.get("id") if isinstance(sender, dict) else None
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            return None
        chat_id = str(user_id)
    payload = keys.payload_for(data)
    if payload is None:
        payload = _title_of_pressed(message, data)
    return TelegramIncoming(
        update_id=update_id,
        chat_id=chat_id,
        text=payload or "",
        message_id=_message_id(message),
        callback_query_id=query_id,
        expired=payload is None,
    )


def parse_update(update: Any, keys: CallbackKeys) -> TelegramIncoming | None:
    """The user message in a Telegram ``Update``, or ``None`` when the coach ignores it.

    Handled: ``message`` with ``text`` (bot commands normalised by
    :func:`normalise_command`) and ``callback_query`` with ``data`` (a pressed inline button;
    its payload is recovered from ``keys``). Ignored: edited messages, messages without text
    (stickers, photos, locations...), channel posts, inline queries, membership updates and
    any update type added later.

    Args:
        update: The decoded JSON body.
        keys: The payloads of long ``callback_data`` keys.

    Raises:
        InvalidUpdateError: When ``update`` has no integer ``update_id``.
    """
    update_id = update_id_of(update)
    message = update.get("message")
    if isinstance(message, dict):
        text = message.get("text")
        chat_id = _chat_id(message)
        if not isinstance(text, str) or chat_id is None:
            return None
        return TelegramIncoming(
            update_id=update_id,
            chat_id=chat_id,
            text=normalise_command(text),
            message_id=_message_id(message),
        )
    query = update.get("callback_query")
    if isinstance(query, dict):
        return _parse_callback(update_id, query, keys)
    return None


# ---- Outbound ----


class CallbackKeys:
    """Short ``callback_data`` keys for button payloads over 64 bytes (bounded, thread-safe).

    A payload that fits is sent as is. A longer one (or one that looks like a key) is sent as
    ``#k:`` plus 22 characters of its SHA-256, and the key is remembered in memory (the
    ``capacity`` most recently used); when a key is unknown, :func:`parse_update` uses the
    pressed button's title instead.
    """

    def __init__(self, capacity: int = 4096) -> None:
        """Create an empty map holding at most ``capacity`` keys."""
        self.capacity = max(1, capacity)
        self._payloads: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def data_for(self, payload: str) -> str:
        """The ``callback_data`` to send for ``payload`` (at most 64 bytes)."""
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES and not payload.startswith(
            CALLBACK_KEY_PREFIX
        ):
            return payload
        digest = hashlib.sha256(payload.encode("utf-8")).digest()
        key = CALLBACK_KEY_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")[:22]
        with self._lock:
            self._payloads[key] = payload
            self._payloads.move_to_end(key)
            while len(self._payloads) > self.capacity:
                self._payloads.popitem(last=False)
        return key

    def payload_for(self, data: str) -> str | None:
        """The payload behind ``callback_data``; ``None`` for a key no longer remembered."""
        if not data.startswith(CALLBACK_KEY_PREFIX):
            return data
        with self._lock:
            payload = self._payloads.get(data)
            if payload is not None:
                self._payloads.move_to_end(data)
            return payload


@dataclass(frozen=True)
class ApiRequest:
    """One Bot API call.

    Attributes:
        method: The method name (``sendMessage``...).
        params: Its parameters (sent as JSON, or as form fields with ``upload``).
        upload: A file to upload; the call is then ``multipart/form-data``.
    """

    method: str
    params: dict[str, Any]
    upload: Upload | None = None


def inline_keyboard(buttons: Sequence[Mapping[str, Any]], keys: CallbackKeys) -> dict[str, Any]:
    """``reply_markup`` with one inline button per row.

    A Rasa button ``{title, payload}`` becomes ``{text, callback_data}``; one with a ``url``
    (and no payload) becomes a link button. The payload stands in for a missing title and
    vice versa.
    """
    rows: list[list[dict[str, str]]] = []
    for button in buttons:
        title = str(button.get("title") or "").strip()
        payload = str(button.get("payload") or "").strip()
        url = str(button.get("url") or "").strip()
        if not payload and url:
            rows.append([{"text": title or url, "url": url}])
        elif payload or title:
            rows.append(
                [{"text": title or payload, "callback_data": keys.data_for(payload or title)}]
            )
    return {"inline_keyboard": rows}


def text_requests(
    chat_id: str,
    text: str,
    buttons: Sequence[Mapping[str, Any]] | None = None,
    keys: CallbackKeys | None = None,
) -> list[ApiRequest]:
    """``sendMessage`` calls for a reply: the text split at 4,096 UTF-16 units.

    Buttons become an inline keyboard on the last part (a reply with buttons but no text
    gets a short prompt, since Telegram refuses an empty message). Plain text: no parse mode,
    so nothing needs escaping.
    """
    parts = split_text(text, MAX_TEXT_UTF16, utf16_len)
    markup = inline_keyboard(buttons, keys or CallbackKeys()) if buttons else None
    if markup and not markup["inline_keyboard"]:
        markup = None
    if not parts and markup:
        parts = [BUTTON_PROMPT]
    calls: list[ApiRequest] = []
    for number, part in enumerate(parts, start=1):
        params: dict[str, Any] = {"chat_id": chat_id, "text": part}
        if markup and number == len(parts):
            params["reply_markup"] = markup
        calls.append(ApiRequest("sendMessage", params))
    return calls


def image_requests(chat_id: str, image: str) -> list[ApiRequest]:
    """A ``sendPhoto`` call: a PNG or JPEG ``data:`` URI is uploaded as bytes, an http(s) URL
    passed on.

    Anything else (another scheme, another image type, a broken or oversized data URI) gives
    no call.
    """
    if image.startswith(("https://", "http://")):
        return [ApiRequest("sendPhoto", {"chat_id": chat_id, "photo": image})]
    try:
        media = decode_data_uri(image, MAX_PHOTO_BYTES)
    except MediaError:
        return []
    upload = Upload("photo", f"image.{media.extension}", media.content_type, media.data)
    return [ApiRequest("sendPhoto", {"chat_id": chat_id}, upload)]


def typing_request(chat_id: str) -> ApiRequest:
    """``sendChatAction`` typing (shown for 5 s or until the next message)."""
    return ApiRequest("sendChatAction", {"chat_id": chat_id, "action": "typing"})


def answer_callback_request(callback_query_id: str, text: str | None = None) -> ApiRequest:
    """``answerCallbackQuery``: stops the button's progress indicator (optional notice)."""
    params: dict[str, Any] = {"callback_query_id": callback_query_id}
    if text:
        params["text"] = text
    return ApiRequest("answerCallbackQuery", params)


def set_webhook_request(settings: TelegramSettings) -> ApiRequest:
    """``setWebhook`` to ``<public_url>/webhooks/telegram/webhook`` with the secret token.

    Raises:
        ValueError: When the public URL is not set.
    """
    return ApiRequest(
        "setWebhook",
        {
            "url": settings.webhook_url,
            "secret_token": settings.secret,
            "allowed_updates": list(ALLOWED_UPDATES),
        },
    )


# ---- Client ----


@dataclass(frozen=True)
class ApiResult:
    """What a Bot API call gave.

    Attributes:
        ok: Telegram's ``ok``.
        status: The HTTP status of the last try (0 when no answer came).
        result: Telegram's ``result`` on success.
        description: Telegram's error ``description`` (or the connection error's type).
        attempts: How many tries were made.
    """

    ok: bool
    status: int
    result: Any = None
    description: str = ""
    attempts: int = 1


def _succeeded(answer: JsonAnswer) -> bool:
    return answer.status == 200 and answer.body.get("ok") is True


class TelegramApi(JsonApiClient):
    """A small Bot API client over aiohttp; one session per event loop, opened lazily."""

    def __init__(self, settings: TelegramSettings, sleep: Sleep = asyncio.sleep) -> None:
        """Create the client; nothing is opened or sent until the first call.

        Args:
            settings: Token, API URL, timeout and retry policy.
            sleep: How to wait between tries (injectable for tests).
        """
        super().__init__(settings.timeout_s, settings.max_attempts, sleep)
        self.settings = settings

    def retry_wait(self, answer: JsonAnswer, attempt: int) -> float | None:
        """After a 429, Telegram's ``retry_after`` (if not too long); after a 5xx or no
        answer, the backoff; else ``None``."""
        if _succeeded(answer):
            return None
        if answer.status == 429:
            parameters = answer.body.get("parameters")
            retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
            wait = float(retry_after) if isinstance(retry_after, (int, float)) else 1.0
            return wait if wait <= self.settings.max_retry_wait_s else None
        if answer.status == 0 or answer.status >= 500:
            return backoff(self.settings.backoff_s, attempt)
        return None

    async def call(self, request: ApiRequest) -> ApiResult:
        """Make one call, retrying as the settings allow; never raises (but on cancellation).

        Returns:
            The outcome of the last try.
        """
        url = self.settings.method_url(request.method)
        answer, attempts = await self.request(url, request.params, request.upload)
        if _succeeded(answer):
            return ApiResult(True, 200, answer.body.get("result"), attempts=attempts)
        description = str(answer.body.get("description", "")) if answer.status else answer.error
        LOG.warning(
            "telegram %s failed after %d tries: HTTP %s %s",
            request.method,
            attempts,
            answer.status or "-",
            description,
        )
        return ApiResult(False, answer.status, description=description, attempts=attempts)

    async def call_all(self, requests: Iterable[ApiRequest]) -> list[ApiResult]:
        """Make the calls in order (a failed one does not stop the next)."""
        return [await self.call(request) for request in requests]


async def _register(settings: TelegramSettings) -> ApiResult:
    api = TelegramApi(settings)
    try:
        return await api.call(set_webhook_request(settings))
    finally:
        await api.close()


def register_webhook(settings: TelegramSettings | None = None) -> ApiResult:
    """Point the bot's webhook at this coach (``setWebhook`` with the secret token).

    Blocking (runs its own event loop): for a CLI command, not for the server.

    Args:
        settings: Default: :meth:`TelegramSettings.from_env`.

    Raises:
        ValueError: A missing token, an invalid secret or no ``RETROWALK_PUBLIC_URL``.
    """
    settings = settings or TelegramSettings.from_env()
    settings.check()
    _ = settings.webhook_url  # raises before any network call when unset
    return asyncio.run(_register(settings))
