"""Real payloads: what the actions send reads back through :mod:`bot.protocol` as the same JSON,
and what a client sends is read by Rasa's own intent-payload parser and the actions as meant.

The actions run with a real SQLite database and tracker fixtures (no servers); each ``custom``
payload goes through JSON as on the wire, is read by its protocol class and written back.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import store
from actions.calories import ActionCalories
from actions.health import ActionRedFlag
from actions.plan import ActionBuildPlan, ActionTodaysSession
from actions.walks import ActionLogWalk
from bot.profile.model import Profile
from bot.protocol import CALORIES_TYPE, NO_SESSION_TYPE, SAFETY_TYPE, SESSION_TYPE
from bot.protocol.calories import CaloriesPayload
from bot.protocol.intents import session_request
from bot.protocol.no_session import NoSession
from bot.protocol.plan_sessions import starter_session
from bot.protocol.safety import SafetyStop
from bot.protocol.session import SessionPayload
from bot.protocol.walk_log import StructuredWalkLog
from tests.actions.conftest import user_event

PROJECT_ROOT = Path(__file__).resolve().parents[2]
READERS: dict[str, Any] = {
    SESSION_TYPE: SessionPayload,
    NO_SESSION_TYPE: NoSession,
    SAFETY_TYPE: SafetyStop,
    CALORIES_TYPE: CaloriesPayload,
}
PROFILE_SLOTS = {
    "experience": "none",
    "age": 45,
    "conditions": [],
    "location": "treadmill",
    "goal": "fitness",
    "minutes_per_session": 30,
    "days_per_week": 3,
}


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "coach.db"
    monkeypatch.setenv("RETROWALK_DATABASE_URL", f"sqlite:///{path}")
    store.storage.cache_clear()
    yield path
    store.storage.cache_clear()


def tracker(*events: dict[str, Any], slots: dict[str, Any] | None = None) -> Tracker:
    latest = next((e["parse_data"] for e in reversed(events) if e["event"] == "user"), {})
    return Tracker("ann", dict(slots or {}), latest, list(events), False, None, {}, "")


def customs(action: Action, t: Tracker) -> list[dict[str, Any]]:
    """The ``custom`` payloads ``action`` sends, through JSON as on the wire."""
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, t, {}))
    wire = json.dumps([m["custom"] for m in dispatcher.messages if m.get("custom")])
    return list(json.loads(wire))


def payload_event(intent: str, **entities: Any) -> dict[str, Any]:
    text = f"/{intent}" + (json.dumps(entities) if entities else "")
    return user_event(text, intent, [{"entity": k, "value": v} for k, v in entities.items()])


def assert_round_trip(payload: dict[str, Any]) -> Any:
    read = READERS[payload["type"]].from_payload(payload)
    assert json.dumps(read.to_payload()) == json.dumps(payload)
    return read


def test_every_payload_the_actions_send_reads_back_as_the_same_json() -> None:
    sent: list[dict[str, Any]] = []
    # No plan yet: the starter session, the same one a client walks offline.
    starter = customs(ActionTodaysSession(), tracker(payload_event("todays_session")))
    assert starter == [starter_session().to_payload()]
    sent += starter
    asyncio.run(ActionBuildPlan().run(CollectingDispatcher(), tracker(slots=PROFILE_SLOTS), {}))
    for entities in ({}, {"week": 3, "day": 2}, {"week": 8}, {"week": 9}, {"week": 2, "day": 9}):
        sent += customs(ActionTodaysSession(), tracker(payload_event("todays_session", **entities)))
    message = user_event("I think I'm having a heart attack", "red_flag")
    sent += customs(ActionRedFlag(), tracker(message))
    calories = user_event(
        "calories for 20 minutes at 68 kg",
        "ask_calories",
        [{"entity": "duration", "value": 20.0}, {"entity": "weight", "value": 68.0}],
    )
    sent += customs(ActionCalories(), tracker(calories))
    read = [assert_round_trip(payload) for payload in sent]
    assert [type(r).__name__ for r in read] == [
        "SessionPayload",
        "SessionPayload",
        "SessionPayload",
        "SessionPayload",
        "NoSession",
        "NoSession",
        "SafetyStop",
        "CaloriesPayload",
    ]
    sessions = [r for r in read if isinstance(r, SessionPayload)]
    assert [(s.week, s.day, s.starter) for s in sessions] == [
        (1, None, True),
        (1, 1, False),
        (3, 2, False),
        (8, 1, False),
    ]
    assert all(s.treadmill is not None for s in sessions[1:])
    assert [(r.reason, r.plan_weeks, r.sessions) for r in read if isinstance(r, NoSession)] == [
        ("bad_week", 8, None),
        ("bad_day", None, 3),
    ]


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [(("a heart condition",), "needs_clearance"), (("parkinson's",), "supervised_only")],
)
def test_a_refusal_reads_back_and_refuses_the_walk(
    conditions: tuple[str, ...], reason: str
) -> None:
    store.storage().save_profile("ann", Profile(conditions=conditions))
    sent = customs(ActionTodaysSession(), tracker(payload_event("todays_session")))
    assert len(sent) == 1
    refusal = assert_round_trip(sent[0])
    assert refusal.reason == reason and refusal.refuses_walk


@pytest.fixture(scope="module")
def rasa_parse() -> Any:
    """Rasa's own reader of ``/intent{...}`` messages, with the project's domain."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
        from rasa.shared.core.domain import Domain
        from rasa.shared.nlu.training_data.message import Message

        domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    handler = RegexMessageHandler()

    def parse(text: str) -> dict[str, Any]:
        message = handler.process([Message(data={"text": text})], domain)[0]
        return {
            "text": text,
            "intent": message.get("intent"),
            "entities": message.get("entities") or [],
        }

    return parse


def test_what_a_client_sends_is_read_by_rasa_and_the_actions_as_meant(rasa_parse: Any) -> None:
    asyncio.run(ActionBuildPlan().run(CollectingDispatcher(), tracker(slots=PROFILE_SLOTS), {}))
    request = rasa_parse(session_request(week=3, day=2))
    assert request["intent"]["name"] == "todays_session"
    event = {"event": "user", "text": request["text"], "parse_data": request}
    sent = customs(ActionTodaysSession(), tracker(event))
    session = SessionPayload.from_payload(sent[0])
    assert (session.week, session.day) == (3, 2)

    log = StructuredWalkLog(minutes=12.5, completed=False, source="voice")
    parsed = rasa_parse(log.to_message())
    assert parsed["intent"]["name"] == "log_walk"
    values = {e["entity"]: e["value"] for e in parsed["entities"]}
    assert StructuredWalkLog.from_entities(values) == log
    event = {"event": "user", "text": parsed["text"], "parse_data": parsed}
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionLogWalk().run(dispatcher, tracker(event), {}))
    stored = store.storage().walk_logs("ann")
    assert [(w.backward_minutes, w.completed) for w in stored] == [(12.5, False)]
    assert dispatcher.messages[0]["text"] == (
        "Logged 12.5 minutes of backward walking, not the full session."
    )
