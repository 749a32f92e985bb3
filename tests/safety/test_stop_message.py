"""Unit tests of bot.safety.stop_message: where the person is, one number, the payload."""

from __future__ import annotations

import pytest

from bot.safety.assessment import RedFlag
from bot.safety.stop_message import emergency_number, stop_message, stop_payload

CHEST = RedFlag(kind="chest", severity="emergency", who="self", phrase="chest pain")


def test_walking_stop_starts_with_stopping_and_names_one_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RETROWALK_EMERGENCY_NUMBER", raising=False)
    monkeypatch.delenv("RETROWALK_REGION", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    message = stop_message(CHEST, "walking")
    assert message.text.startswith("Stop walking now and sit down somewhere safe.")
    assert message.number == "911" and "999" not in message.text
    assert "Chest pain during exercise is never normal" in message.text
    assert len(message.spoken.split()) <= 40


def test_treadmill_stop_says_stop_the_belt() -> None:
    message = stop_message(CHEST, "treadmill")
    assert message.spoken.startswith("Press stop or pull the safety clip, hold the rails")


def test_someone_else_unresponsive_call_and_cpr() -> None:
    flag = RedFlag(kind="fainting", severity="emergency", who="other", phrase="collapsed")
    assert "start CPR if you're trained" in stop_message(flag, "walking").spoken


@pytest.mark.parametrize(
    ("region", "lang", "number"),
    [("GB", "", "999"), ("AU", "", "000"), (None, "en_GB.UTF-8", "999"), (None, "de_DE", "112")],
)
def test_the_number_follows_the_region(
    monkeypatch: pytest.MonkeyPatch, region: str | None, lang: str, number: str
) -> None:
    monkeypatch.delenv("RETROWALK_EMERGENCY_NUMBER", raising=False)
    monkeypatch.delenv("RETROWALK_REGION", raising=False)
    monkeypatch.setenv("LANG", lang)
    assert emergency_number(region) == number


def test_a_configured_number_wins_and_a_bad_one_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_EMERGENCY_NUMBER", "000")
    assert emergency_number("US") == "000"
    monkeypatch.setenv("RETROWALK_EMERGENCY_NUMBER", "call me")
    with pytest.raises(ValueError, match="RETROWALK_EMERGENCY_NUMBER"):
        emergency_number()


def test_payload_carries_the_decision() -> None:
    message = stop_message(CHEST, "walking")
    payload = stop_payload(CHEST, message)
    assert payload["type"] == "retrowalk_safety" and payload["action"] == "stop"
    assert (payload["kind"], payload["who"], payload["spoken"]) == (
        "chest",
        "self",
        message.spoken,
    )
