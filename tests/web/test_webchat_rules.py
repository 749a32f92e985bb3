"""Unit tests of the web chat channel's rules (bot.channels.webchat): no server needed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.webchat import (
    REPLY_EMPTY,
    REPLY_MALFORMED,
    REPLY_NO_SESSION,
    RefusedMessageError,
    WebChatSettings,
    max_frame_bytes,
    normalise_origin,
    parse_user_message,
    slow_down_reply,
)


def parse(data: Any, *, persistence: bool = True, limit: int = 20) -> Any:
    return parse_user_message(data, sid="sid-1", session_persistence=persistence, limit=limit)


def test_a_widget_message_is_accepted_and_cleaned() -> None:
    message = parse({"message": "  Hi\x00 there ", "session_id": "abc", "customData": {}})
    assert (message.sender_id, message.text, message.metadata) == ("abc", "Hi there", None)


def test_without_session_persistence_the_socket_is_the_sender() -> None:
    assert parse({"message": "hi"}, persistence=False).sender_id == "sid-1"


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [({"a": 1}, {"a": 1}), ('{"a": 1}', {"a": 1}), (None, None), ("", None)],
)
def test_metadata_as_object_or_json(metadata: Any, expected: Any) -> None:
    data = {"message": "hi", "session_id": "s", "metadata": metadata}
    assert parse(data).metadata == expected


@pytest.mark.parametrize(
    ("data", "reason", "reply"),
    [
        ("hi", "malformed", REPLY_MALFORMED),
        (None, "malformed", REPLY_MALFORMED),
        ({"session_id": "s"}, "malformed", REPLY_MALFORMED),
        ({"message": 3, "session_id": "s"}, "malformed", REPLY_MALFORMED),
        ({"message": " \t", "session_id": "s"}, "empty", REPLY_EMPTY),
        ({"message": "\x00\x01", "session_id": "s"}, "empty", REPLY_EMPTY),
        ({"message": "hi"}, "no_session", REPLY_NO_SESSION),
        ({"message": "hi", "session_id": ""}, "no_session", REPLY_NO_SESSION),
        ({"message": "hi", "session_id": 7}, "no_session", REPLY_NO_SESSION),
        ({"message": "hi", "session_id": "s" * 129}, "no_session", REPLY_NO_SESSION),
        ({"message": "hi", "session_id": "s", "metadata": "{x"}, "bad_metadata", REPLY_MALFORMED),
        ({"message": "hi", "session_id": "s", "metadata": [1]}, "bad_metadata", REPLY_MALFORMED),
    ],
)
def test_bad_messages_are_refused_with_a_reason(data: Any, reason: str, reply: str) -> None:
    with pytest.raises(RefusedMessageError) as refused:
        parse(data)
    assert (refused.value.reason, refused.value.reply) == (reason, reply)


def test_the_limit_is_inclusive() -> None:
    assert parse({"message": "x" * 20, "session_id": "s"}).text == "x" * 20
    with pytest.raises(RefusedMessageError) as refused:
        parse({"message": "x" * 2001, "session_id": "s"}, limit=2000)
    assert refused.value.reason == "too_long"
    assert refused.value.reply == (
        "Your message is too long (2,001 characters). Please keep it under 2,000 characters."
    )


def test_the_default_limit_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_MAX_MESSAGE_CHARS", "5")
    data = {"message": "123456", "session_id": "s"}
    with pytest.raises(RefusedMessageError):
        parse_user_message(data, sid="x", session_persistence=True)
    assert max_frame_bytes() < max_frame_bytes(2000)


@given(st.text(max_size=40))
def test_accepted_text_is_never_empty_nor_over_the_limit(text: str) -> None:
    try:
        message = parse({"message": text, "session_id": "s"})
    except RefusedMessageError as refused:
        assert refused.reason in ("empty", "too_long")
        return
    assert message.text and len(message.text) <= 20
    assert message.text == message.text.strip()


def test_slow_down_reply_rounds_up_to_whole_seconds() -> None:
    assert slow_down_reply(0.0).endswith("slow down and try again in 1 second.")
    assert slow_down_reply(0.01).endswith("try again in 1 second.")
    assert slow_down_reply(1.2).endswith("try again in 2 seconds.")


def test_default_origins_are_the_coach_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETROWALK_CORS", raising=False)
    monkeypatch.delenv("RETROWALK_WEB_PORT", raising=False)
    assert WebChatSettings.from_env().allowed_origins == (
        "http://127.0.0.1:8080",
        "http://localhost:8080",
    )
    monkeypatch.setenv("RETROWALK_WEB_PORT", "9000")
    assert WebChatSettings.from_env().allowed_origins == (
        "http://127.0.0.1:9000",
        "http://localhost:9000",
    )


def test_configured_origins_are_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_CORS", "https://Coach.Example.org/ http://a:1 http://a:1")
    settings = WebChatSettings.from_env()
    assert settings.allowed_origins == ("https://coach.example.org", "http://a:1")
    assert not settings.any_origin
    monkeypatch.setenv("RETROWALK_CORS", "*")
    assert WebChatSettings.from_env().any_origin


@pytest.mark.parametrize("origin", ["coach.example.org", "ftp://x", "http://x/path", "http://"])
def test_bad_origins_are_a_clear_error(origin: str) -> None:
    with pytest.raises(ValueError, match="RETROWALK_CORS"):
        normalise_origin(origin)


@pytest.mark.parametrize("port", ["0", "70000", "80.5", "web"])
def test_bad_web_port_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    monkeypatch.delenv("RETROWALK_CORS", raising=False)
    monkeypatch.setenv("RETROWALK_WEB_PORT", port)
    with pytest.raises(ValueError, match="RETROWALK_WEB_PORT"):
        WebChatSettings.from_env()
