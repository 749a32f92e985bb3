"""What clients send: intent messages, the session request and the structured walk log."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from bot.protocol.fields import PayloadError
from bot.protocol.intents import intent_message, session_request
from bot.protocol.walk_log import MAX_LOG_MINUTES, StructuredWalkLog


def test_intent_messages_are_what_the_rest_channel_reads() -> None:
    assert intent_message("todays_session") == "/todays_session"
    assert intent_message("todays_session", {}) == "/todays_session"
    assert intent_message("log_walk", {"minutes": 2.5}) == '/log_walk{"minutes":2.5}'
    with pytest.raises(ValueError, match="Out of range float"):
        intent_message("log_walk", {"minutes": math.nan})


def test_session_requests_carry_a_week_and_a_day_from_1() -> None:
    assert session_request() == "/todays_session"
    assert session_request(week=3) == '/todays_session{"week":3}'
    assert session_request(week=3, day=2) == '/todays_session{"week":3,"day":2}'
    assert session_request(day=2) == '/todays_session{"day":2}'
    for week in (0, -1, True, 2.0):
        with pytest.raises(ValueError, match="week must be a whole number from 1"):
            session_request(week=week)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="day must be a whole number from 1, got 0"):
        session_request(week=1, day=0)


def test_a_walk_log_is_sent_as_an_intent_message_and_read_back() -> None:
    log = StructuredWalkLog(minutes=12.5, completed=False, source="voice")
    message = log.to_message()
    assert message == '/log_walk{"minutes":12.5,"completed":false,"source":"voice"}'
    entities = json.loads(message.removeprefix("/log_walk"))
    assert StructuredWalkLog.from_entities(entities) == log


def test_defaults_and_a_typed_report() -> None:
    assert StructuredWalkLog.from_entities({"minutes": 0}) == StructuredWalkLog(0.0, True, "app")
    # No structured field at all: a typed report, read from its text by the bot.
    assert StructuredWalkLog.from_entities({}) is None
    assert StructuredWalkLog.from_entities({"week": 2}) is None


@pytest.mark.parametrize(
    ("entities", "reason"),
    [
        ({"completed": True}, f"minutes must be a number from 0 to {MAX_LOG_MINUTES}"),
        ({"minutes": -1}, "minutes must be a number from 0 to 180"),
        ({"minutes": 181}, "minutes must be a number from 0 to 180"),
        ({"minutes": "12"}, "minutes must be a number from 0 to 180"),
        ({"minutes": True}, "minutes must be a number from 0 to 180"),
        ({"minutes": math.inf}, "minutes must be a number from 0 to 180"),
        ({"minutes": 5, "completed": "no"}, "completed must be true or false"),
        ({"minutes": 5, "source": "radio"}, "source must be one of voice, app"),
    ],
)
def test_a_malformed_walk_log_says_which_field(entities: dict[str, Any], reason: str) -> None:
    with pytest.raises(PayloadError, match="Malformed walk log payload") as raised:
        StructuredWalkLog.from_entities(entities)
    assert raised.value.reason == reason
    assert raised.value.field == reason.split()[0]
