"""Storage of users' profiles, plans and walk logs in the coach's SQL database.

Plain SQLAlchemy 1.4 Core with the 2.0-style API (``future=True``); no Rasa import. The
tables live in the same database as Rasa's conversation store (table ``events``, see
``bot/rasa_adapters/tracker_store.py``), so :meth:`Storage.delete_user` can erase a user's
whole footprint in one transaction. A user's id is their Rasa ``sender_id``.

Tables:
    ``profiles``: ``user_id`` (primary key), ``data`` (the profile as JSON text), ``updated_at``.
    ``plans``: ``id``, ``user_id`` (indexed), ``created_at``, ``active``, ``data`` (the plan's
    JSON text). A partial unique index allows at most one active plan per user.
    ``walk_logs``: ``id``, ``user_id`` (indexed), ``day``, ``backward_minutes``, ``feel``,
    ``rpe``, ``pain``, ``note``, ``completed``, ``plan_week``, ``created_at``.

Robustness:
    * SQLite: every connection sets a busy timeout (:data:`SQLITE_BUSY_TIMEOUT_S`) and WAL
      journal mode (a property of the file, so Rasa's own connections to it use WAL too),
      and write transactions start with ``BEGIN IMMEDIATE`` so they queue on the busy
      timeout instead of failing when the action server and the Rasa server write at once.
    * Every operation is retried on transient errors (``OperationalError``, or a dropped
      connection): :data:`RETRY_ATTEMPTS` attempts in all, sleeping
      :data:`RETRY_BASE_DELAY_S`, then twice that, between them. With a retry window
      (``retry_window_s``; :meth:`Storage.from_env` reads ``RETROWALK_DB_RETRY_WINDOW_S``,
      default :data:`DEFAULT_RETRY_WINDOW_S`) transient errors are retried beyond those
      attempts until the window has passed, the sleeps doubling up to
      :data:`RETRY_MAX_DELAY_S`: a database that restarts within the window costs the
      caller time, not data. Profile saves are
      an atomic upsert and plan switches take a per-user lock (PostgreSQL advisory lock,
      SQLite write lock), so concurrent writers do not collide; on other databases these
      two are also retried on ``IntegrityError``. If a commit succeeded but its
      acknowledgement was lost, a retried :meth:`Storage.log_walk` can store the walk
      twice: the coach prefers a duplicate to a lost entry.
    * Parameters are hidden from SQLAlchemy's error messages (``hide_parameters``), and
      this module logs neither user ids, message text nor health data; retries are logged
      at WARNING with the error's class name only.

One concept (hence over 400 lines): the coach's SQL storage of profiles, plans and walk logs.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from bot.env import env_float, env_text
from bot.profile.model import Profile, WalkLog
from bot.settings import default_database_url, default_var_dir

logger = logging.getLogger(__name__)

# Same variable and default as the conversation store (bot/rasa_adapters/tracker_store.py)
# and the servers (bot/settings.py): ``default_database_url``.
DATABASE_URL_ENV = "RETROWALK_DATABASE_URL"

MAX_USER_ID_LENGTH = 255
RETRY_ATTEMPTS = 3
RETRY_BASE_DELAY_S = 0.2
RETRY_MAX_DELAY_S = 1.0
RETRY_WINDOW_ENV = "RETROWALK_DB_RETRY_WINDOW_S"
DEFAULT_RETRY_WINDOW_S = 10.0
SQLITE_BUSY_TIMEOUT_S = 10.0
EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore table; its user column is ``sender_id``.
FEELS = ("easy", "ok", "hard")
RPE_RANGE = (6, 20)  # Borg scale

_WRITE_OPTION = "retrowalk_write"
_SCHEMA_LOCK_KEY = 0x52574B31  # PostgreSQL advisory lock that serialises create_schema
_PLAN_LOCK_SPACE = 0x52574B32  # PostgreSQL advisory locks (with the user's hash) for plan switches

T = TypeVar("T")

metadata = sa.MetaData()

profiles = sa.Table(
    "profiles",
    metadata,
    sa.Column("user_id", sa.String(MAX_USER_ID_LENGTH), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(MAX_USER_ID_LENGTH), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)
sa.Index(
    "ux_plans_one_active_per_user",
    plans.c.user_id,
    unique=True,
    sqlite_where=plans.c.active,
    postgresql_where=plans.c.active,
)

walk_logs = sa.Table(
    "walk_logs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(MAX_USER_ID_LENGTH), nullable=False, index=True),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("backward_minutes", sa.Float, nullable=False),
    sa.Column("feel", sa.String(16), nullable=False),
    sa.Column("rpe", sa.Integer, nullable=True),
    sa.Column("pain", sa.Boolean, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("completed", sa.Boolean, nullable=False),
    sa.Column("plan_week", sa.Integer, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class DeletionReport:
    """How many rows :meth:`Storage.delete_user` removed, per table.

    Attributes:
        profiles: Rows removed from ``profiles`` (0 or 1).
        plans: Rows removed from ``plans``.
        walk_logs: Rows removed from ``walk_logs``.
        events: Conversation events removed from Rasa's ``events`` table (0 if it is absent).
    """

    profiles: int
    plans: int
    walk_logs: int
    events: int

    @property
    def total(self) -> int:
        """All rows removed."""
        return self.profiles + self.plans + self.walk_logs + self.events


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """Return ``$RETROWALK_DATABASE_URL``, else the default SQLite file URL.

    The default is the servers' (:func:`bot.settings.default_database_url`):
    ``sqlite:///<var_dir>/retrowalk.db``, absolute, ``var_dir`` from ``$RETROWALK_VAR_DIR``
    or ``<project root>/var``, whatever the working directory.

    Args:
        environ: Environment to read (default ``os.environ``).

    Returns:
        An SQLAlchemy database URL.
    """
    return env_text(DATABASE_URL_ENV, environ=environ) or default_database_url(
        default_var_dir(environ)
    )


def ensure_sqlite_parent_dir(url: str) -> None:
    """Create the directory of an SQLite database file; do nothing for other URLs.

    Args:
        url: An SQLAlchemy database URL.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def check_user_id(user_id: object) -> str:
    """Validate a user id (a Rasa ``sender_id``).

    Args:
        user_id: The value to check.

    Returns:
        The user id, unchanged.

    Raises:
        ValueError: If it is not a non-blank string of at most 255 characters that
            encodes as UTF-8 and contains no NUL character.
    """
    if not isinstance(user_id, str) or not user_id.strip():
        raise ValueError("user_id must be a non-empty string")
    if len(user_id) > MAX_USER_ID_LENGTH:
        raise ValueError(f"user_id must be at most {MAX_USER_ID_LENGTH} characters")
    if "\x00" in user_id:
        raise ValueError("user_id must not contain NUL characters")
    try:
        user_id.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("user_id must be valid Unicode text") from None
    return user_id


def _walk_row(user_id: str, log: WalkLog) -> dict[str, Any]:
    """Validate a walk log and return its ``walk_logs`` column values."""
    if not isinstance(log, WalkLog):
        raise TypeError("log must be a WalkLog")
    try:
        day = date.fromisoformat(log.day)
    except (TypeError, ValueError):
        raise ValueError("WalkLog.day must be an ISO date (YYYY-MM-DD)") from None
    minutes = log.backward_minutes
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)):
        raise ValueError("WalkLog.backward_minutes must be a number")
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError("WalkLog.backward_minutes must be finite and not negative")
    if log.feel not in FEELS:
        raise ValueError(f"WalkLog.feel must be one of {', '.join(FEELS)}")
    if log.rpe is not None and (
        isinstance(log.rpe, bool)
        or not isinstance(log.rpe, int)
        or not RPE_RANGE[0] <= log.rpe <= RPE_RANGE[1]
    ):
        raise ValueError(f"WalkLog.rpe must be None or an integer {RPE_RANGE[0]}-{RPE_RANGE[1]}")
    if not isinstance(log.note, str) or "\x00" in log.note:
        raise ValueError("WalkLog.note must be a string without NUL characters")
    if log.plan_week is not None and (
        isinstance(log.plan_week, bool) or not isinstance(log.plan_week, int) or log.plan_week < 1
    ):
        raise ValueError("WalkLog.plan_week must be None or a positive integer")
    return {
        "user_id": user_id,
        "day": day,
        "backward_minutes": float(minutes),
        "feel": log.feel,
        "rpe": log.rpe,
        "pain": bool(log.pain),
        "note": log.note,
        "completed": bool(log.completed),
        "plan_week": log.plan_week,
        "created_at": _now(),
    }


def _walk_from_row(row: Any) -> WalkLog:
    return WalkLog(
        day=row.day.isoformat(),
        backward_minutes=float(row.backward_minutes),
        feel=row.feel,
        rpe=row.rpe,
        pain=bool(row.pain),
        note=row.note,
        completed=bool(row.completed),
        plan_week=row.plan_week,
    )


def _now() -> datetime:
    return datetime.now(timezone.utc)


def is_transient_error(error: Exception) -> bool:
    """Whether a database error may go away if the operation is tried again."""
    if isinstance(error, sa.exc.OperationalError):
        return True
    return isinstance(error, sa.exc.DBAPIError) and bool(error.connection_invalidated)


def _configure_sqlite(engine: Engine, busy_timeout_s: float) -> None:
    """Busy timeout, WAL, and explicit BEGIN (IMMEDIATE for writes) on every connection.

    pysqlite's own transaction handling is switched off so that SQLAlchemy's ``begin``
    emits the BEGIN itself: DDL then runs inside the transaction (``create_schema`` is
    atomic) and writers take the write lock up front, waiting on the busy timeout.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Storage:
    """Profiles, plans and walk logs of the coach's users.

    Thread-safe: each operation runs in its own short transaction on a pooled connection.
    Call :meth:`create_schema` once at start-up before anything else.

    Args:
        url: SQLAlchemy database URL, e.g. ``sqlite:///var/retrowalk.db`` or
            ``postgresql+psycopg2://user:password@host/dbname``.
        retry_attempts: Attempts per operation on transient errors (at least 1).
        retry_base_delay_s: Sleep before the second attempt; doubled for each further one
            (at most :data:`RETRY_MAX_DELAY_S`).
        sqlite_busy_timeout_s: How long an SQLite connection waits for a lock.
        retry_window_s: Keep retrying transient errors beyond ``retry_attempts`` until this
            many seconds have passed since the first attempt (0: attempts only).
    """

    def __init__(
        self,
        url: str,
        *,
        retry_attempts: int = RETRY_ATTEMPTS,
        retry_base_delay_s: float = RETRY_BASE_DELAY_S,
        sqlite_busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S,
        retry_window_s: float = 0.0,
    ) -> None:
        if retry_attempts < 1:
            raise ValueError("retry_attempts must be at least 1")
        if not math.isfinite(retry_window_s) or retry_window_s < 0:
            raise ValueError("retry_window_s must be a finite number of seconds, at least 0")
        self._retry_attempts = retry_attempts
        self._retry_window_s = retry_window_s
        self._retry_base_delay_s = retry_base_delay_s
        parsed = sa.engine.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            self.engine: Engine = sa.create_engine(
                parsed,
                future=True,
                hide_parameters=True,
                connect_args={"timeout": sqlite_busy_timeout_s, "check_same_thread": False},
            )
            _configure_sqlite(self.engine, sqlite_busy_timeout_s)
        else:
            self.engine = sa.create_engine(
                parsed, future=True, hide_parameters=True, pool_pre_ping=True
            )
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Storage:
        """Storage on ``$RETROWALK_DATABASE_URL`` (default: :func:`database_url`).

        The directory of an SQLite file is created if missing. The default path is
        absolute (``<project root>/var/retrowalk.db``), like the servers'. Transient errors
        are retried for ``$RETROWALK_DB_RETRY_WINDOW_S`` seconds (default
        :data:`DEFAULT_RETRY_WINDOW_S`).

        Args:
            environ: Environment to read (default ``os.environ``).

        Returns:
            A new :class:`Storage`; call :meth:`create_schema` before use.

        Raises:
            ValueError: If ``RETROWALK_DB_RETRY_WINDOW_S`` is not a number of seconds >= 0.
        """
        url = database_url(environ)
        ensure_sqlite_parent_dir(url)
        window = env_float(RETRY_WINDOW_ENV, DEFAULT_RETRY_WINDOW_S, environ=environ)
        return cls(url, retry_window_s=window)

    def __repr__(self) -> str:
        """The class and the database URL without its password."""
        return f"Storage({self.engine.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        """Close the pooled connections (the object stays usable; new ones are opened)."""
        self.engine.dispose()

    # -- plumbing ---------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success."""
        with self._write_engine.begin() as connection:
            yield connection

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def _retry(self, operation: str, run: Callable[[], T], *, on_conflict: bool = False) -> T:
        """Run ``run``, retrying transient errors (and integrity conflicts if asked)."""
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                return run()
            except sa.exc.DBAPIError as error:
                transient = is_transient_error(error)
                retryable = transient or (on_conflict and isinstance(error, sa.exc.IntegrityError))
                delay = min(self._retry_base_delay_s * 2 ** (attempt - 1), RETRY_MAX_DELAY_S)
                in_window = transient and (
                    time.monotonic() - started + delay <= self._retry_window_s
                )
                if not retryable or (attempt >= self._retry_attempts and not in_window):
                    raise
                logger.warning(
                    "storage %s failed (%s); retrying in %.2f s (attempt %d)",
                    operation,
                    type(error.orig).__name__ if error.orig is not None else type(error).__name__,
                    delay,
                    attempt + 1,
                )
                time.sleep(delay)

    @staticmethod
    def _lock_user_plans(connection: Connection, user_id: str) -> None:
        """Serialise plan switches of one user (PostgreSQL; SQLite's write lock already does)."""
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:space, hashtext(:user_id))"),
                {"space": _PLAN_LOCK_SPACE, "user_id": user_id},
            )

    # -- schema ------------------------------------------------------------------------

    def create_schema(self) -> None:
        """Create the tables and indexes that are missing; existing ones are kept.

        Safe when several processes start at once: on PostgreSQL an advisory lock
        serialises the check-and-create inside one transaction; on SQLite the
        ``BEGIN IMMEDIATE`` write lock does.
        """

        def create() -> None:
            with self._write() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY}
                    )
                metadata.create_all(connection, checkfirst=True)

        # Other databases may race on CREATE; the retry then finds the tables present.
        self._retry("create_schema", create, on_conflict=True)

    # -- profiles ----------------------------------------------------------------------

    def get_profile(self, user_id: str) -> Profile | None:
        """The user's profile, or None if none was saved.

        Raises:
            ValueError: If ``user_id`` is invalid.
        """
        uid = check_user_id(user_id)

        def read() -> Profile | None:
            with self._read() as connection:
                data = connection.execute(
                    sa.select(profiles.c.data).where(profiles.c.user_id == uid)
                ).scalar_one_or_none()
            return None if data is None else Profile.from_dict(json.loads(data))

        return self._retry("get_profile", read)

    def save_profile(self, user_id: str, profile: Profile) -> None:
        """Insert or replace the user's profile.

        Raises:
            ValueError: If ``user_id`` is invalid.
            TypeError: If ``profile`` is not a :class:`Profile`.
        """
        uid = check_user_id(user_id)
        if not isinstance(profile, Profile):
            raise TypeError("profile must be a Profile")
        data = json.dumps(profile.to_dict(), sort_keys=True, allow_nan=False)

        def write() -> None:
            values = {"user_id": uid, "data": data, "updated_at": _now()}
            with self._write() as connection:
                dialect = connection.dialect.name
                if dialect in ("postgresql", "sqlite"):  # atomic upsert
                    upsert: Any = (postgresql if dialect == "postgresql" else sqlite).insert
                    connection.execute(
                        upsert(profiles)
                        .values(**values)
                        .on_conflict_do_update(
                            index_elements=[profiles.c.user_id],
                            set_={"data": data, "updated_at": values["updated_at"]},
                        )
                    )
                    return
                updated = connection.execute(
                    sa.update(profiles)
                    .where(profiles.c.user_id == uid)
                    .values(data=data, updated_at=values["updated_at"])
                )
                if updated.rowcount == 0:
                    connection.execute(sa.insert(profiles).values(**values))

        # The generic update-then-insert can collide with a concurrent first save: retry.
        self._retry("save_profile", write, on_conflict=True)

    # -- plans -------------------------------------------------------------------------

    def save_plan(self, user_id: str, plan: dict[str, Any]) -> int:
        """Store a new plan as the user's active one; the previous active plan is deactivated.

        Args:
            user_id: The user.
            plan: A JSON-ready dict (``Plan.to_dict()``); stored as JSON text.

        Returns:
            The new plan's id.

        Raises:
            ValueError: If ``user_id`` is invalid or ``plan`` holds NaN/infinity.
            TypeError: If ``plan`` is not a dict or is not JSON-serialisable.
        """
        uid = check_user_id(user_id)
        if not isinstance(plan, dict):
            raise TypeError("plan must be a dict")
        data = json.dumps(plan, sort_keys=True, allow_nan=False)

        def write() -> int:
            with self._write() as connection:
                self._lock_user_plans(connection, uid)
                connection.execute(
                    sa.update(plans)
                    .where(plans.c.user_id == uid, plans.c.active.is_(sa.true()))
                    .values(active=False)
                )
                result = connection.execute(
                    sa.insert(plans).values(user_id=uid, created_at=_now(), active=True, data=data)
                )
                return int(result.inserted_primary_key[0])

        # Elsewhere than SQLite/PostgreSQL two concurrent switches can collide on the
        # one-active-plan index: retry.
        return self._retry("save_plan", write, on_conflict=True)

    def active_plan(self, user_id: str) -> dict[str, Any] | None:
        """The user's active plan as saved, or None.

        Raises:
            ValueError: If ``user_id`` is invalid.
        """
        uid = check_user_id(user_id)

        def read() -> dict[str, Any] | None:
            with self._read() as connection:
                data = connection.execute(
                    sa.select(plans.c.data)
                    .where(plans.c.user_id == uid, plans.c.active.is_(sa.true()))
                    .order_by(plans.c.id.desc())
                    .limit(1)
                ).scalar_one_or_none()
            if data is None:
                return None
            plan: dict[str, Any] = json.loads(data)
            return plan

        return self._retry("active_plan", read)

    def deactivate_plan(self, user_id: str) -> bool:
        """Deactivate the user's active plan (kept for history).

        Returns:
            Whether there was an active plan.

        Raises:
            ValueError: If ``user_id`` is invalid.
        """
        uid = check_user_id(user_id)

        def write() -> bool:
            with self._write() as connection:
                self._lock_user_plans(connection, uid)
                result = connection.execute(
                    sa.update(plans)
                    .where(plans.c.user_id == uid, plans.c.active.is_(sa.true()))
                    .values(active=False)
                )
                return bool(result.rowcount)

        return self._retry("deactivate_plan", write)

    # -- walk logs ---------------------------------------------------------------------

    def log_walk(self, user_id: str, log: WalkLog) -> int:
        """Store one walk.

        Returns:
            The new log entry's id.

        Raises:
            ValueError: If ``user_id`` or a field of ``log`` is invalid (day not an ISO date,
                negative or non-finite minutes, unknown feel, RPE outside 6-20, plan week
                below 1, NUL in the note).
            TypeError: If ``log`` is not a :class:`WalkLog`.
        """
        uid = check_user_id(user_id)
        row = _walk_row(uid, log)

        def write() -> int:
            with self._write() as connection:
                result = connection.execute(sa.insert(walk_logs).values(**row))
                return int(result.inserted_primary_key[0])

        return self._retry("log_walk", write)

    def update_walk(self, user_id: str, walk_id: int, log: WalkLog) -> bool:
        """Replace how a stored walk felt (feel, RPE, pain, note); minutes and day stay.

        Returns:
            False if ``user_id`` has no walk ``walk_id``.

        Raises:
            ValueError: If ``user_id`` or one of those fields is invalid (as ``log_walk``).
        """
        uid = check_user_id(user_id)
        row = _walk_row(uid, log)
        values = {key: row[key] for key in ("feel", "rpe", "pain", "note")}

        def write() -> bool:
            with self._write() as connection:
                result = connection.execute(
                    sa.update(walk_logs)
                    .where(walk_logs.c.id == int(walk_id), walk_logs.c.user_id == uid)
                    .values(**values)
                )
                return bool(result.rowcount)

        return self._retry("update_walk", write)

    def walk_logs(self, user_id: str) -> list[WalkLog]:
        """The user's walks in chronological order (by day, then in the order logged).

        Raises:
            ValueError: If ``user_id`` is invalid.
        """
        uid = check_user_id(user_id)

        def read() -> list[WalkLog]:
            with self._read() as connection:
                rows = connection.execute(
                    sa.select(walk_logs)
                    .where(walk_logs.c.user_id == uid)
                    .order_by(walk_logs.c.day, walk_logs.c.id)
                ).all()
            return [_walk_from_row(row) for row in rows]

        return self._retry("walk_logs", read)

    # -- erasure -----------------------------------------------------------------------

    def delete_user(self, user_id: str) -> DeletionReport:
        """Erase everything stored about a user, in one transaction.

        Removes the user's profile, plans and walk logs, and their conversation history
        (rows of Rasa's ``events`` table whose ``sender_id`` is ``user_id``) if that table
        exists in this database. Either all of it goes or, on error, nothing does.

        Note: when called from inside a Rasa action, Rasa stores the current turn's
        events after the action returns, so those few rows reappear in ``events``.

        Returns:
            The number of rows removed from each table. A retry after a lost commit
            acknowledgement reports zeros although the data is gone.

        Raises:
            ValueError: If ``user_id`` is invalid.
        """
        uid = check_user_id(user_id)
        events = sa.table(EVENTS_TABLE, sa.column("sender_id"))

        def delete() -> DeletionReport:
            with self._write() as connection:
                counts = {
                    table.name: connection.execute(
                        sa.delete(table).where(table.c.user_id == uid)
                    ).rowcount
                    for table in (walk_logs, plans, profiles)
                }
                event_count = 0
                if sa.inspect(connection).has_table(EVENTS_TABLE):
                    event_count = connection.execute(
                        sa.delete(events).where(events.c.sender_id == uid)
                    ).rowcount
            return DeletionReport(
                profiles=counts["profiles"],
                plans=counts["plans"],
                walk_logs=counts["walk_logs"],
                events=event_count,
            )

        report = self._retry("delete_user", delete)
        logger.info(
            "deleted a user's data: %d profile, %d plans, %d walk logs, %d conversation events",
            report.profiles,
            report.plans,
            report.walk_logs,
            report.events,
        )
        return report
