"""The channel stores' shared database helpers: table creation, upserts, the prune schedule."""

from __future__ import annotations

import sqlalchemy as sa

from bot.channels.db import PruneSchedule, create_tables, upsert

metadata = sa.MetaData()
rows = sa.Table(
    "channel_db_test",
    metadata,
    sa.Column("channel", sa.String(32), primary_key=True),
    sa.Column("sender_id", sa.String(32), primary_key=True),
    sa.Column("payloads", sa.Text, nullable=False),
    sa.Column("hits", sa.Integer, nullable=False),
)


def test_upsert_inserts_then_updates_only_the_named_columns(engine: sa.engine.Engine) -> None:
    create_tables(engine, metadata)
    create_tables(engine, metadata)  # idempotent
    keys, update = ["channel", "sender_id"], ["payloads"]
    with engine.begin() as connection:
        upsert(
            connection,
            rows,
            {"channel": "a", "sender_id": "1", "payloads": "x", "hits": 1},
            keys,
            update,
        )
        upsert(
            connection,
            rows,
            {"channel": "a", "sender_id": "2", "payloads": "y", "hits": 1},
            keys,
            update,
        )
        upsert(
            connection,
            rows,
            {"channel": "a", "sender_id": "1", "payloads": "z", "hits": 9},
            keys,
            update,
        )
        found = connection.execute(sa.select(rows).order_by(rows.c.sender_id)).all()
    assert [tuple(row) for row in found] == [("a", "1", "z", 1), ("a", "2", "y", 1)]


def test_prune_schedule_is_due_first_then_once_per_period() -> None:
    now = [1000.0]
    schedule = PruneSchedule(every_s=3600.0, clock=lambda: now[0])
    assert schedule.due()
    assert not schedule.due()
    now[0] += 3599.0
    assert not schedule.due()
    now[0] += 1.0
    assert schedule.due()
    assert not schedule.due()
