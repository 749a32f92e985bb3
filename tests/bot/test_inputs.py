"""Unit tests of bot.inputs: REST payload validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.inputs import InvalidMessageError, clean_text, validate_payload


def test_valid_payload() -> None:
    message = validate_payload({"sender": "ann", "message": "  hi  ", "metadata": {"a": 1}})
    assert (message.sender, message.text, message.metadata) == ("ann", "hi", {"a": 1})


def test_numeric_sender_is_accepted_as_text() -> None:
    assert validate_payload({"sender": 12, "message": "hi"}).sender == "12"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (None, 400),
        ("text", 400),
        ({}, 400),
        ({"sender": "", "message": "hi"}, 400),
        ({"sender": True, "message": "hi"}, 400),
        ({"sender": "x" * 129, "message": "hi"}, 400),
        ({"sender": "a", "message": None}, 400),
        ({"sender": "a", "message": "\x00\x01 "}, 400),
        ({"sender": "a", "message": "x" * 2001}, 413),
        ({"sender": "a", "message": "hi", "metadata": []}, 400),
    ],
)
def test_invalid_payloads(body: object, status: int) -> None:
    with pytest.raises(InvalidMessageError) as error:
        validate_payload(body)
    assert error.value.status == status


def test_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_MAX_MESSAGE_CHARS", "10")
    with pytest.raises(InvalidMessageError):
        validate_payload({"sender": "a", "message": "x" * 11})
    assert validate_payload({"sender": "a", "message": "x" * 10}).text == "x" * 10


def test_clean_text_normalises_and_strips_control_characters() -> None:
    assert clean_text("cafe\u0301\x07\n") == "café"


@given(st.one_of(st.none(), st.integers(), st.text(), st.dictionaries(st.text(), st.text())))
def test_validation_only_ever_raises_invalid_message(body: object) -> None:
    try:
        validate_payload(body)
    except InvalidMessageError as error:
        assert error.status in (400, 413)
