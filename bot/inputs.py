"""Validation of incoming chat messages, shared by every channel.

Plain Python with no Rasa import.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE_CHARS_ENV = "RETROWALK_MAX_MESSAGE_CHARS"
DEFAULT_MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InvalidMessageError(ValueError):
    """A message that cannot be processed.

    Attributes:
        status: The HTTP status to answer with (400 or 413).
    """

    def __init__(self, reason: str, status: int = 400) -> None:
        """Create the error with a reason shown to the client."""
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class IncomingMessage:
    """A validated message.

    Attributes:
        sender: The conversation id.
        text: The cleaned text.
        metadata: Channel metadata, if any.
    """

    sender: str
    text: str
    metadata: dict[str, Any] | None


def max_message_chars() -> int:
    """The longest message accepted: ``$RETROWALK_MAX_MESSAGE_CHARS`` (default 2000)."""
    try:
        return max(1, int(os.environ.get(MAX_MESSAGE_CHARS_ENV, DEFAULT_MAX_MESSAGE_CHARS)))
    except ValueError:
        return DEFAULT_MAX_MESSAGE_CHARS


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC), drop control characters and surrounding whitespace."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def validate_payload(body: Any, limit: int | None = None) -> IncomingMessage:
    """Check a REST payload ``{"sender": ..., "message": ..., "metadata": {...}}``.

    Args:
        body: The decoded JSON body.
        limit: Maximum message length in characters (default: :func:`max_message_chars`).

    Returns:
        The validated message.

    Raises:
        InvalidMessageError: With status 400 for a malformed payload or empty message, 413 for
            a message over the limit.
    """
    if not isinstance(body, dict):
        raise InvalidMessageError("The body must be a JSON object with 'sender' and 'message'.")
    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not clean_text(sender):
        raise InvalidMessageError("'sender' is required and must be a non-empty string.")
    sender = clean_text(sender)
    if len(sender) > MAX_SENDER_CHARS:
        raise InvalidMessageError(f"'sender' must be at most {MAX_SENDER_CHARS} characters.")
    message = body.get("message")
    if not isinstance(message, str):
        raise InvalidMessageError("'message' is required and must be a string.")
    limit = limit or max_message_chars()
    if len(message) > limit:
        raise InvalidMessageError(
            f"The message is too long ({len(message)} characters); the limit is {limit}.",
            status=413,
        )
    text = clean_text(message)
    if not text:
        raise InvalidMessageError("The message is empty.")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise InvalidMessageError("'metadata' must be a JSON object if given.")
    return IncomingMessage(sender=sender, text=text, metadata=metadata)
