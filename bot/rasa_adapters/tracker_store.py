"""An SQL tracker store that loads only the recent part of a conversation session.

Stock ``SQLTrackerStore`` rebuilds the whole current session on every message, and the
policies then featurize every past turn, so per-turn latency grows with conversation
length (about 10x over 300 turns on a 2-core machine). This store keeps the complete
event log in the database but hands Rasa a *window*: the last ``window_turns`` user turns,
preceded by the state-carrying events from before the window (slots, active loop,
restarts, pauses), replayed in order so slot values and form state stay exact.
Policies only look ``max_history`` turns back, so their predictions are unchanged as long
as ``window_turns`` is larger than every policy's ``max_history``.

A database that is briefly unavailable (a restart, a fail-over) does not lose messages:
pooled connections are checked before use (``pool_pre_ping``), and ``retrieve`` and
``save`` retry transient errors (``bot.storage.is_transient_error``) with growing sleeps
for up to ``retry_window_s`` seconds (``endpoints.yml``; default 10), while the message
waits under its conversation lock.

Each Rasa process also keeps the trackers it saved last (``cache_size`` of them, least
recently used dropped first): the next message of that conversation is answered from the
kept tracker after one indexed query confirms that the database's last event for the
sender is still the one this process wrote (the id and the timestamp). Any other writer
(another instance, a deletion) changes that event, and the window is loaded again. A
kept tracker is handed out once (the lock store serialises a conversation's messages), and
is dropped when its turn restarts the conversation or starts a session (deleted data never
stays in memory) or when it grows past twice the window.

When the database stays down longer, the turn must fail cleanly rather than silently:
Rasa wraps every tracker store in ``FailSafeTrackerStore``, which turns any ``Exception``
from ``retrieve`` into "no conversation yet" (the message is then answered out of
context) and from ``save`` into "keep it in this process's memory" (the turn never
reaches the database). So after the window this store raises
:class:`DatabaseUnavailableError`, a ``CancelledError``, which that wrapper does not
catch: the request ends the way a response timeout ends it (the REST channel answers
with its apology), and nothing of the turn is stored, so the user sends it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, Restarted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage import database_url as storage_database_url
from bot.storage import is_transient_error

logger = logging.getLogger(__name__)

DEFAULT_RETRY_WINDOW_S = 10.0
DEFAULT_CACHE_SIZE = 200
RETRY_BASE_DELAY_S = 0.1
RETRY_MAX_DELAY_S = 1.0

T = TypeVar("T")


class DatabaseUnavailableError(asyncio.CancelledError):
    """The conversation database stayed unavailable for the whole retry window.

    Derives from ``asyncio.CancelledError`` (a ``BaseException``) so that Rasa's
    ``FailSafeTrackerStore`` lets it through instead of answering without the
    conversation's context or keeping the turn in memory only; channels treat it like a
    response timeout. The database error is its ``__cause__``.
    """


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


# The database's last event of a conversation: (id, timestamp), or None with no events.
EventMarker = tuple[int, float] | None


def database_url(configured: str | None = None) -> str:
    """Return the database URL: the configured one, ``$RETROWALK_DATABASE_URL``, or SQLite.

    Args:
        configured: A URL given in ``endpoints.yml`` (``url:``), if any.

    Returns:
        An SQLAlchemy database URL.
    """
    url = configured or storage_database_url()
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
        retry_window_s: float = DEFAULT_RETRY_WINDOW_S,
        cache_size: int = DEFAULT_CACHE_SIZE,
        **kwargs: Any,
    ) -> None:
        """Connect to the database and create the tables if needed.

        Args:
            domain: The assistant's domain.
            host: A full database URL (``url:`` in ``endpoints.yml``); default from
                ``$RETROWALK_DATABASE_URL``, else ``sqlite:///<project root>/var/retrowalk.db``
                (:func:`bot.storage.database_url`).
            event_broker: Optional event broker.
            window_turns: How many recent user turns to load (at least 8).
            retry_window_s: How long ``retrieve`` and ``save`` retry transient database
                errors (0: no retry).
            cache_size: How many saved trackers this process keeps for the next message
                of their conversation (0: none).
            **kwargs: Passed to ``SQLTrackerStore``.
        """
        if int(window_turns) < 8:
            raise ValueError("window_turns must be at least 8 (policies look back 5 turns)")
        self.window_turns = int(window_turns)
        self.retry_window_s = float(retry_window_s)
        if not math.isfinite(self.retry_window_s) or self.retry_window_s < 0:
            raise ValueError("retry_window_s must be a finite number of seconds, at least 0")
        self.cache_size = int(cache_size)
        if self.cache_size < 0:
            raise ValueError("cache_size must be at least 0")
        self._kept: OrderedDict[str, tuple[EventMarker, WindowedTracker]] = OrderedDict()
        kwargs.pop("dialect", None)
        super().__init__(
            domain=domain, host=database_url(host), event_broker=event_broker, **kwargs
        )
        # Rasa's engine settings, plus a liveness check of pooled connections and no
        # statement parameters (message texts) in database error messages.
        rasa_engine: sa.engine.Engine = self.engine  # type: ignore[has-type]
        url = rasa_engine.url
        rasa_engine.dispose()
        self.engine = sa.create_engine(
            url, pool_pre_ping=True, hide_parameters=True, **create_engine_kwargs(url)
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        with self.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "CREATE INDEX IF NOT EXISTS ix_events_sender_type "
                    "ON events (sender_id, type_name)"
                )
            )
            connection.execute(
                sa.text("CREATE INDEX IF NOT EXISTS ix_events_sender_id ON events (sender_id, id)")
            )

    @property
    def domain(self) -> Domain:
        """The assistant's domain (a new one, e.g. a new model, drops the kept trackers)."""
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        self._domain = domain or Domain.empty()
        self._kept.clear()

    async def _retrying(self, operation: str, run: Callable[[], Awaitable[T]]) -> T:
        """Await ``run()``, retrying transient database errors for ``retry_window_s``."""
        started = time.monotonic()
        delay = RETRY_BASE_DELAY_S
        attempt = 1
        while True:
            try:
                return await run()
            except sa.exc.DBAPIError as error:
                if not is_transient_error(error):
                    raise
                if time.monotonic() - started + delay > self.retry_window_s:
                    logger.error(
                        "tracker store %s failed for %.1f s (%s); giving up on this message",
                        operation,
                        time.monotonic() - started,
                        type(error.orig).__name__ if error.orig is not None else "error",
                    )
                    raise DatabaseUnavailableError(
                        f"the conversation database is unavailable ({operation})"
                    ) from error
                logger.warning(
                    "tracker store %s failed (%s); retrying in %.2f s (attempt %d)",
                    operation,
                    type(error.orig).__name__ if error.orig is not None else type(error).__name__,
                    delay,
                    attempt + 1,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_DELAY_S)
                attempt += 1

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """Load the latest session's state and its last ``window_turns`` user turns.

        A tracker this process saved last for ``sender_id`` is returned instead when the
        database's last event for the sender is still the one it saved.
        """
        kept = self._kept.pop(sender_id, None)

        async def load() -> WindowedTracker | list[dict]:
            if kept is not None:
                with self.engine.connect() as connection:
                    if self._last_event(connection, sender_id) == kept[0]:
                        return kept[1]
            with self.session_scope() as session:
                return self._window_events(session, sender_id)

        loaded = await self._retrying("retrieve", load)
        if isinstance(loaded, WindowedTracker):
            return loaded
        if not loaded:
            return None
        tracker = WindowedTracker.from_dict(sender_id, loaded, self.domain.slots)
        assert isinstance(tracker, WindowedTracker)
        tracker.stored_event_count = len(tracker.events)
        return tracker

    def _last_event(self, connection: sa.engine.Connection, sender_id: str) -> EventMarker:
        """The id and timestamp of the sender's last stored event."""
        table = self.SQLEvent.__table__
        row = connection.execute(
            sa.select(table.c.id, table.c.timestamp)
            .where(table.c.sender_id == sender_id)
            .order_by(table.c.id.desc())
            .limit(1)
        ).first()
        return None if row is None else (int(row[0]), float(row[1]))

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

    def _unsaved_events(self, tracker: DialogueStateTracker) -> list[Event]:
        """The events of ``tracker`` that are not stored yet."""
        stored = getattr(tracker, "stored_event_count", None)
        if stored is None:
            # A tracker that did not come from ``retrieve`` (new, or a full history): Rasa's
            # count of the session's stored events says where its new events begin.
            with self.session_scope() as session:
                return list(self._additional_events(session, tracker))
        return list(tracker.events)[stored:]

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events to the database (one transaction, retried).

        The events are inserted in one statement, with the columns and JSON that Rasa's
        ``SQLTrackerStore.save`` writes. A tracker that came from :meth:`retrieve` is then
        kept for the conversation's next message, unless this turn restarted the
        conversation or started a session, or the tracker grew past twice the window.
        """
        self._kept.pop(tracker.sender_id, None)
        await self.stream_events(tracker)
        new_events: list[Event] = []

        async def insert() -> EventMarker:
            new_events[:] = self._unsaved_events(tracker)
            return self._insert(tracker.sender_id, new_events)

        marker = await self._retrying("save", insert)
        if not isinstance(tracker, WindowedTracker):
            return
        tracker.stored_event_count = len(tracker.events)
        if self._keepable(tracker, new_events):
            self._kept[tracker.sender_id] = (marker, tracker)
            while len(self._kept) > self.cache_size:
                self._kept.popitem(last=False)

    def _insert(self, sender_id: str, events: list[Event]) -> EventMarker:
        """Insert ``events`` in one transaction; return the sender's last event after it."""
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append(
                {
                    "sender_id": sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        with self.engine.begin() as connection:
            if rows:
                connection.execute(self.SQLEvent.__table__.insert(), rows)
            return self._last_event(connection, sender_id)

    def _keepable(self, tracker: WindowedTracker, new_events: list[Event]) -> bool:
        if self.cache_size == 0:
            return False
        if any(isinstance(event, (Restarted, SessionStarted)) for event in new_events):
            return False
        user_turns = sum(isinstance(event, UserUttered) for event in tracker.events)
        return user_turns <= 2 * self.window_turns
