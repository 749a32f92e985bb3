"""The coach's images as ``data:`` URIs: decoded and checked (PNG or JPEG, size, signature).

Plain Python with no Rasa import. The coach sends its progress chart as a
``data:image/png;base64,...`` URI; every channel that needs the bytes (Telegram and Messenger
upload them, Slack and Twilio publish them by URL) decodes it with :func:`decode_data_uri`,
which accepts only a base64 PNG or JPEG whose bytes are what the URI declares.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

ContentType = Literal["image/png", "image/jpeg"]
EXTENSIONS: dict[str, ContentType] = {"png": "image/png", "jpg": "image/jpeg"}
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
_DATA_URI = re.compile(r"data:(image/(?:png|jpeg));base64,([A-Za-z0-9+/=\s]+)", re.ASCII)


class MediaError(ValueError):
    """An image that cannot be used (not a data URI, wrong type, too large)."""


@dataclass(frozen=True)
class Media:
    """Image bytes and their type.

    Attributes:
        data: The bytes.
        content_type: ``image/png`` or ``image/jpeg`` (from the bytes' signature).
    """

    data: bytes
    content_type: ContentType

    @property
    def extension(self) -> str:
        """``png`` or ``jpg``."""
        return next(ext for ext, kind in EXTENSIONS.items() if kind == self.content_type)

    @property
    def name(self) -> str:
        """``<sha256 of the bytes>.<png|jpg>``: the file name in the media URL."""
        return f"{hashlib.sha256(self.data).hexdigest()}.{self.extension}"


def sniff(data: bytes) -> ContentType | None:
    """``image/png`` or ``image/jpeg`` from the bytes' signature, else None."""
    for signature, extension in _SIGNATURES:
        if data.startswith(signature):
            return EXTENSIONS[extension]
    return None


def decode_data_uri(uri: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Media:
    """Decode a base64 ``data:image/png`` or ``data:image/jpeg`` URI.

    Args:
        uri: The data URI.
        max_bytes: Largest image accepted.

    Returns:
        The image; its type comes from the bytes, which must agree with the declared one.

    Raises:
        MediaError: Not such a URI, invalid base64, too large, or bytes of another type.
    """
    if len(uri) > max_bytes * 4 // 3 + 64:
        raise MediaError("the image is too large")
    match = _DATA_URI.fullmatch(uri.strip())
    if not match:
        raise MediaError("not a base64 PNG or JPEG data URI")
    try:
        data = base64.b64decode("".join(match.group(2).split()), validate=True)
    except (binascii.Error, ValueError):
        raise MediaError("invalid base64 in the data URI") from None
    if len(data) > max_bytes:
        raise MediaError("the image is too large")
    kind = sniff(data)
    if kind is None or kind != match.group(1):
        raise MediaError("the bytes are not the declared PNG or JPEG image")
    return Media(data, kind)
