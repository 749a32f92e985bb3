"""Rasa's check of action server responses, with the validator compiled once."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.rasa_adapters import action_result_validation
from bot.rasa_adapters.action_result_validation import install, response_validator

VALID = {
    "events": [
        {"event": "slot", "timestamp": None, "name": "age", "value": 52},
        {"event": "active_loop", "name": None},
        {"event": "followup", "name": "action_listen"},
    ],
    "responses": [{"text": "Logged 12 minutes.", "buttons": []}],
}
STOCK_CHECK = RemoteAction._validate_action_result
INVALID = [
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"timestamp": 1.0}]},  # no "event" key
    {"events": {"event": "slot"}},  # not a list
    {"responses": "hello"},
]


@pytest.fixture
def action(monkeypatch: pytest.MonkeyPatch) -> RemoteAction:
    # Installed for this test only: the original method is restored afterwards.
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    install()
    return RemoteAction("action_log_walk", None)


def test_a_valid_response_passes(action: RemoteAction) -> None:
    assert action._validate_action_result(VALID) is True
    assert action._validate_action_result({}) is True


@pytest.mark.parametrize("response", INVALID)
def test_an_invalid_response_gets_rasas_own_error(
    action: RemoteAction, response: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(jsonschema.ValidationError) as compiled:
        action._validate_action_result(response)
    assert "Failed to validate Action server response" in compiled.value.message
    # The same message as Rasa's uncompiled check.
    monkeypatch.undo()
    with pytest.raises(jsonschema.ValidationError) as stock:
        RemoteAction("action_log_walk", None)._validate_action_result(response)
    assert compiled.value.message == stock.value.message


def test_the_schema_is_checked_and_compiled_once(
    action: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    validator_class = type(response_validator())
    checks = []
    original = validator_class.check_schema
    monkeypatch.setattr(
        validator_class,
        "check_schema",
        classmethod(lambda cls, schema, **kw: checks.append(schema) or original(schema, **kw)),
    )
    for _ in range(20):
        action._validate_action_result(VALID)
    assert checks == []
    assert response_validator() is response_validator()
    # Rasa's own check re-checks the schema on every call (what the compiled one avoids).
    monkeypatch.setattr(RemoteAction, "_validate_action_result", STOCK_CHECK)
    action._validate_action_result(VALID)
    assert len(checks) == 1


def test_installing_twice_wraps_once(action: RemoteAction) -> None:
    installed = RemoteAction._validate_action_result
    install()
    assert RemoteAction._validate_action_result is installed
    assert getattr(installed, action_result_validation._INSTALLED_MARK)
