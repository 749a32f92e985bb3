"""Fuzzing the Socket.IO (web chat) channel with python-socketio's client: any
``user_uttered`` data gets an answer or a refusal, never a crash, and only valid messages
are stored."""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from hypothesis import example, given
from hypothesis import strategies as st

from bot.channels.webchat import (
    REPLY_EMPTY,
    REPLY_MALFORMED,
    REPLY_NO_SESSION,
    max_frame_bytes,
)
from bot.inputs import clean_text, max_message_chars
from tests.conftest import LiveCoach
from tests.fuzz.conftest import CoachApi, fuzz_settings
from tests.fuzz.strategies import json_values, message_text, wrong_types

pytestmark = [pytest.mark.integration, pytest.mark.fuzz]

WAIT_S = 30.0


class Widget:
    """One Socket.IO connection with a confirmed session, as the web chat widget opens it."""

    def __init__(self, coach: LiveCoach) -> None:
        self.replies: queue.Queue[Any] = queue.Queue()
        self.disconnected = threading.Event()
        confirmed: queue.Queue[Any] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("session_confirm", confirmed.put)
        self.client.on("disconnect", self.disconnected.set)
        self.client.connect(
            coach.settings.rasa_url,
            # The web chat page's origin: the one the live coach allows (RETROWALK_CORS).
            headers={"Origin": f"http://127.0.0.1:{coach.web_port}"},
            transports=["polling"],
            wait_timeout=10,
        )
        self.client.emit("session_request", {"session_id": f"fuzz-sio-{uuid.uuid4().hex[:12]}"})
        self.session_id: str = confirmed.get(timeout=WAIT_S)

    def first_reply(self) -> Any:
        try:
            return self.replies.get(timeout=WAIT_S)
        except queue.Empty as error:
            raise AssertionError(f"no bot_uttered within {WAIT_S:.0f} s") from error

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture
def widget(live_coach: LiveCoach) -> Iterator[Widget]:
    opened: list[Widget] = []

    def open_widget() -> Widget:
        opened.append(Widget(live_coach))
        return opened[-1]

    yield open_widget  # type: ignore[misc]
    for each in opened:
        each.close()


def is_refusal(reply: Any) -> bool:
    text = reply.get("text", "") if isinstance(reply, dict) else ""
    return text in (REPLY_EMPTY, REPLY_MALFORMED, REPLY_NO_SESSION) or text.startswith(
        "Your message is too long"
    )


# The widget's own session id, or one the channel must refuse (replies to a valid foreign
# id would go to that conversation's room, which this connection has not joined).
session_ids = st.one_of(
    st.just("OWN"),
    wrong_types,
    st.sampled_from(["", "   ", "\x00\x01", "\ud800", "\n\t", "s" * 200]),
    st.text(st.characters(categories=("Cc", "Zs", "Cs")), max_size=5),
)


@fuzz_settings(max_examples=30)
@given(
    message=st.one_of(message_text, wrong_types),
    session_id=session_ids,
    metadata=st.one_of(st.none(), json_values, st.just('{"not": json')),
)
@example(message="hi", session_id="OWN", metadata=None)
@example(message="a" * 2001, session_id="OWN", metadata=None)
@example(message="hello \ud800", session_id="OWN", metadata=None)
def test_user_uttered_data_is_answered_or_refused(
    widget: Any, coach_api: CoachApi, message: Any, session_id: Any, metadata: Any
) -> None:
    chat: Widget = widget()
    data: dict[str, Any] = {"message": message, "customData": {}}
    own = session_id == "OWN"
    if own:
        session_id = chat.session_id
    data["session_id"] = session_id
    if metadata is not None:
        data["metadata"] = metadata
    chat.client.emit("user_uttered", data)
    reply = chat.first_reply()
    assert isinstance(reply, dict)
    if is_refusal(reply):
        assert coach_api.user_texts(chat.session_id) == []
        if own and isinstance(message, str) and len(message) > max_message_chars():
            assert "too long" in reply["text"]
        return
    # Accepted: a valid message in the conversation the widget claimed.
    assert isinstance(message, str) and 0 < len(message) <= max_message_chars()
    assert isinstance(session_id, str)
    sender = clean_text(session_id)
    assert coach_api.wait_for_user_texts(sender, 1)[-1] == clean_text(message)


# ``emit(event, None)`` sends an event without data: see the next test.
@fuzz_settings(max_examples=15)
@given(data=st.one_of(json_values, st.binary(max_size=100)).filter(lambda d: d is not None))
def test_arbitrary_event_data_is_refused(widget: Any, coach_api: CoachApi, data: Any) -> None:
    chat: Widget = widget()
    chat.client.emit("user_uttered", data)
    reply = chat.first_reply()
    assert is_refusal(reply), reply
    assert coach_api.user_texts(chat.session_id) == []


def test_events_without_data_do_not_break_the_connection(widget: Any, coach_api: CoachApi) -> None:
    chat: Widget = widget()
    chat.client.emit("user_uttered")
    assert is_refusal(chat.first_reply())  # told why, on this connection only
    chat.client.emit("session_request")  # no data: a new session is confirmed, nothing breaks
    chat.client.emit("user_uttered", {"message": "hello", "session_id": chat.session_id})
    assert not is_refusal(chat.first_reply())
    assert coach_api.wait_for_user_texts(chat.session_id, 1) == ["hello"]


def test_a_frame_over_the_limit_closes_only_that_connection(
    widget: Any, coach_api: CoachApi
) -> None:
    chat: Widget = widget()
    big = "w" * (max_frame_bytes() + 1024)
    chat.client.emit("user_uttered", {"message": big, "session_id": chat.session_id})
    assert chat.disconnected.wait(WAIT_S), "the server kept a connection over the frame limit"
    assert coach_api.user_texts(chat.session_id) == []
    other: Widget = widget()
    other.client.emit("user_uttered", {"message": "hi", "session_id": other.session_id})
    assert not is_refusal(other.first_reply())
    assert coach_api.is_up()
