"""Buttons as numbered options on text-only channels (SMS, WhatsApp), and their memory.

Plain Python with no Rasa import, in two parts:

* pure logic: :func:`format_options` writes a reply's buttons as a numbered list
  ("1. Yes\\n2. No\\nReply with a number."), :func:`parse_choice` reads a reply such as
  ``"2"``, ``" 2 "``, ``"2."`` or ``"#2"`` as the choice of option 2, and
  :func:`split_text` cuts a long text at natural breaks for channels with a length limit;
* storage: :class:`OptionsStore` remembers the last options sent to each sender of each
  channel in the coach's database (table ``channel_options``), so a choice still works after
  a restart or when the next message reaches another server instance.

Options are valid for the next message only: the channel reads them when a message arrives
and replaces them when its reply has buttons, or forgets them when it has none (a number
answering a question without buttons, "how old are you?", stays a number). Options older
than :data:`DEFAULT_TTL_S` are ignored, and deleted (with the sender's number) at the next
save after that, at most once an hour.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from bot.storage import MAX_USER_ID_LENGTH, Storage

logger = logging.getLogger(__name__)

REPLY_HINT = "Reply with a number."
DEFAULT_TTL_S = 24 * 3600.0
MAX_OPTIONS = 99
PRUNE_EVERY_S = 3600.0
_CHOICE = re.compile(r"\s*#?\s*(\d{1,2})\s*[.)]?\s*", re.ASCII)


@dataclass(frozen=True)
class Option:
    """One button.

    Attributes:
        title: What the user sees.
        payload: What the bot receives when it is chosen.
    """

    title: str
    payload: str


def options_from_buttons(buttons: Sequence[Any]) -> list[Option]:
    """The usable buttons of a Rasa reply (``{"title", "payload"}`` dicts), at most 99.

    A button without a payload (a link) or without a title is skipped.
    """
    options: list[Option] = []
    for button in buttons:
        if not isinstance(button, dict):
            continue
        title, payload = button.get("title"), button.get("payload")
        if isinstance(title, str) and isinstance(payload, str) and title.strip() and payload:
            options.append(Option(title.strip(), payload))
    return options[:MAX_OPTIONS]


def format_options(text: str, options: Sequence[Option]) -> str:
    """``text``, then the options numbered from 1 and :data:`REPLY_HINT`.

    Example: ``format_options("Ready?", [Option("Yes", "/affirm"), Option("No", "/deny")])``
    gives ``"Ready?\\n\\n1. Yes\\n2. No\\nReply with a number."``.
    """
    if not options:
        return text
    lines = [f"{number}. {option.title}" for number, option in enumerate(options, start=1)]
    listing = "\n".join([*lines, REPLY_HINT])
    return f"{text.rstrip()}\n\n{listing}" if text.strip() else listing


def parse_choice(text: str, count: int) -> int | None:
    """The option number ``text`` picks (1-based), or None.

    Accepts a bare number with optional spaces, a leading ``#`` and a trailing ``.`` or ``)``:
    ``"2"``, ``" 2 "``, ``"2."``, ``"#2"``. Anything else, or a number outside 1..``count``,
    is not a choice.
    """
    match = _CHOICE.fullmatch(text)
    if not match:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= count else None


def split_text(text: str, limit: int) -> list[str]:
    """Cut ``text`` into parts of at most ``limit`` characters, at natural breaks.

    Breaks at the last paragraph break before the limit, else the last line break, else the
    last space, else exactly at the limit. Parts are stripped; empty text gives ``[]``.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > 0:
                break
        if cut <= 0:
            cut = limit
        part = rest[:cut].rstrip()
        if part:
            parts.append(part)
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def resolve_choice(text: str, payloads: Sequence[str]) -> str | None:
    """The payload ``text`` picks among ``payloads`` (option 1 first), or None."""
    number = parse_choice(text, len(payloads))
    return payloads[number - 1] if number is not None else None


metadata = sa.MetaData()

channel_options = sa.Table(
    "channel_options",
    metadata,
    sa.Column("channel", sa.String(32), primary_key=True),
    sa.Column("sender_id", sa.String(MAX_USER_ID_LENGTH), primary_key=True),
    sa.Column("payloads", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


class OptionsStore:
    """The last options offered to each (channel, sender), in the coach's database.

    Thread-safe (one short transaction per call); blocking, so call it from a worker thread
    in async code.

    Args:
        engine: The database (create the table with :meth:`create_schema`).
        ttl_s: Seconds for which options stay valid.
        clock: The current time, timezone-aware (injectable for tests).
    """

    def __init__(
        self,
        engine: Engine,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.engine = engine
        self.ttl = timedelta(seconds=ttl_s)
        self._clock = clock
        self._last_prune = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> OptionsStore:
        """A store on ``$RETROWALK_DATABASE_URL`` with its table created if missing."""
        store = cls(Storage.from_env().engine)
        store.create_schema()
        return store

    def create_schema(self) -> None:
        """Create the table if it is missing (several processes may race: both succeed)."""
        try:
            with self.engine.begin() as connection:
                metadata.create_all(connection, checkfirst=True)
        except sa.exc.DBAPIError:
            with self.engine.begin() as connection:  # another process created it meanwhile
                metadata.create_all(connection, checkfirst=True)

    def load(self, channel: str, sender_id: str) -> list[str]:
        """The payloads offered last to ``sender_id`` on ``channel`` ([] if none or expired)."""
        with self.engine.begin() as connection:
            row = connection.execute(
                sa.select(channel_options.c.payloads, channel_options.c.updated_at).where(
                    channel_options.c.channel == channel,
                    channel_options.c.sender_id == sender_id,
                )
            ).first()
        if row is None:
            return []
        updated = row.updated_at
        if updated.tzinfo is None:  # SQLite returns naive datetimes (stored as UTC)
            updated = updated.replace(tzinfo=timezone.utc)
        if self._clock() - updated > self.ttl:
            return []
        try:
            payloads = json.loads(row.payloads)
        except ValueError:
            return []
        if not isinstance(payloads, list):
            return []
        return [payload for payload in payloads if isinstance(payload, str)]

    def save(self, channel: str, sender_id: str, payloads: Sequence[str]) -> None:
        """Remember ``payloads`` (option 1 first) as the options offered to ``sender_id``."""
        if not payloads:
            self.clear(channel, sender_id)
            return
        values = {
            "channel": channel,
            "sender_id": sender_id,
            "payloads": json.dumps(list(payloads)),
            "updated_at": self._clock(),
        }
        with self.engine.begin() as connection:
            dialect = connection.dialect.name
            if dialect in ("postgresql", "sqlite"):
                insert = (postgresql if dialect == "postgresql" else sqlite).insert
                connection.execute(
                    insert(channel_options)
                    .values(**values)
                    .on_conflict_do_update(
                        index_elements=[channel_options.c.channel, channel_options.c.sender_id],
                        set_={"payloads": values["payloads"], "updated_at": values["updated_at"]},
                    )
                )
            else:
                self._update_or_insert(connection, values)
        self._maybe_prune()

    @staticmethod
    def _update_or_insert(connection: Connection, values: dict[str, Any]) -> None:
        """The generic upsert, for databases without ``ON CONFLICT``."""
        updated = connection.execute(
            sa.update(channel_options)
            .where(
                channel_options.c.channel == values["channel"],
                channel_options.c.sender_id == values["sender_id"],
            )
            .values(payloads=values["payloads"], updated_at=values["updated_at"])
        )
        if updated.rowcount == 0:
            connection.execute(sa.insert(channel_options).values(**values))

    def clear(self, channel: str, sender_id: str) -> None:
        """Forget the options offered to ``sender_id`` on ``channel``."""
        with self.engine.begin() as connection:
            connection.execute(
                sa.delete(channel_options).where(
                    channel_options.c.channel == channel,
                    channel_options.c.sender_id == sender_id,
                )
            )

    def prune(self) -> int:
        """Delete expired options of every sender; returns how many rows."""
        with self.engine.begin() as connection:
            result = connection.execute(
                sa.delete(channel_options).where(
                    channel_options.c.updated_at < self._clock() - self.ttl
                )
            )
        return int(result.rowcount or 0)

    def _maybe_prune(self) -> None:
        """Prune at most once every :data:`PRUNE_EVERY_S` seconds."""
        with self._lock:
            now = time.monotonic()
            if self._last_prune and now - self._last_prune < PRUNE_EVERY_S:
                return
            self._last_prune = now
        self.prune()
