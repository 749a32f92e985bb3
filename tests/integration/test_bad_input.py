"""Bad input over REST: a sensible reply or a clear 4xx, never a 5xx or a lost conversation."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import LiveCoach
from tests.integration.rest_client import Conversation

pytestmark = pytest.mark.integration


@pytest.fixture
def chat(live_coach: LiveCoach) -> Conversation:
    conversation = Conversation(live_coach)
    conversation.send("hello")
    conversation.send("how do I start walking backwards?")
    return conversation


def post_raw(chat: Conversation, **kwargs: object) -> requests.Response:
    return requests.post(chat.webhook, timeout=30, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"sender": "x"}, 400, "'message' is required"),
        ({"message": "hi"}, 400, "'sender' is required"),
        ({"sender": "x", "message": 42}, 400, "'message' is required and must be a string"),
        ({"sender": ["x"], "message": "hi"}, 400, "'sender' is required"),
        ({"sender": "x", "message": "hi", "metadata": "oops"}, 400, "'metadata'"),
        (["sender", "message"], 400, "JSON object"),
        ({"sender": "x", "message": "   "}, 400, "empty"),
        ({"sender": "x", "message": ""}, 400, "empty"),
    ],
)
def test_malformed_payloads_get_a_clear_400(
    chat: Conversation, body: object, status: int, error: str
) -> None:
    reply = post_raw(chat, json=body)
    assert reply.status_code == status
    assert error in reply.json()["error"]


def test_invalid_json_gets_400(chat: Conversation) -> None:
    reply = post_raw(chat, data=b"{not json", headers={"Content-Type": "application/json"})
    assert reply.status_code == 400
    assert "not valid JSON" in reply.json()["error"]


def test_huge_message_gets_413_and_the_conversation_survives(chat: Conversation) -> None:
    before = chat.user_texts()
    reply = post_raw(chat, json={"sender": chat.sender, "message": "walk " * 2000})
    assert reply.status_code == 413
    assert "too long" in reply.json()["error"]
    assert chat.user_texts() == before
    assert chat.say("what shoes should I wear?")
    assert chat.user_texts() == [*before, "what shoes should I wear?"]


@pytest.mark.parametrize(
    "text",
    [
        "🙂🙂🙂",
        "👟🚶‍♀️⬅️",
        "¿Es bueno caminar hacia atrás?",
        "Wie geht es dir?",
        "ok\x00\x07",
        "????",
    ],
)
def test_odd_messages_get_a_sensible_reply(chat: Conversation, text: str) -> None:
    before = chat.user_texts()
    replies = chat.send(text)
    assert replies and all(r.get("text") for r in replies)
    assert len(chat.user_texts()) == len(before) + 1


def test_bad_requests_lose_nothing(chat: Conversation) -> None:
    before = chat.tracker()["events"]
    for body in ({"sender": chat.sender}, {"sender": chat.sender, "message": ""}, "garbage"):
        assert post_raw(chat, json=body).status_code == 400
    after = chat.tracker()["events"]
    assert after == before


def test_a_flooding_sender_is_rate_limited_and_nothing_refused_is_stored(
    live_coach: LiveCoach,
) -> None:
    flood = Conversation(live_coach)
    statuses = []
    for _ in range(30):  # default burst 20, then one message a second
        reply = requests.post(
            flood.webhook, json={"sender": flood.sender, "message": "hi"}, timeout=30
        )
        statuses.append(reply.status_code)
        if reply.status_code == 429:
            assert int(reply.headers["Retry-After"]) >= 1
            assert "Too many messages" in reply.json()["error"]
    assert statuses[:20] == [200] * 20
    assert 429 in statuses and set(statuses) == {200, 429}
    assert len(flood.user_texts()) == statuses.count(200)
    # Other people are not affected.
    assert Conversation(live_coach).say("what shoes should I wear?")
