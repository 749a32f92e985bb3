"""The ``retrowalk_no_session`` payload: the reasons, refusals, and the exact wire keys."""

from __future__ import annotations

from typing import Any

import pytest

from bot.protocol.fields import PayloadError
from bot.protocol.no_session import NO_SESSION_REASONS, REFUSAL_REASONS, NoSession

WIRE = [
    {"type": "retrowalk_no_session", "reason": "needs_clearance", "level": "clearance"},
    {"type": "retrowalk_no_session", "reason": "needs_clearance", "level": "red"},
    {"type": "retrowalk_no_session", "reason": "supervised_only", "level": "yellow"},
    {"type": "retrowalk_no_session", "reason": "bad_week", "plan_weeks": 8},
    {"type": "retrowalk_no_session", "reason": "bad_day", "sessions": 3},
    {"type": "retrowalk_no_session", "reason": "needs_clearance"},
]


@pytest.mark.parametrize("wire", WIRE)
def test_payloads_read_and_write_back_the_same(wire: dict[str, Any]) -> None:
    read = NoSession.from_payload(wire)
    assert read.to_payload() == wire
    assert read.refuses_walk == (wire["reason"] in ("needs_clearance", "supervised_only"))


def test_only_screenings_reasons_refuse_a_walk() -> None:
    assert set(REFUSAL_REASONS) == {"needs_clearance", "supervised_only"}
    assert set(REFUSAL_REASONS) < set(NO_SESSION_REASONS)
    assert not NoSession("bad_day", sessions=3).refuses_walk


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("no", "payload must be an object"),
        ({"type": "retrowalk_session", "reason": "bad_day"}, "type must be"),
        ({"type": "retrowalk_no_session"}, "reason must be one of needs_clearance"),
        ({"type": "retrowalk_no_session", "reason": "tired"}, "reason must be one of"),
        ({"type": "retrowalk_no_session", "reason": "bad_week", "plan_weeks": 0}, "plan_weeks"),
        ({"type": "retrowalk_no_session", "reason": "bad_day", "sessions": "3"}, "sessions"),
        ({"type": "retrowalk_no_session", "reason": "needs_clearance", "level": 2}, "level"),
    ],
)
def test_malformed_payloads_are_refused_naming_the_field(data: Any, words: str) -> None:
    with pytest.raises(PayloadError, match="Malformed no-session payload") as raised:
        NoSession.from_payload(data)
    assert words in str(raised.value)


def test_an_unknown_reason_cannot_be_built_either() -> None:
    with pytest.raises(PayloadError, match="reason must be one of"):
        NoSession("tired")  # type: ignore[arg-type]
