"""Fixtures the channel tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from bot.storage import Storage

CHANNEL_TABLES = ("channel_media", "channel_options", "channel_db_test")


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.engine.Engine]:
    """The coach's database engine (SQLite or PostgreSQL); the channel tables dropped after."""
    engine = Storage(db_url).engine
    yield engine
    with engine.begin() as connection:
        for table in CHANNEL_TABLES:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    engine.dispose()
