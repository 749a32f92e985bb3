"""Fuzzing the Rasa HTTP API (``--enable-api``, token-protected) with schemathesis, from an
OpenAPI description of the routes an operator of the coach uses, plus property tests of
the guard that answers malformed requests with a 4xx (``bot.inputs.validate_api_request``).

The description below is written for these tests (Rasa's own specification is not shipped
in its package): status, version, reading a conversation (tracker and story), NLU parsing,
adding a message, triggering an intent and predicting the next action. Routes that replace
raw tracker events, train, test or swap models are operator tools outside this run.
Schemathesis generates data that fits the description (positive) and data that does not
(negative); every response must be below 500.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode

from bot.inputs import (
    MAX_CONVERSATION_ID_CHARS,
    InvalidMessageError,
    validate_api_request,
)
from tests.conftest import LiveCoach
from tests.fuzz.conftest import CoachApi, fuzz_settings, new_sender
from tests.fuzz.strategies import LIMIT, garbage_bytes, json_values, to_json_bytes

pytestmark = [pytest.mark.integration, pytest.mark.fuzz]

EXAMPLES_PER_OPERATION = 12

CONVERSATION_ID = {
    "name": "conversation_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^fuzz-api-[a-z0-9]{1,16}$"},
}
JSON_OK = {"200": {"description": "OK", "content": {"application/json": {"schema": {}}}}}


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": properties, "required": required}
            }
        },
    }


RASA_HTTP_API: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Rasa HTTP API (the routes the coach's operators use)", "version": "3.6"},
    "paths": {
        "/": {"get": {"responses": {"200": {"description": "hello"}}}},
        "/version": {"get": {"responses": JSON_OK}},
        "/status": {"get": {"responses": JSON_OK}},
        "/conversations/{conversation_id}/tracker": {
            "get": {
                "parameters": [
                    CONVERSATION_ID,
                    {
                        "name": "include_events",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": ["ALL", "APPLIED", "AFTER_RESTART", "NONE"],
                        },
                    },
                    {"name": "until", "in": "query", "schema": {"type": "number"}},
                ],
                "responses": JSON_OK,
            }
        },
        "/conversations/{conversation_id}/story": {
            "get": {
                "parameters": [
                    CONVERSATION_ID,
                    {"name": "until", "in": "query", "schema": {"type": "number"}},
                    {"name": "all_sessions", "in": "query", "schema": {"type": "boolean"}},
                ],
                "responses": {"200": {"description": "stories in YAML"}},
            }
        },
        "/conversations/{conversation_id}/messages": {
            "post": {
                "parameters": [CONVERSATION_ID],
                "requestBody": _body(
                    {
                        "text": {"type": "string", "maxLength": LIMIT},
                        "sender": {"type": "string", "enum": ["user"]},
                    },
                    ["text", "sender"],
                ),
                "responses": JSON_OK,
            }
        },
        "/conversations/{conversation_id}/trigger_intent": {
            "post": {
                "parameters": [CONVERSATION_ID],
                "requestBody": _body(
                    {
                        "name": {"type": "string", "minLength": 1},
                        "entities": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                    ["name"],
                ),
                "responses": JSON_OK,
            }
        },
        "/conversations/{conversation_id}/predict": {
            "post": {"parameters": [CONVERSATION_ID], "responses": JSON_OK}
        },
        "/model/parse": {
            "post": {
                "parameters": [
                    {
                        "name": "emulation_mode",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["WIT", "LUIS", "DIALOGFLOW"]},
                    }
                ],
                "requestBody": _body(
                    {
                        "text": {"type": "string", "maxLength": LIMIT},
                        "message_id": {"type": "string"},
                    },
                    ["text"],
                ),
                "responses": JSON_OK,
            }
        },
    },
}


@pytest.fixture(scope="session")
def rasa_api(live_coach: LiveCoach) -> Any:
    """The description above, pointed at the live coach; positive and negative data."""
    schema = schemathesis.openapi.from_dict(RASA_HTTP_API)
    schema.config.update(base_url=live_coach.settings.rasa_url)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=EXAMPLES_PER_OPERATION,
        deterministic=True,
        database="none",
    )
    return schema


schema = schemathesis.pytest.from_fixture("rasa_api")


@schema.parametrize()
@fuzz_settings(max_examples=EXAMPLES_PER_OPERATION)
def test_the_http_api_never_answers_with_a_server_error(case: Any, live_coach: LiveCoach) -> None:
    case.query = {**(case.query or {}), "token": live_coach.token}
    case.call_and_validate(checks=[not_a_server_error], timeout=60)


# -- the guard, directly and through the server -----------------------------------------


ROUTES = st.sampled_from(
    [
        ("POST", "/model/parse"),
        ("POST", "/conversations/c/messages"),
        ("POST", "/conversations/c/trigger_intent"),
        ("POST", "/conversations/c/execute"),
        ("POST", "/conversations/c/tracker/events"),
        ("PUT", "/conversations/c/tracker/events"),
        ("GET", "/conversations/c/tracker"),
        ("POST", "/webhooks/rest/webhook"),
    ]
)


@fuzz_settings(max_examples=300)
@given(route=ROUTES, body=st.one_of(json_values.map(to_json_bytes), garbage_bytes))
def test_the_guard_only_ever_refuses_with_400_or_413(route: tuple[str, str], body: bytes) -> None:
    method, path = route
    try:
        validate_api_request(method, path, body)
    except InvalidMessageError as error:
        assert error.status in (400, 413)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/model/parse", {"text": 123}, 400),
        ("/model/parse", [1, 2], 400),
        ("/model/parse", {"text": "x" * (LIMIT + 1)}, 413),
        ("/model/parse", {"text": "\ud800"}, 400),
        ("/conversations/{id}/messages", [1], 400),
        ("/conversations/{id}/messages", {"text": 5, "sender": "user"}, 400),
        ("/conversations/{id}/messages", {"text": "hi", "sender": "user", "parse_data": 5}, 400),
        ("/conversations/{id}/messages", {"text": "x" * (LIMIT + 1), "sender": "user"}, 413),
        ("/conversations/{id}/trigger_intent", [1], 400),
        ("/conversations/{id}/trigger_intent", {"name": "greet", "entities": [5]}, 400),
    ],
)
def test_requests_rasa_answered_with_500_get_a_4xx(
    live_coach: LiveCoach, coach_api: CoachApi, path: str, body: Any, status: int
) -> None:
    sender = new_sender("fuzz-api")
    reply = requests.post(
        live_coach.settings.rasa_url + path.format(id=sender),
        data=json.dumps(body).encode(),
        params={"token": live_coach.token},
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert reply.status_code == status, reply.text[:300]
    assert reply.json()["status"] == "failure"
    assert coach_api.user_texts(sender) == []


def test_invalid_json_and_long_conversation_ids_get_400(live_coach: LiveCoach) -> None:
    url, token = live_coach.settings.rasa_url, {"token": live_coach.token}
    reply = requests.post(f"{url}/model/parse", data=b"\xff{", params=token, timeout=60)
    assert reply.status_code == 400
    long_id = "c" * (MAX_CONVERSATION_ID_CHARS + 1)
    reply = requests.get(f"{url}/conversations/{long_id}/tracker", params=token, timeout=60)
    assert reply.status_code == 400


def test_the_server_is_still_up_after_the_api_fuzzing(coach_api: CoachApi) -> None:
    assert coach_api.is_up()
