"""The web chat (Socket.IO) channel's rules: allowed origins and inbound message checks.

Plain Python with no Rasa import. The widget (npm ``rasa-webchat``) emits ``user_uttered``
events ``{"message": str, "session_id": str, "customData": {...}}``; Rasa's Socket.IO channel
passes them to the bot unchecked. :func:`parse_user_message` accepts only what the REST
channel would accept (:mod:`bot.inputs`) and returns the reason to show the user otherwise.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.env import env_int, env_text
from bot.inputs import (
    MAX_SENDER_CHARS,
    InvalidMessageError,
    check_metadata,
    clean_text,
    max_message_chars,
)

CORS_ENV = "RETROWALK_CORS"
WEB_PORT_ENV = "RETROWALK_WEB_PORT"
DEFAULT_WEB_PORT = 8080

REPLY_TOO_LONG = (
    "Your message is too long ({length} characters). Please keep it under {limit} characters."
)
REPLY_EMPTY = "I did not get any text. Please type a message."
REPLY_MALFORMED = "Sorry, I could not read that message. Please try again."
REPLY_NO_SESSION = "Your chat session is not set up yet. Please reload the page."
REPLY_SLOW_DOWN = (
    "You are sending messages faster than I can keep up with. "
    "Please slow down and try again in {wait}."
)


def default_web_origins(port: int = DEFAULT_WEB_PORT) -> tuple[str, ...]:
    """The origins of the coach's own web page on this machine (``operations.web``)."""
    return (f"http://127.0.0.1:{port}", f"http://localhost:{port}")


def normalise_origin(origin: str) -> str:
    """``scheme://host[:port]`` of ``origin`` (lower case, no path), as browsers send it.

    Raises:
        ValueError: ``origin`` is not an http(s) origin.
    """
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{CORS_ENV}: {origin!r} is not an origin like http://host:port")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{CORS_ENV}: {origin!r} must not have a path (http://host:port)")
    return f"{parts.scheme}://{parts.netloc.lower()}"


@dataclass(frozen=True)
class WebChatSettings:
    """Who may open a Socket.IO connection.

    Attributes:
        allowed_origins: Browser origins (``http://host:port``) allowed to connect; requests
            whose ``Origin`` header is not listed are refused (clients that send no Origin,
            like scripts, are let in). Env ``RETROWALK_CORS`` (space-separated; ``*`` allows
            any origin); default the coach's own page, ``http://127.0.0.1:<port>`` and
            ``http://localhost:<port>`` with ``<port>`` = ``RETROWALK_WEB_PORT`` (8080).
    """

    allowed_origins: tuple[str, ...] = default_web_origins()

    @property
    def any_origin(self) -> bool:
        """True when every origin is allowed (``*``)."""
        return "*" in self.allowed_origins

    @classmethod
    def from_env(cls) -> WebChatSettings:
        """Settings from ``RETROWALK_CORS`` and ``RETROWALK_WEB_PORT``.

        Raises:
            ValueError: An origin that is not ``http(s)://host[:port]``, or a bad port.
        """
        configured = env_text(CORS_ENV).split()
        if not configured:
            port = env_int(WEB_PORT_ENV, DEFAULT_WEB_PORT, minimum=1, maximum=65535)
            return cls(allowed_origins=default_web_origins(port))
        origins = tuple(o if o == "*" else normalise_origin(o) for o in configured)
        return cls(allowed_origins=tuple(dict.fromkeys(origins)))


class RefusedMessageError(ValueError):
    """A message that must not reach the bot.

    Attributes:
        reason: A short machine-readable reason (for logs and tests).
        reply: The text to show the user instead of an answer.
    """

    def __init__(self, reason: str, reply: str) -> None:
        """Create the error."""
        super().__init__(reason)
        self.reason = reason
        self.reply = reply


@dataclass(frozen=True)
class WebChatMessage:
    """A checked ``user_uttered`` event.

    Attributes:
        sender_id: The conversation id (the widget's session id, or the socket id).
        text: The cleaned message text.
        metadata: Metadata sent under the channel's metadata key, if any.
    """

    sender_id: str
    text: str
    metadata: dict[str, Any] | None


def _metadata(value: Any) -> dict[str, Any] | None:
    """Metadata as a dict: given as an object or as a JSON string of one."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError) as error:
            raise RefusedMessageError("bad_metadata", REPLY_MALFORMED) from error
    try:
        return check_metadata(value)  # a JSON object within bot.inputs.MAX_METADATA_BYTES
    except InvalidMessageError as error:
        raise RefusedMessageError("bad_metadata", REPLY_MALFORMED) from error


def parse_user_message(
    data: Any,
    *,
    sid: str,
    session_persistence: bool,
    metadata_key: str = "metadata",
    limit: int | None = None,
) -> WebChatMessage:
    """Check a ``user_uttered`` event's data.

    Args:
        data: The event's data as decoded by Socket.IO.
        sid: The Socket.IO connection id (the conversation id without session persistence).
        session_persistence: Whether the conversation id is the event's ``session_id``.
        metadata_key: Where the metadata is in ``data``.
        limit: Longest message in characters (default :func:`bot.inputs.max_message_chars`).

    Returns:
        The checked message.

    Raises:
        RefusedMessageError: Not an object, no usable session id, a message that is not a
            string, empty or over ``limit`` characters, or unreadable metadata.
    """
    if not isinstance(data, dict):
        raise RefusedMessageError("malformed", REPLY_MALFORMED)
    if session_persistence:
        session_id = data.get("session_id")
        if not isinstance(session_id, str) or not clean_text(session_id):
            raise RefusedMessageError("no_session", REPLY_NO_SESSION)
        if len(session_id) > MAX_SENDER_CHARS:
            raise RefusedMessageError("no_session", REPLY_NO_SESSION)
        sender_id = clean_text(session_id)
    else:
        sender_id = sid
    message = data.get("message")
    if not isinstance(message, str):
        raise RefusedMessageError("malformed", REPLY_MALFORMED)
    limit = limit or max_message_chars()
    if len(message) > limit:
        raise RefusedMessageError(
            "too_long", REPLY_TOO_LONG.format(length=f"{len(message):,}", limit=f"{limit:,}")
        )
    text = clean_text(message)
    if not text:
        raise RefusedMessageError("empty", REPLY_EMPTY)
    return WebChatMessage(
        sender_id=sender_id, text=text, metadata=_metadata(data.get(metadata_key))
    )


def slow_down_reply(retry_after_s: float) -> str:
    """The message for a sender over the rate limit, with the seconds to wait (at least 1)."""
    seconds = max(1, math.ceil(retry_after_s))
    return REPLY_SLOW_DOWN.format(wait="1 second" if seconds == 1 else f"{seconds} seconds")


def max_frame_bytes(limit: int | None = None) -> int:
    """Largest Socket.IO packet accepted: room for ``limit`` characters JSON-escaped, plus
    metadata (bigger packets close the connection before any handler runs)."""
    return 12 * (limit or max_message_chars()) + 64 * 1024
