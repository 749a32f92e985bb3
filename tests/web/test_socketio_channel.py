"""The hardened Socket.IO channel on the live coach, driven with python-socketio's client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from bot.channels.rate_limit import RateLimitSettings
from bot.channels.webchat import REPLY_EMPTY, REPLY_MALFORMED, REPLY_NO_SESSION
from bot.inputs import MAX_MESSAGE_CHARS_ENV, max_message_chars
from tests.web.conftest import WebCoach
from tests.web.socket_client import WidgetClient

pytestmark = [pytest.mark.integration, pytest.mark.channels]

SESSION_NOTICE = "A quick note first"
THANKS_REPLY = "You're welcome"


@pytest.fixture
def widget(web_coach: WebCoach) -> Iterator[WidgetClient]:
    client = WidgetClient(web_coach.coach, origin=web_coach.origin)
    yield client
    client.close()


def polling_handshake(web_coach: WebCoach, origin: str) -> requests.Response:
    return requests.get(
        f"{web_coach.coach.settings.rasa_url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": origin},
        timeout=10,
    )


def test_the_page_origin_gets_exactly_one_cors_header(web_coach: WebCoach) -> None:
    reply = polling_handshake(web_coach, web_coach.origin)
    assert reply.status_code == 200
    # One header with the origin: a second one (sanic-cors) would make browsers refuse it.
    assert reply.headers["Access-Control-Allow-Origin"] == web_coach.origin


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:1"])
def test_other_origins_are_refused(web_coach: WebCoach, origin: str) -> None:
    reply = polling_handshake(web_coach, origin)
    assert reply.status_code == 400
    assert "not an accepted origin" in reply.text
    assert "Access-Control-Allow-Origin" not in reply.headers

    with pytest.raises(socketio.exceptions.ConnectionError):
        WidgetClient(web_coach.coach, origin=origin)


def test_widget_protocol_with_session_persistence(web_coach: WebCoach) -> None:
    first = WidgetClient(web_coach.coach, origin=web_coach.origin)
    second = WidgetClient(web_coach.coach, origin=web_coach.origin, session_id=first.session_id)
    try:
        assert second.session_id == first.session_id
        first.send("/greet")
        for client in (first, second):  # both tabs of the same conversation get the answer
            client.next_text(SESSION_NOTICE)
            greeting = client.next()
            assert "Ask me anything" in greeting["text"]
            titles = [reply["title"] for reply in greeting["quick_replies"]]
            assert "What are the benefits?" in titles
        assert first.user_texts(at_least=1) == ["/greet"]
    finally:
        first.close()
        second.close()


def test_custom_payloads_reach_the_widget(widget: WidgetClient) -> None:
    widget.send("What's today's session?")
    widget.next_text("You don't have a plan yet")
    custom = next(m["custom"] for m in iter(widget.next, None) if "custom" in m)
    assert custom["type"] == "retrowalk_session" and custom["starter"] is True
    assert custom["week"] == 1 and custom["day"] is None


def message_limit(web_coach: WebCoach) -> int:
    configured = web_coach.coach.env.get(MAX_MESSAGE_CHARS_ENV)
    return int(configured) if configured else max_message_chars()


def test_over_long_message_is_refused_to_its_sender_only(web_coach: WebCoach) -> None:
    limit = message_limit(web_coach)
    sender = WidgetClient(web_coach.coach, origin=web_coach.origin)
    other_tab = WidgetClient(web_coach.coach, origin=web_coach.origin, session_id=sender.session_id)
    try:
        sender.send("x" * (limit + 1))
        refusal = sender.next()
        assert refusal == {
            "text": f"Your message is too long ({limit + 1:,} characters). "
            f"Please keep it under {limit:,} characters."
        }
        sender.send("x" * limit)  # at the limit: accepted (an out-of-scope answer)
        sender.next_text(SESSION_NOTICE)
        # The other tab of the conversation saw the accepted message's answer, not the refusal.
        assert SESSION_NOTICE in (other_tab.next().get("text") or "")
        assert sender.user_texts(at_least=1) == ["x" * limit]
    finally:
        sender.close()
        other_tab.close()


@pytest.mark.parametrize(
    ("data", "reply"),
    [
        ({"message": "   \n "}, REPLY_EMPTY),
        ({"message": ""}, REPLY_EMPTY),
        ({"message": 42}, REPLY_MALFORMED),
        ({"message": ["hi"]}, REPLY_MALFORMED),
        ({"message": "hi", "metadata": "{not json"}, REPLY_MALFORMED),
        ("just a string", REPLY_MALFORMED),
        ({"message": "hi", "session_id": None}, REPLY_NO_SESSION),
    ],
)
def test_bad_messages_get_a_clear_reply_and_never_reach_the_bot(
    widget: WidgetClient, data: Any, reply: str
) -> None:
    if isinstance(data, dict) and "session_id" not in data:
        data = {**data, "session_id": widget.session_id}
    widget.emit(data)
    assert widget.next() == {"text": reply}
    widget.send("/thanks")  # the conversation goes on normally
    widget.next_text(THANKS_REPLY)
    assert widget.user_texts(at_least=1) == ["/thanks"]


def test_rate_limit_drops_messages_with_a_slow_down_reply(
    web_coach: WebCoach, widget: WidgetClient
) -> None:
    env = web_coach.coach.env
    burst = int(float(env.get("RETROWALK_RATE_BURST") or RateLimitSettings().burst))
    sent = burst + 3
    answered = slowed = 0

    def count(payload: dict[str, Any]) -> str:
        nonlocal answered, slowed
        text = payload.get("text") or ""
        answered += THANKS_REPLY in text
        slowed += "Please slow down" in text
        return text

    # Engine.IO refuses a polling request of more than 16 packets, so send in chunks; an
    # empty message after each chunk is refused at once without using the rate, and its
    # reply shows that the server has taken the chunk.
    for start in range(0, sent, 8):
        for _ in range(min(8, sent - start)):
            widget.send("/thanks")
        widget.send("")
        while count(widget.next()) != REPLY_EMPTY:
            pass

    # Every message gets exactly one answer: the bot's thanks, or the slow-down reply.
    while answered + slowed < sent:
        count(widget.next())
    assert slowed >= 1
    assert answered >= burst
    # The dropped messages never reached the bot.
    assert widget.user_texts(at_least=answered) == ["/thanks"] * answered
