"""What the channel stores (``channel_media``, ``channel_options``) share in the coach's database.

Plain Python with no Rasa import: creating a store's tables when several processes start at
once, an insert-or-update that works on PostgreSQL, SQLite and the rest, and the schedule that
prunes expired rows at most once an hour.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

PRUNE_EVERY_S = 3600.0


def utc_now() -> datetime:
    """The current time, timezone-aware (UTC): the stores' default clock."""
    return datetime.now(timezone.utc)


def create_tables(engine: Engine, metadata: sa.MetaData) -> None:
    """Create ``metadata``'s tables that are missing (several processes may race: both succeed)."""
    try:
        with engine.begin() as connection:
            metadata.create_all(connection, checkfirst=True)
    except sa.exc.DBAPIError:
        with engine.begin() as connection:  # another process created them meanwhile
            metadata.create_all(connection, checkfirst=True)


def upsert(
    connection: Connection,
    table: sa.Table,
    values: Mapping[str, Any],
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``values`` as a row of ``table``, or update the ``update`` columns of the row with
    the same ``keys``.

    PostgreSQL and SQLite use ``INSERT ... ON CONFLICT DO UPDATE``; other databases an update,
    then an insert when no row matched.
    """
    changes = {column: values[column] for column in update}
    dialect = connection.dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        connection.execute(
            insert(table)
            .values(**values)
            .on_conflict_do_update(index_elements=[table.c[key] for key in keys], set_=changes)
        )
        return
    updated = connection.execute(
        sa.update(table).where(*(table.c[key] == values[key] for key in keys)).values(**changes)
    )
    if updated.rowcount == 0:
        connection.execute(sa.insert(table).values(**values))


class PruneSchedule:
    """Says when expired rows are due to be deleted: the first time, then at most once every
    ``every_s`` seconds (thread-safe)."""

    def __init__(
        self, every_s: float = PRUNE_EVERY_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Nothing pruned yet: the first :meth:`due` is True."""
        self.every_s = every_s
        self._clock = clock
        self._last: float | None = None
        self._lock = threading.Lock()

    def due(self) -> bool:
        """Whether to prune now; a True answer starts the next period."""
        with self._lock:
            now = self._clock()
            if self._last is not None and now - self._last < self.every_s:
                return False
            self._last = now
            return True
