"""Images reachable by URL: the chart's ``data:`` URI stored and served by its SHA-256.

Plain Python with no Rasa import. The coach sends its progress chart as a
``data:image/png;base64,...`` URI, which Slack and Twilio cannot show: they need an http(s)
URL they fetch themselves. :class:`ImagePublisher` decodes the URI, checks the bytes (PNG or
JPEG by their signature, at most :attr:`MediaSettings.max_bytes`), stores them in the coach's
database (:class:`MediaStore`, table ``channel_media``) and returns
``{RETROWALK_PUBLIC_URL}/webhooks/media/<sha256>.<ext>``, which the ``media`` channel
(``bot/rasa_adapters/channels/media.py``) serves. The database, rather than a directory, lets
every server instance behind a load balancer serve every image, and survives restarts.

Images are kept :attr:`MediaSettings.ttl_days` days (platforms fetch them at once, Slack may
fetch again when a message is shown later); older ones are pruned at most once an hour.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from bot.env import env_float, env_text
from bot.storage import Storage

logger = logging.getLogger(__name__)

PUBLIC_URL_ENV = "RETROWALK_PUBLIC_URL"
MEDIA_ROUTE = "/webhooks/media"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_TTL_DAYS = 30.0
PRUNE_EVERY_S = 3600.0

ContentType = Literal["image/png", "image/jpeg"]
EXTENSIONS: dict[str, ContentType] = {"png": "image/png", "jpg": "image/jpeg"}
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
_DATA_URI = re.compile(r"data:(image/(?:png|jpeg));base64,([A-Za-z0-9+/=\s]+)", re.ASCII)
_NAME = re.compile(r"[0-9a-f]{64}\.(png|jpg)", re.ASCII)

metadata = sa.MetaData()

channel_media = sa.Table(
    "channel_media",
    metadata,
    sa.Column("name", sa.String(80), primary_key=True),
    sa.Column("content_type", sa.String(32), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)


class MediaError(ValueError):
    """An image that cannot be published (not a data URI, wrong type, too large)."""


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
    def name(self) -> str:
        """``<sha256 of the bytes>.<png|jpg>``: the file name in the media URL."""
        extension = next(ext for ext, kind in EXTENSIONS.items() if kind == self.content_type)
        return f"{hashlib.sha256(self.data).hexdigest()}.{extension}"


@dataclass(frozen=True)
class MediaSettings:
    """Where images are published and how much is kept.

    Attributes:
        public_url: The coach's public base URL (``https://coach.example.org``, no trailing
            slash) as platforms reach it. Env ``RETROWALK_PUBLIC_URL``; default ``""``: no
            image URLs are sent (channels send a text note instead).
        max_bytes: Largest image accepted (2 MiB). Env ``RETROWALK_MEDIA_MAX_BYTES``.
        ttl_days: Days an image is kept (30). Env ``RETROWALK_MEDIA_TTL_DAYS``.
    """

    public_url: str = ""
    max_bytes: int = DEFAULT_MAX_BYTES
    ttl_days: float = DEFAULT_TTL_DAYS

    @classmethod
    def from_env(cls) -> MediaSettings:
        """Settings from ``RETROWALK_PUBLIC_URL``, ``RETROWALK_MEDIA_MAX_BYTES`` and ``_TTL_DAYS``.

        Raises:
            ValueError: A public URL that is not http(s), or a number out of range.
        """
        defaults = cls()
        return cls(
            public_url=normalize_public_url(env_text(PUBLIC_URL_ENV)),
            max_bytes=int(env_float("RETROWALK_MEDIA_MAX_BYTES", defaults.max_bytes, minimum=1)),
            ttl_days=env_float("RETROWALK_MEDIA_TTL_DAYS", defaults.ttl_days, positive=True),
        )


def normalize_public_url(url: str) -> str:
    """The public base URL without trailing slashes ("" stays "").

    Raises:
        ValueError: When it is set but not an absolute http(s) URL without query or fragment.
    """
    url = url.strip().rstrip("/")
    if not url:
        return ""
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
        raise ValueError(f"{PUBLIC_URL_ENV} must be an http(s) URL, got {url!r}")
    return url


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


def is_media_name(name: str) -> bool:
    """Whether ``name`` is a media file name (``<64 hex>.png`` or ``.jpg``), nothing else."""
    return _NAME.fullmatch(name) is not None


def media_url(public_url: str, name: str) -> str:
    """``{public_url}/webhooks/media/{name}``."""
    return f"{public_url}{MEDIA_ROUTE}/{name}"


class MediaStore:
    """Images in the coach's database (table ``channel_media``), keyed by their name.

    Thread-safe (one short transaction per call); blocking, so call it from a worker thread in
    async code.

    Args:
        engine: The database (create the table with :meth:`create_schema`).
        ttl_days: Days an image is kept.
        clock: The current time, timezone-aware (injectable for tests).
    """

    def __init__(
        self,
        engine: Engine,
        ttl_days: float = DEFAULT_TTL_DAYS,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.engine = engine
        self.ttl = timedelta(days=ttl_days)
        self._clock = clock
        self._last_prune = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, settings: MediaSettings | None = None) -> MediaStore:
        """A store on ``$RETROWALK_DATABASE_URL`` with its table created if missing."""
        settings = settings or MediaSettings.from_env()
        store = cls(Storage.from_env().engine, ttl_days=settings.ttl_days)
        store.create_schema()
        return store

    def _now(self) -> datetime:
        return self._clock()

    def create_schema(self) -> None:
        """Create the table if it is missing (several processes may race: both succeed)."""
        try:
            with self.engine.begin() as connection:
                metadata.create_all(connection, checkfirst=True)
        except sa.exc.DBAPIError:
            with self.engine.begin() as connection:  # another process created it meanwhile
                metadata.create_all(connection, checkfirst=True)

    def put(self, media: Media) -> str:
        """Store the image (once per content) and return its name."""
        name = media.name
        values = {
            "name": name,
            "content_type": media.content_type,
            "data": media.data,
            "created_at": self._now(),
        }
        with self.engine.begin() as connection:
            dialect = connection.dialect.name
            if dialect in ("postgresql", "sqlite"):
                insert = (postgresql if dialect == "postgresql" else sqlite).insert
                connection.execute(
                    insert(channel_media)
                    .values(**values)
                    .on_conflict_do_update(
                        index_elements=[channel_media.c.name],
                        set_={"created_at": values["created_at"]},
                    )
                )
            else:
                updated = connection.execute(
                    sa.update(channel_media)
                    .where(channel_media.c.name == name)
                    .values(created_at=values["created_at"])
                )
                if updated.rowcount == 0:
                    connection.execute(sa.insert(channel_media).values(**values))
        self._maybe_prune()
        logger.debug("stored media %s (%d bytes)", name, len(media.data))
        return name

    def get(self, name: str) -> Media | None:
        """The image stored under ``name``, if any and not expired."""
        if not is_media_name(name):
            return None
        with self.engine.begin() as connection:
            row = connection.execute(
                sa.select(channel_media.c.data, channel_media.c.content_type).where(
                    channel_media.c.name == name,
                    channel_media.c.created_at >= self._now() - self.ttl,
                )
            ).first()
        if row is None:
            return None
        data = bytes(row.data)
        kind = sniff(data)
        return Media(data, kind) if kind is not None else None

    def prune(self) -> int:
        """Delete images older than the time to live; returns how many."""
        with self.engine.begin() as connection:
            result = connection.execute(
                sa.delete(channel_media).where(channel_media.c.created_at < self._now() - self.ttl)
            )
        return int(result.rowcount or 0)

    def _maybe_prune(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self._last_prune and now - self._last_prune < PRUNE_EVERY_S:
                return
            self._last_prune = now
        removed = self.prune()
        if removed:
            logger.info("pruned %d expired media files", removed)


class ImagePublisher:
    """Turns a reply's ``image`` into a URL a platform can fetch, or None.

    Args:
        settings: The public URL and limits.
        store: Where data-URI images are stored (only used when a public URL is set).
    """

    def __init__(self, settings: MediaSettings, store: MediaStore | None) -> None:
        self.settings = settings
        self.store = store

    @classmethod
    def from_env(cls) -> ImagePublisher:
        """A publisher from the environment; opens the database only if a public URL is set.

        Blocking (may create the table): call it from a worker thread in async code.
        """
        settings = MediaSettings.from_env()
        store = MediaStore.from_env(settings) if settings.public_url else None
        return cls(settings, store)

    @property
    def enabled(self) -> bool:
        """Whether image URLs can be sent (a public URL is configured)."""
        return bool(self.settings.public_url) and self.store is not None

    def publish(self, image: str) -> str | None:
        """The image's http(s) URL: an http(s) ``image`` as is, a data URI once stored.

        Blocking (database write): call it from a worker thread in async code.

        Returns:
            The URL, or None when the image cannot be sent (no public URL configured, or
            not a valid PNG/JPEG data URI; logged at WARNING without the content).
        """
        if image.startswith(("https://", "http://")):
            return image
        if not self.enabled or self.store is None:
            return None
        try:
            media = decode_data_uri(image, self.settings.max_bytes)
        except MediaError as error:
            logger.warning("image not published: %s (%d characters)", error, len(image))
            return None
        return media_url(self.settings.public_url, self.store.put(media))
