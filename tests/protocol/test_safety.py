"""The ``retrowalk_safety`` stop payload: the names it carries and how clients obey it."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from bot.protocol.fields import PayloadError
from bot.protocol.safety import WHO, SafetyStop, first_stop, spoken_stop, wants_stop
from bot.safety.assessment import RedFlag
from bot.safety.context import Who
from bot.safety.lexicon import SEVERITIES
from bot.safety.stop_message import stop_message, stop_payload

CHEST = RedFlag(kind="chest", severity="emergency", who="self", phrase="chest pain")
FRIEND = RedFlag(kind="fainting", severity="emergency", who="other", phrase="collapsed")


@pytest.mark.parametrize("flag", [CHEST, FRIEND, None], ids=["chest", "other", "no flag"])
def test_the_bots_stop_payload_reads_and_writes_back_the_same(flag: RedFlag | None) -> None:
    payload = stop_payload(flag, stop_message(flag, "walking", "GB"))
    stop = SafetyStop.from_payload(payload)
    assert stop.to_payload() == payload
    assert list(stop.to_payload()) == list(payload)
    assert stop.emergency_number == "999"
    assert stop.kind == (flag.kind if flag else "unknown")
    assert stop.who == (flag.who if flag else "self")
    assert wants_stop(payload) and spoken_stop(payload) == stop.spoken


def test_the_names_are_the_assessments() -> None:
    assert set(WHO) == set(get_args(Who))
    assert set(SEVERITIES) == {"emergency", "urgent"}


def good() -> dict[str, Any]:
    return stop_payload(CHEST, stop_message(CHEST, "treadmill", "US"))


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("action", "pause", "action must be one of stop"),
        ("kind", None, "kind must be text"),
        ("severity", "mild", "severity must be one of emergency, urgent"),
        ("who", "them", "who must be one of self, other"),
        ("emergency_number", 911, "emergency_number must be text"),
        ("spoken", None, "spoken must be text"),
    ],
)
def test_malformed_stops_are_refused_naming_the_field(field: str, value: Any, words: str) -> None:
    with pytest.raises(PayloadError, match="Malformed safety payload") as raised:
        SafetyStop.from_payload({**good(), field: value})
    assert words in str(raised.value)


def test_a_client_stops_on_any_stop_even_a_malformed_one() -> None:
    malformed = {"type": "retrowalk_safety", "action": "stop", "who": "them"}
    assert wants_stop(malformed) and spoken_stop(malformed) is None
    session = {"type": "retrowalk_session"}
    assert first_stop([session, malformed, good()]) is malformed
    assert first_stop([session, {"type": "retrowalk_safety", "action": "pause"}]) is None
    assert not wants_stop("stop") and first_stop([]) is None
    assert spoken_stop({**good(), "spoken": "   "}) is None
