"""An SQL tracker store that loads only the recent part of a conversation session.

Stock ``SQLTrackerStore`` rebuilds the whole current session on every message, and the
policies then featurize every past turn, so per-turn latency grows with conversation
length (about 10x over 300 turns on a 2-core machine). This store keeps the complete
event log in the database but hands Rasa a *window*: the last ``window_turns`` user turns,
preceded by the state-carrying events from before the window (slots, active loop,
restarts, pauses), replayed in order so slot values and form state stay exact.
Policies only look ``max_history`` turns back, so their predictions are unchanged as long
as ``window_turns`` is larger than every policy's ``max_history``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DATABASE_URL_ENV = "RETROWALK_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///var/retrowalk.db"

# Event types whose effect outlives their turn: replayed from before the window.
STATE_EVENT_TYPES = (
    "slot",  # SlotSet
    "reset_slots",  # AllSlotsReset
    "active_loop",  # ActiveLoop (forms)
    "restart",  # Restarted
    "pause",  # ConversationPaused
    "resume",  # ConversationResumed
    "session_started",  # SessionStarted
)


class WindowedTracker(DialogueStateTracker):
    """A tracker that remembers how many of its events are already stored."""

    stored_event_count: int | None = None


def database_url(configured: str | None = None) -> str:
    """Return the database URL: the configured one, ``$RETROWALK_DATABASE_URL``, or SQLite.

    Args:
        configured: A URL given in ``endpoints.yml`` (``url:``), if any.

    Returns:
        An SQLAlchemy database URL.
    """
    url = configured or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return url


class WindowedSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store whose ``retrieve`` returns a bounded window of the session."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        window_turns: int = 20,
        **kwargs: Any,
    ) -> None:
        """Connect to the database and create the tables if needed.

        Args:
            domain: The assistant's domain.
            host: A full database URL (``url:`` in ``endpoints.yml``); default from
                ``$RETROWALK_DATABASE_URL``, else ``sqlite:///var/retrowalk.db``.
            event_broker: Optional event broker.
            window_turns: How many recent user turns to load (at least 8).
            **kwargs: Passed to ``SQLTrackerStore``.
        """
        if int(window_turns) < 8:
            raise ValueError("window_turns must be at least 8 (policies look back 5 turns)")
        self.window_turns = int(window_turns)
        kwargs.pop("dialect", None)
        super().__init__(
            domain=domain, host=database_url(host), event_broker=event_broker, **kwargs
        )
        with self.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "CREATE INDEX IF NOT EXISTS ix_events_sender_type "
                    "ON events (sender_id, type_name)"
                )
            )

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """Load the latest session's state and its last ``window_turns`` user turns."""
        with self.session_scope() as session:
            events = self._window_events(session, sender_id)
        if not events:
            return None
        tracker = WindowedTracker.from_dict(sender_id, events, self.domain.slots)
        assert isinstance(tracker, WindowedTracker)
        tracker.stored_event_count = len(tracker.events)
        return tracker

    def _window_events(self, session: Any, sender_id: str) -> list[dict]:
        event_table = self.SQLEvent
        in_session = session.query(event_table).filter(event_table.sender_id == sender_id)
        session_start = (
            session.query(sa.func.max(event_table.timestamp))
            .filter(
                event_table.sender_id == sender_id,
                event_table.type_name == SessionStarted.type_name,
            )
            .scalar()
        )
        if session_start is not None:
            in_session = in_session.filter(event_table.timestamp >= session_start)

        cut_id = (
            in_session.filter(event_table.type_name == UserUttered.type_name)
            .with_entities(event_table.id)
            .order_by(event_table.id.desc())
            .offset(self.window_turns - 1)
            .limit(1)
            .scalar()
        )
        if cut_id is None:
            rows = in_session.order_by(event_table.id).all()
        else:
            prefix = in_session.filter(
                event_table.id < cut_id, event_table.type_name.in_(STATE_EVENT_TYPES)
            )
            window = in_session.filter(event_table.id >= cut_id)
            rows = prefix.order_by(event_table.id).all() + window.order_by(event_table.id).all()
        return [json.loads(row.data) for row in rows]

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Return the events of ``tracker`` that are not stored yet."""
        stored = getattr(tracker, "stored_event_count", None)
        if stored is None:
            # A tracker that did not come from ``retrieve`` (new, or a full history).
            return super()._additional_events(session, tracker)
        events: list[Event] = list(tracker.events)
        return iter(events[stored:])

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events to the database."""
        await super().save(tracker)
        if isinstance(tracker, WindowedTracker):
            tracker.stored_event_count = len(tracker.events)
