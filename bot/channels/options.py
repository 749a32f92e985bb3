"""Buttons as numbered options on text-only channels (SMS, WhatsApp), and their memory.

Plain Python with no Rasa import, in two parts:

* pure logic: :func:`options_from_reply` reads a Rasa reply's buttons, :func:`format_options`
  writes them as a numbered list ("1. Yes\\n2. No\\nReply with a number.") and
  :func:`parse_choice` reads a reply such as ``"2"``, ``" 2 "``, ``"2."`` or ``"#2"`` as the
  choice of option 2;
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.channels.db import PruneSchedule, create_tables, upsert, utc_now
from bot.storage import MAX_USER_ID_LENGTH, Storage

logger = logging.getLogger(__name__)

REPLY_HINT = "Reply with a number."
DEFAULT_TTL_S = 24 * 3600.0
MAX_OPTIONS = 99
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


def options_from_reply(reply: Mapping[str, Any]) -> list[Option]:
    """The usable buttons of a Rasa reply: its ``buttons``, else its ``quick_replies``."""
    return options_from_buttons(reply.get("buttons") or reply.get("quick_replies") or [])


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
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.ttl = timedelta(seconds=ttl_s)
        self._clock = clock
        self._prunes = PruneSchedule()

    @classmethod
    def from_env(cls) -> OptionsStore:
        """A store on ``$RETROWALK_DATABASE_URL`` with its table created if missing."""
        store = cls(Storage.from_env().engine)
        store.create_schema()
        return store

    def create_schema(self) -> None:
        """Create the table if it is missing (several processes may race: both succeed)."""
        create_tables(self.engine, metadata)

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
            upsert(
                connection,
                channel_options,
                values,
                keys=["channel", "sender_id"],
                update=["payloads", "updated_at"],
            )
        if self._prunes.due():
            self.prune()

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
