"""Check custom-action responses with one compiled JSON-schema validator.

Rasa 3.6 checks every action server response with ``jsonschema.validate(response, schema)``
(``RemoteAction._validate_action_result``). That call checks the schema itself against the
draft 2020-12 meta-schema and builds a new validator each time: about 15 ms per custom action
on a 2-core machine, and about half of a Rasa process's CPU time per message under load
(measured with py-spy; see docs/benchmarks.md). :func:`install` replaces it with a validator
compiled once from the same schema. Responses are accepted or refused exactly as before: a
valid one passes the compiled validator; an invalid one is handed to Rasa's own check, which
raises its usual ``ValidationError`` with its explanation.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
from rasa.core.actions.action import RemoteAction

_INSTALLED_MARK = "_retrowalk_compiled_validator"


@cache
def response_validator() -> Any:
    """The validator for Rasa's action server response schema, checked and built once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def install() -> None:
    """Make ``RemoteAction`` use the compiled validator (idempotent)."""
    original = RemoteAction._validate_action_result
    if getattr(original, _INSTALLED_MARK, False):
        return

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if response_validator().is_valid(result):
            return True
        return bool(original(self, result))

    setattr(validate_action_result, _INSTALLED_MARK, True)
    RemoteAction._validate_action_result = validate_action_result
