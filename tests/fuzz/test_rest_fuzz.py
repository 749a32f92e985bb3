"""Fuzzing the REST channel: any body gets a 2xx or a clear 4xx, never a 5xx, and only
valid messages are stored, cleaned and within the size limit."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from hypothesis import example, given
from hypothesis import strategies as st

from bot.inputs import clean_text, max_message_chars
from tests.conftest import LiveCoach
from tests.fuzz.conftest import CoachApi, fuzz_settings, new_sender
from tests.fuzz.strategies import (
    content_types,
    garbage_bytes,
    json_values,
    message_text,
    to_json_bytes,
    wrong_types,
)

pytestmark = [pytest.mark.integration, pytest.mark.fuzz]

ACCEPTED = {200, 400, 413, 415, 429}


def post(
    coach: LiveCoach, body: bytes, content_type: str = "application/json"
) -> requests.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    return requests.post(
        f"{coach.settings.rasa_url}/webhooks/rest/webhook", data=body, headers=headers, timeout=60
    )


def check_reply(reply: requests.Response) -> Any:
    """A JSON reply with an accepted status: a list of bot messages, or an error object."""
    assert reply.status_code in ACCEPTED, (reply.status_code, reply.text[:300])
    body = reply.json()
    if reply.status_code == 200:
        assert isinstance(body, list) and all(isinstance(m, dict) for m in body)
    else:
        assert isinstance(body, dict) and isinstance(body.get("error"), str)
    return body


@fuzz_settings(max_examples=40)
@given(
    text=st.one_of(message_text, wrong_types),
    metadata=st.one_of(st.none(), json_values, st.just({"pad": "x" * 20_000})),
)
@example(text="a" * 2001, metadata=None)
@example(text="hi \ud800", metadata=None)
@example(text="hello", metadata={"n": 1e308, "deep": [[[[{}]]]]})
def test_messages_are_answered_or_refused_and_only_valid_ones_stored(
    live_coach: LiveCoach, coach_api: CoachApi, text: Any, metadata: Any
) -> None:
    sender = new_sender("fuzz-rest")
    body: dict[str, Any] = {"sender": sender, "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    reply = post(live_coach, to_json_bytes(body))
    check_reply(reply)
    valid_text = isinstance(text, str) and len(text) <= max_message_chars() and clean_text(text)
    if isinstance(text, str) and len(text) > max_message_chars():
        assert reply.status_code == 413
    if reply.status_code == 200:
        assert valid_text
        assert coach_api.wait_for_user_texts(sender, 1) == [clean_text(text)]
    else:
        assert coach_api.user_texts(sender) == []


@fuzz_settings(max_examples=30)
@given(body=json_values)
def test_arbitrary_json_is_refused_without_a_server_error(
    live_coach: LiveCoach, coach_api: CoachApi, body: Any
) -> None:
    reply = post(live_coach, to_json_bytes(body))
    check_reply(reply)
    if reply.status_code == 200:  # only a valid payload can get through
        assert isinstance(body, dict) and clean_text(str(body.get("sender")))


@fuzz_settings(max_examples=25)
@given(raw=garbage_bytes, content_type=content_types)
def test_garbage_bodies_and_content_types_get_a_4xx(
    live_coach: LiveCoach, raw: bytes, content_type: str
) -> None:
    reply = post(live_coach, raw, content_type)
    check_reply(reply)
    assert reply.status_code != 200


@pytest.mark.parametrize("size", [max_message_chars() + 1, 1_000_000])
def test_oversized_messages_get_413_and_nothing_is_stored(
    live_coach: LiveCoach, coach_api: CoachApi, size: int
) -> None:
    sender = new_sender("fuzz-rest-big")
    reply = post(live_coach, to_json_bytes({"sender": sender, "message": "w" * size}))
    assert reply.status_code == 413
    assert "too long" in reply.json()["error"]
    assert coach_api.user_texts(sender) == []


def test_oversized_metadata_gets_413_and_nothing_is_stored(
    live_coach: LiveCoach, coach_api: CoachApi
) -> None:
    sender = new_sender("fuzz-rest-meta")
    body = {"sender": sender, "message": "hi", "metadata": {"pad": "x" * 100_000}}
    reply = post(live_coach, to_json_bytes(body))
    assert reply.status_code == 413
    assert "metadata" in reply.json()["error"]
    assert coach_api.user_texts(sender) == []


def test_the_server_is_still_up_after_the_rest_fuzzing(coach_api: CoachApi) -> None:
    assert coach_api.is_up()
