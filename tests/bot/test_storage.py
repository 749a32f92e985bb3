"""Storage tests: every test runs on SQLite (a temporary file) and on a real PostgreSQL."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.profile.model import Profile, WalkLog
from bot.settings import PROJECT_ROOT
from bot.storage import DeletionReport, Storage, database_url


@pytest.fixture
def storage(db_url: str) -> Iterator[Storage]:
    store = Storage(db_url, retry_base_delay_s=0.01)
    store.create_schema()
    yield store
    store.close()


def rasa_events_table(metadata: sa.MetaData) -> sa.Table:
    """A table shaped like Rasa 3.6 SQLTrackerStore's ``events``."""
    return sa.Table(
        "events",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("type_name", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float),
        sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)),
        sa.Column("data", sa.Text),
    )


def count_rows(store: Storage, table: str, column: str, value: str) -> int:
    with store.engine.connect() as connection:
        return int(
            connection.execute(
                sa.text(f"SELECT COUNT(*) FROM {table} WHERE {column} = :v"), {"v": value}
            ).scalar_one()
        )


# -- profiles -------------------------------------------------------------------------


def test_profile_round_trip_and_update(storage: Storage) -> None:
    assert storage.get_profile("alice") is None
    profile = Profile(
        experience="some",
        age=67,
        conditions=("knee_oa", "uses a cane sometimes"),
        location="indoor_support",
        goal="balance",
        minutes_per_session=15,
        days_per_week=4,
        weight_kg=71.5,
        regularly_active=True,
        clinician_cleared=True,
    )
    storage.save_profile("alice", profile)
    assert storage.get_profile("alice") == profile

    updated = replace(profile, minutes_per_session=25, conditions=(), weight_kg=None)
    storage.save_profile("alice", updated)
    assert storage.get_profile("alice") == updated
    assert count_rows(storage, "profiles", "user_id", "alice") == 1
    assert storage.get_profile("bob") is None


def test_save_profile_rejects_non_profile(storage: Storage) -> None:
    with pytest.raises(TypeError):
        storage.save_profile("alice", {"age": 30})  # type: ignore[arg-type]


# -- plans ----------------------------------------------------------------------------


def test_plan_activation_and_deactivation(storage: Storage) -> None:
    assert storage.active_plan("alice") is None
    first = {"weeks": [{"week": 1, "minutes": 5}], "title": "Start gently"}
    second = {"weeks": [{"week": 1, "minutes": 8}, {"week": 2, "minutes": 10}], "note": "ünï"}

    first_id = storage.save_plan("alice", first)
    assert storage.active_plan("alice") == first
    bob_id = storage.save_plan("bob", {"weeks": []})

    second_id = storage.save_plan("alice", second)
    assert second_id not in (first_id, bob_id)
    assert storage.active_plan("alice") == second
    with storage.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, active FROM plans WHERE user_id = 'alice' ORDER BY id")
        ).all()
    assert [(row.id, bool(row.active)) for row in rows] == [(first_id, False), (second_id, True)]

    assert storage.deactivate_plan("alice") is True
    assert storage.active_plan("alice") is None
    assert storage.deactivate_plan("alice") is False
    assert storage.active_plan("bob") == {"weeks": []}


def test_save_plan_rejects_bad_plans(storage: Storage) -> None:
    with pytest.raises(TypeError):
        storage.save_plan("alice", ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        storage.save_plan("alice", {"when": object()})
    with pytest.raises(ValueError):
        storage.save_plan("alice", {"minutes": float("nan")})
    assert storage.active_plan("alice") is None


# -- walk logs ------------------------------------------------------------------------


def test_walk_logs_chronological_with_all_fields(storage: Storage) -> None:
    logs = [
        WalkLog(
            day="2024-03-06",
            backward_minutes=12.25,
            feel="hard",
            rpe=15,
            pain=True,
            note="left knee ached, 3/10",
            completed=False,
            plan_week=2,
        ),
        WalkLog(
            day="2024-03-01",
            backward_minutes=5,
            feel="easy",
            rpe=None,
            pain=False,
            note="",
            completed=True,
            plan_week=None,
        ),
        WalkLog(
            day="2024-03-06",
            backward_minutes=0.1,
            feel="ok",
            rpe=6,
            pain=False,
            note="evening, treadmill 1.5 km/h ✓",
            completed=True,
            plan_week=2,
        ),
        WalkLog(
            day="2023-12-31",
            backward_minutes=30.0,
            feel="ok",
            rpe=20,
            pain=False,
            note="new year's eve",
            completed=True,
            plan_week=1,
        ),
    ]
    ids = [storage.log_walk("alice", log) for log in logs]
    assert len(set(ids)) == len(ids)
    storage.log_walk("bob", WalkLog(day="2024-03-02", backward_minutes=7))

    expected = [logs[3], logs[1], logs[0], logs[2]]  # by day, then in the order logged
    assert storage.walk_logs("alice") == expected
    assert storage.walk_logs("nobody") == []
    assert isinstance(storage.walk_logs("alice")[1].backward_minutes, float)


@pytest.mark.parametrize(
    "bad",
    [
        {"day": "06/03/2024"},
        {"day": "2024-02-30"},
        {"backward_minutes": -1},
        {"backward_minutes": float("inf")},
        {"feel": "great"},
        {"rpe": 5},
        {"rpe": 21},
        {"plan_week": 0},
        {"note": "a\x00b"},
    ],
)
def test_log_walk_rejects_invalid_fields(storage: Storage, bad: dict[str, Any]) -> None:
    log = replace(WalkLog(day="2024-03-01", backward_minutes=10), **bad)
    with pytest.raises(ValueError):
        storage.log_walk("alice", log)
    assert storage.walk_logs("alice") == []


def test_update_walk_changes_only_how_it_felt(storage: Storage) -> None:
    walk_id = storage.log_walk("alice", WalkLog(day="2024-03-01", backward_minutes=10))
    storage.log_walk("bob", WalkLog(day="2024-03-01", backward_minutes=7))
    felt = WalkLog(day="2030-01-01", backward_minutes=99, feel="hard", rpe=15, pain=True, note="x")
    assert storage.update_walk("alice", walk_id, felt)
    [walk] = storage.walk_logs("alice")
    assert (walk.day, walk.backward_minutes) == ("2024-03-01", 10)
    assert (walk.feel, walk.rpe, walk.pain, walk.note) == ("hard", 15, True, "x")
    assert not storage.update_walk("bob", walk_id, felt)  # not bob's walk
    assert storage.walk_logs("bob")[0].feel == "ok"
    with pytest.raises(ValueError):
        storage.update_walk("alice", walk_id, replace(felt, feel="fine"))


notes = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=80
)
walks = st.builds(
    WalkLog,
    day=st.dates().map(lambda d: d.isoformat()),
    backward_minutes=st.floats(min_value=0, max_value=600, allow_nan=False),
    feel=st.sampled_from(["easy", "ok", "hard"]),
    rpe=st.none() | st.integers(6, 20),
    pain=st.booleans(),
    note=notes,
    completed=st.booleans(),
    plan_week=st.none() | st.integers(1, 52),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(log=walks, user_id=notes.filter(lambda s: s.strip() != ""))
def test_walk_log_round_trips_any_valid_values(
    storage: Storage, log: WalkLog, user_id: str
) -> None:
    user_id = f"{user_id[:200]}-{uuid.uuid4().hex[:8]}"  # a fresh user for each example
    storage.log_walk(user_id, log)
    assert storage.walk_logs(user_id) == [log]


# -- deletion -------------------------------------------------------------------------


def fill_user(store: Storage, user_id: str, events: sa.Table | None) -> None:
    store.save_profile(user_id, Profile(age=40))
    store.save_plan(user_id, {"v": 1})
    store.save_plan(user_id, {"v": 2})
    for day in ("2024-01-01", "2024-01-03", "2024-01-05"):
        store.log_walk(user_id, WalkLog(day=day, backward_minutes=10, pain=True, note="hip"))
    if events is not None:
        with store.engine.begin() as connection:
            for n, type_name in enumerate(("session_started", "user", "bot", "slot")):
                connection.execute(
                    sa.insert(events).values(
                        sender_id=user_id,
                        type_name=type_name,
                        timestamp=1_700_000_000.0 + n,
                        intent_name="log_walk" if type_name == "user" else None,
                        action_name=None,
                        data='{"text": "my hip hurts"}',
                    )
                )


def test_delete_user_removes_everything_of_that_user_only(storage: Storage) -> None:
    events = rasa_events_table(sa.MetaData())
    events.create(storage.engine)
    fill_user(storage, "alice", events)
    fill_user(storage, "bob", events)

    report = storage.delete_user("alice")

    assert report == DeletionReport(profiles=1, plans=2, walk_logs=3, events=4)
    assert report.total == 10
    assert storage.get_profile("alice") is None
    assert storage.active_plan("alice") is None
    assert storage.walk_logs("alice") == []
    for table in ("profiles", "plans", "walk_logs"):
        assert count_rows(storage, table, "user_id", "alice") == 0
    assert count_rows(storage, "events", "sender_id", "alice") == 0

    assert storage.get_profile("bob") == Profile(age=40)
    assert storage.active_plan("bob") == {"v": 2}
    assert len(storage.walk_logs("bob")) == 3
    assert count_rows(storage, "plans", "user_id", "bob") == 2
    assert count_rows(storage, "events", "sender_id", "bob") == 4

    assert storage.delete_user("alice") == DeletionReport(0, 0, 0, 0)


def test_delete_user_without_events_table(storage: Storage) -> None:
    fill_user(storage, "alice", None)
    assert storage.delete_user("alice") == DeletionReport(
        profiles=1, plans=2, walk_logs=3, events=0
    )


def test_delete_user_is_one_transaction(storage: Storage) -> None:
    events = rasa_events_table(sa.MetaData())
    events.create(storage.engine)
    fill_user(storage, "alice", events)

    def fail_on_events(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM EVENTS"):
            raise RuntimeError("simulated crash half-way through the deletion")

    sa.event.listen(storage.engine, "before_cursor_execute", fail_on_events)
    try:
        with pytest.raises(RuntimeError):
            storage.delete_user("alice")
    finally:
        sa.event.remove(storage.engine, "before_cursor_execute", fail_on_events)

    assert storage.get_profile("alice") == Profile(age=40)
    assert len(storage.walk_logs("alice")) == 3
    assert count_rows(storage, "plans", "user_id", "alice") == 2
    assert count_rows(storage, "events", "sender_id", "alice") == 4


# -- restarts, concurrency, transient errors ------------------------------------------


def test_data_survives_a_new_storage_instance(db_url: str) -> None:
    first = Storage(db_url)
    first.create_schema()
    first.save_profile("alice", Profile(goal="rehab"))
    first.save_plan("alice", {"weeks": 6})
    first.log_walk("alice", WalkLog(day="2024-05-01", backward_minutes=9.5, note="ok"))
    first.close()

    second = Storage(db_url)
    second.create_schema()  # idempotent: existing data is kept
    assert second.get_profile("alice") == Profile(goal="rehab")
    assert second.active_plan("alice") == {"weeks": 6}
    assert second.walk_logs("alice") == [WalkLog(day="2024-05-01", backward_minutes=9.5, note="ok")]
    second.close()


def test_create_schema_from_several_processes_at_once(db_url: str) -> None:
    stores = [Storage(db_url) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def start(store: Storage) -> None:
        try:
            barrier.wait()
            store.create_schema()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    stores[0].log_walk("alice", WalkLog(day="2024-01-01", backward_minutes=1))
    assert len(stores[3].walk_logs("alice")) == 1
    for store in stores:
        store.close()


def test_concurrent_writers_lose_no_log_entries(db_url: str) -> None:
    stores = [Storage(db_url), Storage(db_url)]
    stores[0].create_schema()
    threads_per_store, walks_per_thread = 2, 20
    barrier = threading.Barrier(len(stores) * threads_per_store)
    errors: list[BaseException] = []

    def writer(store: Storage, name: str) -> None:
        try:
            barrier.wait()
            for n in range(walks_per_thread):
                store.log_walk("alice", WalkLog(day="2024-06-01", backward_minutes=n, note=name))
                store.log_walk(f"user-{name}", WalkLog(day="2024-06-02", backward_minutes=1))
                if n % 5 == 0:
                    store.save_plan("alice", {"by": name, "n": n})
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=writer, args=(store, f"s{i}t{j}"))
        for i, store in enumerate(stores)
        for j in range(threads_per_store)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []

    reader = Storage(db_url)  # a third process reading afterwards
    logs = reader.walk_logs("alice")
    reader.close()
    assert len(logs) == len(threads) * walks_per_thread
    for thread_name in (f"s{i}t{j}" for i in range(2) for j in range(threads_per_store)):
        mine = sorted(log.backward_minutes for log in logs if log.note == thread_name)
        assert mine == [float(n) for n in range(walks_per_thread)]
        assert len(stores[1].walk_logs(f"user-{thread_name}")) == walks_per_thread
    with stores[0].engine.connect() as connection:
        active = connection.execute(
            sa.text("SELECT COUNT(*) FROM plans WHERE user_id = 'alice' AND active")
        ).scalar_one()
    assert active == 1
    for store in stores:
        store.close()


def fail_inserts_into_walk_logs(
    store: Storage, monkeypatch: pytest.MonkeyPatch, times: int | None
) -> list[str]:
    """Make the driver raise its OperationalError on the next ``times`` walk inserts."""
    dialect = store.engine.dialect
    original = dialect.do_execute
    failed: list[str] = []

    def do_execute(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO WALK_LOGS") and (
            times is None or len(failed) < times
        ):
            failed.append(statement)
            raise dialect.dbapi.OperationalError("simulated: server briefly unavailable")
        original(cursor, statement, parameters, context)

    monkeypatch.setattr(dialect, "do_execute", do_execute)
    return failed


def test_transient_error_is_retried(
    storage: Storage, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    failed = fail_inserts_into_walk_logs(storage, monkeypatch, times=2)
    with caplog.at_level(logging.DEBUG, logger="bot.storage"):
        storage.log_walk("alice", WalkLog(day="2024-01-01", backward_minutes=4, note="sore"))
    assert len(failed) == 2
    assert storage.walk_logs("alice") == [
        WalkLog(day="2024-01-01", backward_minutes=4, note="sore")
    ]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert all("OperationalError" in r.getMessage() for r in warnings)
    text = caplog.text
    assert "sore" not in text and "alice" not in text and "simulated" not in text


def test_persistent_error_is_raised_after_three_attempts(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = fail_inserts_into_walk_logs(storage, monkeypatch, times=None)
    with pytest.raises(sa.exc.OperationalError) as raised:
        storage.log_walk("alice", WalkLog(day="2024-01-01", backward_minutes=4, note="knee"))
    assert len(failed) == 3
    assert "knee" not in str(raised.value)  # parameters are hidden from error messages
    monkeypatch.undo()
    assert storage.walk_logs("alice") == []


# -- user ids -------------------------------------------------------------------------


BAD_USER_IDS = ["", "   ", "x" * 256, None, 42, "a\x00b", "\udc80"]


@pytest.mark.parametrize("user_id", BAD_USER_IDS, ids=repr)
def test_invalid_user_ids_raise_value_error(storage: Storage, user_id: Any) -> None:
    walk = WalkLog(day="2024-01-01", backward_minutes=1)
    calls = [
        lambda: storage.get_profile(user_id),
        lambda: storage.save_profile(user_id, Profile()),
        lambda: storage.save_plan(user_id, {}),
        lambda: storage.active_plan(user_id),
        lambda: storage.deactivate_plan(user_id),
        lambda: storage.log_walk(user_id, walk),
        lambda: storage.walk_logs(user_id),
        lambda: storage.delete_user(user_id),
    ]
    for call in calls:
        with pytest.raises(ValueError):
            call()


def test_longest_and_unicode_user_ids_work(storage: Storage) -> None:
    for user_id in ("x" * 255, "whatsapp:+15550001111", "ユーザー 🙂", "o'brien; DROP TABLE"):
        storage.save_profile(user_id, Profile(age=30))
        assert storage.get_profile(user_id) == Profile(age=30)
        assert storage.delete_user(user_id).profiles == 1


# -- SQLite specifics (the file is shared with the Rasa server) -----------------------


def test_sqlite_uses_wal_and_waits_for_a_busy_writer(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    store = Storage(f"sqlite:///{path}")
    store.create_schema()
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"

    other = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False
    )  # e.g. the Rasa server writing
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.5, other.execute, args=("COMMIT",))
    timer.start()
    began = time.perf_counter()
    store.log_walk("alice", WalkLog(day="2024-01-01", backward_minutes=3))
    waited = time.perf_counter() - began
    timer.join()
    other.close()
    assert waited >= 0.3
    assert len(store.walk_logs("alice")) == 1
    store.close()


def test_sqlite_lock_longer_than_busy_timeout_is_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "shared.db"
    store = Storage(f"sqlite:///{path}", sqlite_busy_timeout_s=0.1, retry_base_delay_s=0.4)
    store.create_schema()
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.3, other.execute, args=("COMMIT",))
    timer.start()
    with caplog.at_level(logging.WARNING, logger="bot.storage"):
        store.log_walk("alice", WalkLog(day="2024-01-01", backward_minutes=3))
    timer.join()
    other.close()
    assert any("OperationalError" in record.getMessage() for record in caplog.records)
    assert len(store.walk_logs("alice")) == 1
    store.close()


def test_from_env_uses_the_variable_and_creates_the_directory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "coach.db"
    store = Storage.from_env({"RETROWALK_DATABASE_URL": f"sqlite:///{path}"})
    store.create_schema()
    assert path.exists()
    assert "coach.db" in repr(store)
    store.close()


def test_from_env_default_is_the_servers_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default is absolute, the servers' (bot.settings), whatever the directory.
    monkeypatch.chdir(tmp_path)
    assert database_url({}) == f"sqlite:///{PROJECT_ROOT.resolve() / 'var' / 'retrowalk.db'}"
    store = Storage.from_env({"RETROWALK_VAR_DIR": str(tmp_path / "run")})
    assert store.engine.url.database == str(tmp_path / "run" / "retrowalk.db")
    assert (tmp_path / "run").is_dir()
    assert not (tmp_path / "var").exists()
    store.close()


def test_repr_hides_the_password() -> None:
    store = Storage("postgresql+psycopg2://coach:s3cret@127.0.0.1:1/db")
    assert "s3cret" not in repr(store)
    store.close()


def test_postgres_server_names_the_package_when_binaries_are_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from operations import postgres_server

    monkeypatch.setattr(postgres_server.glob, "glob", lambda _pattern: [])
    monkeypatch.setattr(postgres_server.shutil, "which", lambda _name: None)
    with pytest.raises(postgres_server.PostgresError, match=r"apt-get install -y postgresql"):
        postgres_server.find_binaries()


# -- retry window (a database that restarts) -------------------------------------------


def test_retry_window_outlasts_the_attempts(
    db_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = Storage(db_url, retry_base_delay_s=0.01, retry_window_s=5.0)
    store.create_schema()
    failed = fail_inserts_into_walk_logs(store, monkeypatch, times=6)
    with caplog.at_level(logging.WARNING, logger="bot.storage"):
        store.log_walk("alice", WalkLog(day="2024-01-01", backward_minutes=4))
    assert len(failed) == 6  # more than the 3 attempts: the window kept it going
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 6
    monkeypatch.undo()
    assert [w.backward_minutes for w in store.walk_logs("alice")] == [4]
    store.close()


def test_retry_window_ends_with_the_error(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Storage(db_url, retry_base_delay_s=0.05, retry_window_s=0.3)
    store.create_schema()
    failed = fail_inserts_into_walk_logs(store, monkeypatch, times=None)
    began = time.monotonic()
    with pytest.raises(sa.exc.OperationalError):
        store.log_walk("alice", WalkLog(day="2024-01-01", backward_minutes=4))
    assert time.monotonic() - began < 1.5
    assert 3 <= len(failed) <= 6
    store.close()


def test_retry_window_must_be_a_duration() -> None:
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="retry_window_s"):
            Storage("sqlite://", retry_window_s=bad)


def test_from_env_reads_the_retry_window(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    assert Storage.from_env({"RETROWALK_DATABASE_URL": url})._retry_window_s == 10.0
    store = Storage.from_env({"RETROWALK_DATABASE_URL": url, "RETROWALK_DB_RETRY_WINDOW_S": "2.5"})
    assert store._retry_window_s == 2.5
    for bad in ("soon", "-1", "nan"):
        with pytest.raises(ValueError, match="RETROWALK_DB_RETRY_WINDOW_S"):
            Storage.from_env({"RETROWALK_DATABASE_URL": url, "RETROWALK_DB_RETRY_WINDOW_S": bad})
