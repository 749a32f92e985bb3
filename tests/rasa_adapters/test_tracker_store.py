"""WindowedSQLTrackerStore against a real SQLite database and a real PostgreSQL server."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_adapters.tracker_store import DatabaseUnavailableError, WindowedSQLTrackerStore
from operations.postgres_server import PostgresServer

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet]
slots:
  name:
    type: text
    mappings: [{type: custom}]
  mood:
    type: text
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: hi}]
"""
)


def turn(i: int) -> list[Event]:
    return [
        UserUttered(f"message {i}", intent={"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"),
        BotUttered(f"reply {i}"),
        ActionExecuted("action_listen"),
    ]


@pytest.fixture
def store(db_url: str) -> Iterator[WindowedSQLTrackerStore]:
    """The store on SQLite and on a real PostgreSQL server."""
    tracker_store = WindowedSQLTrackerStore(DOMAIN, host=db_url, window_turns=8)
    yield tracker_store
    tracker_store.engine.dispose()


def converse(store: WindowedSQLTrackerStore, sender: str, batches: list[list[Event]]) -> None:
    """Each batch is one request: retrieve (or create), append events, save."""

    async def run() -> None:
        for batch in batches:
            tracker = await store.retrieve(sender)
            if tracker is None:
                tracker = DialogueStateTracker(sender, DOMAIN.slots)
            for event in batch:
                tracker.update(event)
            await store.save(tracker)

    asyncio.run(run())


def reopened(store: WindowedSQLTrackerStore, **changes: Any) -> WindowedSQLTrackerStore:
    """The same database through a new store (another Rasa process: nothing kept yet)."""
    options: dict[str, Any] = {"window_turns": store.window_turns, **changes}
    return WindowedSQLTrackerStore(
        DOMAIN, host=store.engine.url.render_as_string(hide_password=False), **options
    )


def stored_user_texts(store: WindowedSQLTrackerStore, sender: str) -> list[str]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' "
                "ORDER BY id"
            ),
            {"sender": sender},
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def opening() -> list[Event]:
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("name", "ann"),
        ActionExecuted("action_listen"),
    ]


def test_retrieve_returns_a_bounded_window_with_exact_state(
    store: WindowedSQLTrackerStore,
) -> None:
    batches = [opening(), [ActiveLoop("profile_form")]] + [turn(i) for i in range(40)]
    batches[10].append(SlotSet("mood", "good"))
    converse(store, "u1", batches)

    tracker = asyncio.run(reopened(store).retrieve("u1"))
    assert tracker is not None
    users = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert [u.text for u in users] == [f"message {i}" for i in range(32, 40)]
    assert tracker.get_slot("name") == "ann"
    assert tracker.get_slot("mood") == "good"
    assert tracker.active_loop_name == "profile_form"
    assert tracker.latest_message is not None and tracker.latest_message.text == "message 39"


def test_every_event_is_stored_once_and_in_order(store: WindowedSQLTrackerStore) -> None:
    converse(store, "u2", [opening()] + [turn(i) for i in range(30)])
    assert stored_user_texts(store, "u2") == [f"message {i}" for i in range(30)]
    full = asyncio.run(store.retrieve_full_tracker("u2"))
    assert full is not None
    assert len([e for e in full.events if isinstance(e, UserUttered)]) == 30


def test_restart_before_the_window_clears_older_slots(store: WindowedSQLTrackerStore) -> None:
    batches = [opening()] + [turn(i) for i in range(5)]
    batches.append([Restarted(), SlotSet("mood", "ok")])
    batches += [turn(i) for i in range(5, 20)]
    converse(store, "u3", batches)
    tracker = asyncio.run(reopened(store).retrieve("u3"))
    assert tracker is not None
    assert tracker.get_slot("name") is None
    assert tracker.get_slot("mood") == "ok"


def test_short_conversation_is_loaded_whole(store: WindowedSQLTrackerStore) -> None:
    converse(store, "u4", [opening(), turn(0), turn(1)])
    tracker = asyncio.run(store.retrieve("u4"))
    assert tracker is not None
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "message 0",
        "message 1",
    ]


def test_unknown_sender_is_none(store: WindowedSQLTrackerStore) -> None:
    assert asyncio.run(store.retrieve("nobody")) is None


def test_users_do_not_mix(store: WindowedSQLTrackerStore) -> None:
    converse(store, "a", [opening(), turn(1)])
    converse(store, "b", [opening(), turn(2)])
    assert stored_user_texts(store, "a") == ["message 1"]
    assert stored_user_texts(store, "b") == ["message 2"]


# -- trackers kept for the next message -------------------------------------------------


def count_statements(store: WindowedSQLTrackerStore) -> list[str]:
    """Record every SQL statement the store's engine runs from now on."""
    statements: list[str] = []
    sa.event.listen(
        store.engine,
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_: statements.append(statement),
    )
    return statements


def next_message(store: WindowedSQLTrackerStore, sender: str) -> DialogueStateTracker:
    tracker = asyncio.run(store.retrieve(sender))
    assert tracker is not None
    return tracker


def test_the_saved_tracker_answers_the_next_message_after_one_query(
    store: WindowedSQLTrackerStore,
) -> None:
    converse(store, "k1", [opening(), turn(0), turn(1)])
    statements = count_statements(store)
    first = next_message(store, "k1")
    assert len(statements) == 1 and "ORDER BY events.id DESC" in statements[0]
    for event in turn(2):
        first.update(event)
    asyncio.run(store.save(first))
    statements.clear()
    again = next_message(store, "k1")
    assert again is first and len(statements) == 1
    # Handed out once: a second retrieve (no save in between) reads the database.
    other = next_message(store, "k1")
    assert other is not first
    assert [e.text for e in other.events if isinstance(e, UserUttered)] == [
        "message 0",
        "message 1",
        "message 2",
    ]


def test_another_instances_turn_is_seen(store: WindowedSQLTrackerStore) -> None:
    converse(store, "k2", [opening(), turn(0), turn(1)])
    kept = next_message(store, "k2")
    asyncio.run(store.save(kept))
    other_instance = reopened(store)
    converse(other_instance, "k2", [turn(2), [SlotSet("mood", "tired")]])
    tracker = next_message(store, "k2")
    assert tracker is not kept
    assert tracker.get_slot("mood") == "tired"
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)][-1] == "message 2"
    other_instance.engine.dispose()


def test_deleted_history_is_not_kept_in_memory(store: WindowedSQLTrackerStore) -> None:
    converse(store, "k3", [opening(), turn(0), turn(1), turn(2)])
    tracker = next_message(store, "k3")
    # The action server deletes the user's data mid-turn; the turn ends with a restart.
    with store.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'k3'"))
    tracker.update(ActionExecuted("action_delete_data"))
    tracker.update(Restarted())
    asyncio.run(store.save(tracker))
    after = next_message(store, "k3")
    assert after is not tracker
    assert not [e for e in after.events if isinstance(e, UserUttered)]


def test_a_tracker_past_twice_the_window_is_loaded_again(
    store: WindowedSQLTrackerStore,
) -> None:
    converse(store, "k4", [opening()] + [turn(i) for i in range(16)])
    kept = next_message(store, "k4")
    assert len([e for e in kept.events if isinstance(e, UserUttered)]) == 16
    for event in turn(16):
        kept.update(event)
    asyncio.run(store.save(kept))  # 17 user turns > 2 x 8: not kept
    reloaded = next_message(store, "k4")
    assert reloaded is not kept
    texts = [e.text for e in reloaded.events if isinstance(e, UserUttered)]
    assert texts == [f"message {i}" for i in range(9, 17)]


def test_the_least_recently_saved_tracker_goes_first(db_url: str) -> None:
    store = WindowedSQLTrackerStore(DOMAIN, host=db_url, window_turns=8, cache_size=2)
    kept = {}
    for sender in ("a", "b", "c"):
        converse(store, sender, [opening(), turn(0)])
        kept[sender] = next_message(store, sender)
        asyncio.run(store.save(kept[sender]))
    assert next_message(store, "a") is not kept["a"]
    assert next_message(store, "b") is kept["b"]
    assert next_message(store, "c") is kept["c"]
    store.engine.dispose()


def test_a_new_domain_drops_the_kept_trackers(store: WindowedSQLTrackerStore) -> None:
    converse(store, "k5", [opening(), turn(0)])
    kept = next_message(store, "k5")
    asyncio.run(store.save(kept))
    store.domain = DOMAIN
    assert next_message(store, "k5") is not kept


def test_keeping_can_be_switched_off(db_url: str) -> None:
    store = WindowedSQLTrackerStore(DOMAIN, host=db_url, window_turns=8, cache_size=0)
    converse(store, "k6", [opening(), turn(0)])
    kept = next_message(store, "k6")
    asyncio.run(store.save(kept))
    assert next_message(store, "k6") is not kept
    with pytest.raises(ValueError, match="cache_size"):
        WindowedSQLTrackerStore(DOMAIN, host=db_url, cache_size=-1)
    store.engine.dispose()


def test_window_must_cover_policy_history(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 8"):
        WindowedSQLTrackerStore(DOMAIN, host=f"sqlite:///{tmp_path / 't.db'}", window_turns=3)


# -- a database that is briefly (or too long) unavailable -----------------------------


def fail_statements(
    store: WindowedSQLTrackerStore,
    monkeypatch: pytest.MonkeyPatch,
    verb: str,
    times: int | None,
    error: str = "OperationalError",
) -> list[str]:
    """Make the driver raise ``error`` (a DB-API class) on the next ``times`` ``verb``s."""
    dialect = store.engine.dialect
    failed: list[str] = []

    def failing(original: Any) -> Any:
        def run(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
            if statement.lstrip().upper().startswith(verb) and (
                times is None or len(failed) < times
            ):
                failed.append(statement)
                raise getattr(dialect.dbapi, error)("simulated: server briefly unavailable")
            original(cursor, statement, parameters, context)

        return run

    monkeypatch.setattr(dialect, "do_execute", failing(dialect.do_execute))
    monkeypatch.setattr(dialect, "do_executemany", failing(dialect.do_executemany))
    return failed


def test_transient_errors_are_retried_and_nothing_is_lost(
    store: WindowedSQLTrackerStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    converse(store, "r1", [opening(), turn(0)])
    failed_reads = fail_statements(store, monkeypatch, "SELECT", times=2)
    with caplog.at_level(logging.WARNING, logger="bot.rasa_adapters.tracker_store"):
        tracker = asyncio.run(store.retrieve("r1"))
    assert len(failed_reads) == 2
    assert tracker is not None
    monkeypatch.undo()

    failed_writes = fail_statements(store, monkeypatch, "INSERT", times=3)
    for event in turn(1):
        tracker.update(event)
    with caplog.at_level(logging.WARNING, logger="bot.rasa_adapters.tracker_store"):
        asyncio.run(store.save(tracker))
    assert len(failed_writes) == 3
    monkeypatch.undo()
    assert stored_user_texts(store, "r1") == ["message 0", "message 1"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 5 and all("OperationalError" in w for w in warnings)
    assert not any("r1" in w or "message" in w for w in warnings)


def raised_by(awaitable: Any) -> BaseException | None:
    """What awaiting ``awaitable`` raises, caught inside the task (asyncio.run would turn a
    CancelledError subclass leaving the task into a plain CancelledError)."""

    async def run() -> BaseException | None:
        try:
            await awaitable
        except BaseException as error:
            return error
        return None

    return asyncio.run(run())


def test_a_database_down_past_the_window_fails_the_turn_through_rasas_wrapper(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = WindowedSQLTrackerStore(DOMAIN, host=db_url, window_turns=8, retry_window_s=0.3)
    converse(store, "r2", [opening(), turn(0)])
    tracker = asyncio.run(store.retrieve("r2"))
    assert tracker is not None
    # Rasa wraps every tracker store; the error must get through it, not be swallowed.
    wrapped = FailSafeTrackerStore(store)
    fail_statements(store, monkeypatch, "SELECT", times=None)
    error = raised_by(wrapped.retrieve("r2"))
    assert isinstance(error, DatabaseUnavailableError)
    assert isinstance(error, asyncio.CancelledError)
    assert isinstance(error.__cause__, sa.exc.OperationalError)
    monkeypatch.undo()

    fail_statements(store, monkeypatch, "INSERT", times=None)
    for event in turn(1):
        tracker.update(event)
    assert isinstance(raised_by(wrapped.save(tracker)), DatabaseUnavailableError)
    monkeypatch.undo()
    # Nothing of the failed turn was stored (nor kept aside in memory): it is sent again.
    assert stored_user_texts(store, "r2") == ["message 0"]
    assert asyncio.run(wrapped.fallback_tracker_store.retrieve("r2")) is None
    asyncio.run(store.save(tracker))
    assert stored_user_texts(store, "r2") == ["message 0", "message 1"]
    store.engine.dispose()


def test_non_transient_errors_are_not_retried(
    store: WindowedSQLTrackerStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    converse(store, "r3", [opening()])
    failed = fail_statements(store, monkeypatch, "SELECT", None, error="ProgrammingError")
    with (
        caplog.at_level(logging.WARNING, logger="bot.rasa_adapters.tracker_store"),
        pytest.raises(sa.exc.ProgrammingError),
    ):
        asyncio.run(store.retrieve("r3"))
    assert len(failed) == 1
    assert not [r for r in caplog.records if "retrying" in r.getMessage()]


def test_pooled_connections_survive_a_database_restart(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = PostgresServer()
    try:
        server.start()
        store = WindowedSQLTrackerStore(DOMAIN, host=server.create_database("restart"))
        converse(store, "r4", [opening(), turn(0)])
        server.stop("fast")  # every pooled connection is now dead
        server.start()
        with caplog.at_level(logging.WARNING, logger="bot.rasa_adapters.tracker_store"):
            converse(store, "r4", [turn(1)])
        # The dead connections were replaced before use: not even a retry was needed.
        assert not [r for r in caplog.records if "retrying" in r.getMessage()]
        assert stored_user_texts(store, "r4") == ["message 0", "message 1"]
        store.engine.dispose()
    finally:
        server.destroy()


def test_retry_window_must_be_a_duration(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="retry_window_s"):
        WindowedSQLTrackerStore(DOMAIN, host=f"sqlite:///{tmp_path / 't.db'}", retry_window_s=-1)
