"""Images reachable by URL: the chart's ``data:`` URI stored and served by its SHA-256.

Plain Python with no Rasa import. The coach sends its progress chart as a
``data:image/png;base64,...`` URI, which Slack and Twilio cannot show: they need an http(s)
URL they fetch themselves. :class:`ImagePublisher` decodes the URI and checks the bytes (PNG
or JPEG by their signature, at most :attr:`MediaSettings.max_bytes`; ``bot.channels.data_uri``,
whose names this module re-exports), stores them in the coach's
database (:class:`MediaStore`, table ``channel_media``) and returns
``{RETROWALK_PUBLIC_URL}/webhooks/media/<sha256>.<ext>``, which the ``media`` channel
(``bot/rasa_adapters/channels/media.py``) serves. The database, rather than a directory, lets
every server instance behind a load balancer serve every image, and survives restarts.

Images are kept :attr:`MediaSettings.ttl_days` days (platforms fetch them at once, Slack may
fetch again when a message is shown later); older ones are pruned at most once an hour.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.channels.data_uri import (
    DEFAULT_MAX_BYTES,
    Media,
    MediaError,
    decode_data_uri,
    sniff,
)
from bot.channels.db import PruneSchedule, create_tables, upsert, utc_now
from bot.env import env_float, env_int, env_text
from bot.storage import Storage

logger = logging.getLogger(__name__)

PUBLIC_URL_ENV = "RETROWALK_PUBLIC_URL"
MEDIA_ROUTE = "/webhooks/media"
DEFAULT_TTL_DAYS = 30.0
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
            max_bytes=env_int("RETROWALK_MEDIA_MAX_BYTES", defaults.max_bytes, minimum=1),
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
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.ttl = timedelta(days=ttl_days)
        self._clock = clock
        self._prunes = PruneSchedule()

    @classmethod
    def from_env(cls, settings: MediaSettings | None = None) -> MediaStore:
        """A store on ``$RETROWALK_DATABASE_URL`` with its table created if missing."""
        settings = settings or MediaSettings.from_env()
        store = cls(Storage.from_env().engine, ttl_days=settings.ttl_days)
        store.create_schema()
        return store

    def create_schema(self) -> None:
        """Create the table if it is missing (several processes may race: both succeed)."""
        create_tables(self.engine, metadata)

    def put(self, media: Media) -> str:
        """Store the image (once per content) and return its name."""
        name = media.name
        values = {
            "name": name,
            "content_type": media.content_type,
            "data": media.data,
            "created_at": self._clock(),
        }
        with self.engine.begin() as connection:
            upsert(connection, channel_media, values, keys=["name"], update=["created_at"])
        if self._prunes.due():
            removed = self.prune()
            if removed:
                logger.info("pruned %d expired media files", removed)
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
                    channel_media.c.created_at >= self._clock() - self.ttl,
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
                sa.delete(channel_media).where(
                    channel_media.c.created_at < self._clock() - self.ttl
                )
            )
        return int(result.rowcount or 0)


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
