"""The action server's database handle, opened on first use (never at import)."""

from __future__ import annotations

from functools import lru_cache

from bot.storage import Storage


@lru_cache(maxsize=1)
def storage() -> Storage:
    """The shared :class:`Storage` for ``$RETROWALK_DATABASE_URL`` (schema created once)."""
    store = Storage.from_env()
    store.create_schema()
    return store
