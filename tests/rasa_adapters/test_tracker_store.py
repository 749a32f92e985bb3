"""WindowedSQLTrackerStore against a real SQLite database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
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

from bot.rasa_adapters.tracker_store import WindowedSQLTrackerStore

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

    tracker = asyncio.run(store.retrieve("u1"))
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
    tracker = asyncio.run(store.retrieve("u3"))
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


def test_window_must_cover_policy_history(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 8"):
        WindowedSQLTrackerStore(DOMAIN, host=f"sqlite:///{tmp_path / 't.db'}", window_turns=3)
