"""Validation of incoming chat messages, shared by every channel.

Plain Python with no Rasa import. :func:`validate_payload` checks a REST message;
:func:`clean_text` is what every channel applies to a message's text;
:func:`validate_api_request` checks the bodies of the Rasa HTTP API routes that take a
message or an intent (``/model/parse``, ``/conversations/<id>/...``), which Rasa itself
answers with a 500 when they are malformed.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.env import env_int

MAX_MESSAGE_CHARS_ENV = "RETROWALK_MAX_MESSAGE_CHARS"
DEFAULT_MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128
# Metadata is stored with the message in the conversation history: keep it small.
MAX_METADATA_BYTES = 16 * 1024
# Rasa's ``events.sender_id`` and the coach's ``user_id`` columns hold 255 characters.
MAX_CONVERSATION_ID_CHARS = 255

# C0 controls but tab and line breaks, DEL, and the C1 controls (U+0080-U+009F).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Lone UTF-16 surrogates (JSON "\ud800" escapes): not encodable as UTF-8, so they crash
# tokenisers, databases and platform APIs further on.
_SURROGATES = re.compile("[\ud800-\udfff]")


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
    """The longest message accepted: ``$RETROWALK_MAX_MESSAGE_CHARS`` (default 2000).

    Raises:
        SettingsError: When it is set to anything but a whole number of at least 1.
    """
    return env_int(MAX_MESSAGE_CHARS_ENV, DEFAULT_MAX_MESSAGE_CHARS, minimum=1)


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC), drop control characters (C0 but tab and line breaks, DEL,
    C1), lone surrogates and surrounding whitespace."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", _SURROGATES.sub("", text))).strip()


def check_metadata(metadata: Any) -> dict[str, Any] | None:
    """Check message metadata: None, or a JSON object of at most ``MAX_METADATA_BYTES``.

    Returns:
        The metadata, unchanged.

    Raises:
        InvalidMessageError: 400 when it is not a plain JSON object (NaN and infinities
            included), 413 when it is larger than the limit.
    """
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise InvalidMessageError("'metadata' must be a JSON object if given.")
    try:
        size = len(json.dumps(metadata, allow_nan=False).encode("utf-8", "surrogatepass"))
    except (TypeError, ValueError):
        raise InvalidMessageError("'metadata' must be plain JSON (no NaN or infinity).") from None
    if size > MAX_METADATA_BYTES:
        raise InvalidMessageError(
            f"'metadata' is too large ({size} bytes); the limit is {MAX_METADATA_BYTES}.",
            status=413,
        )
    return metadata


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
    metadata = check_metadata(body.get("metadata"))
    return IncomingMessage(sender=sender, text=text, metadata=metadata)


# -- the Rasa HTTP API -------------------------------------------------------------------

_CONVERSATION_ROUTE = re.compile(
    r"/conversations/(?P<id>.+?)/(?P<route>tracker/events|tracker|story|execute|"
    r"trigger_intent|predict|messages)"
)


def _json_body(body: bytes) -> Any:
    """The decoded JSON of a request body (400 when it is not UTF-8 JSON)."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidMessageError("The body is not valid JSON.") from None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidMessageError("The body must be a JSON object.")
    return body


def _api_text(body: dict[str, Any], limit: int) -> None:
    text = body.get("text")
    if not isinstance(text, str):
        raise InvalidMessageError("'text' is required and must be a string.")
    if len(text) > limit:
        raise InvalidMessageError(
            f"The text is too long ({len(text)} characters); the limit is {limit}.", status=413
        )
    if _SURROGATES.search(text):
        raise InvalidMessageError("'text' must be valid Unicode (no lone surrogates).")


def _optional(body: dict[str, Any], key: str, kinds: tuple[type, ...], what: str) -> None:
    value = body.get(key)
    if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
        raise InvalidMessageError(f"'{key}' must be {what} if given.")


def _parse_data(value: Any) -> None:
    """``parse_data`` of ``/messages``: absent, empty, or an intent and a list of entities."""
    if value is None or value == {}:
        return
    if not isinstance(value, dict):
        raise InvalidMessageError("'parse_data' must be a JSON object if given.")
    intent = value.get("intent")
    if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
        raise InvalidMessageError("'parse_data.intent' must be an object with a 'name'.")
    entities = value.get("entities")
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise InvalidMessageError("'parse_data.entities' must be a list of objects.")


def _events(body: Any, replace: bool) -> None:
    """Events for ``/tracker/events``: a list of event objects (or one, when appending)."""
    events = body if isinstance(body, list) or replace else [body]
    if not isinstance(events, list) or not all(
        isinstance(event, dict) and isinstance(event.get("event"), str) for event in events
    ):
        raise InvalidMessageError("The body must be a list of events (objects with 'event').")


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def validate_api_request(method: str, path: str, body: bytes, limit: int | None = None) -> None:
    """Check a request to the Rasa HTTP API before Rasa handles it.

    Rasa answers a malformed body on these routes with a 500 (and logs the request URL,
    API token included). Checked here:

    - the conversation id of ``/conversations/<id>/...``: at most
      :data:`MAX_CONVERSATION_ID_CHARS` characters, no control characters;
    - the JSON body of ``POST /model/parse`` (``text``, ``message_id``),
      ``POST /conversations/<id>/messages`` (``text``, ``sender``, ``parse_data``),
      ``.../trigger_intent`` (``name``, ``entities``), ``.../execute`` (``name``,
      ``policy``, ``confidence``) and ``POST``/``PUT .../tracker/events`` (events);
      texts are limited like chat messages. Other routes are not checked.

    Args:
        method: The HTTP method.
        path: The request path (without the query string).
        body: The raw body.
        limit: Longest text in characters (default :func:`max_message_chars`).

    Raises:
        InvalidMessageError: 400 for a malformed request, 413 for a text over the limit.
    """
    method = method.upper()
    limit = limit or max_message_chars()
    conversation = _CONVERSATION_ROUTE.fullmatch(path)
    if conversation is not None:
        conversation_id = conversation.group("id")
        if len(conversation_id) > MAX_CONVERSATION_ID_CHARS or _CONTROL.search(conversation_id):
            raise InvalidMessageError(
                f"The conversation id must be at most {MAX_CONVERSATION_ID_CHARS} characters "
                "without control characters."
            )
        route = conversation.group("route")
    elif path == "/model/parse":
        route = "parse"
    else:
        return
    if method not in ("POST", "PUT") or route in ("tracker", "story", "predict"):
        return
    decoded = _json_body(body)
    if not _finite(decoded):
        raise InvalidMessageError("The body must be plain JSON (no NaN or infinity).")
    if route == "tracker/events":
        _events(decoded, replace=method == "PUT")
        return
    data = _object(decoded)
    if route in ("parse", "messages"):
        _api_text(data, limit)
    if route == "parse":
        _optional(data, "message_id", (str,), "a string")
    elif route == "messages":
        if data.get("sender") != "user":
            raise InvalidMessageError("'sender' must be \"user\".")
        _parse_data(data.get("parse_data"))
    else:  # trigger_intent, execute
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InvalidMessageError("'name' is required and must be a non-empty string.")
        if route == "trigger_intent":
            entities = data.get("entities")
            if isinstance(entities, list) and not all(isinstance(e, dict) for e in entities):
                raise InvalidMessageError("'entities' must be an object or a list of objects.")
            if entities is not None and not isinstance(entities, (dict, list)):
                raise InvalidMessageError("'entities' must be an object or a list of objects.")
        else:
            _optional(data, "policy", (str,), "a string")
            _optional(data, "confidence", (int, float), "a number")
