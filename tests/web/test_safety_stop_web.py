"""An acute warning symptom on the web chat, end to end.

Over the coach's Socket.IO channel (the widget's protocol, python-socketio's client) the
stop message arrives as text and the ``retrowalk_safety`` payload as ``{"custom": ...}``.
On the web page in Debian's Chromium (the rasa-webchat widget) the user reads the stop
message, and the payload is never rendered.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from bot.protocol import SAFETY_TYPE
from tests.integration.test_safety_stop_rest import (
    ACUTE_OTHER,
    ACUTE_SELF_CHEST,
    assert_not_raw,
    assert_other_stop,
    assert_safety_payload,
    assert_self_chest_stop,
    expected_number,
    safety_payloads_sent,
    stop_text,
)
from tests.web.chat_page import ChatPage
from tests.web.conftest import WebCoach
from tests.web.socket_client import WidgetClient

pytestmark = pytest.mark.integration

GREETING = "Ask me anything about walking backwards"


@pytest.fixture
def widget(web_coach: WebCoach) -> Iterator[WidgetClient]:
    client = WidgetClient(web_coach.coach, origin=web_coach.origin)
    yield client
    client.close()


def turn_until_payload(widget: WidgetClient, message: str) -> list[dict[str, Any]]:
    """Send ``message``; every ``bot_uttered`` up to and including the safety payload."""
    widget.send(message)
    received = [widget.next()]
    while "custom" not in received[-1]:
        received.append(widget.next())
    return received


@pytest.mark.channels
def test_socketio_heart_attack_gets_the_stop_message_then_the_payload(
    web_coach: WebCoach, widget: WidgetClient
) -> None:
    number = expected_number(web_coach.coach)
    received = turn_until_payload(widget, ACUTE_SELF_CHEST)  # the first message

    texts = [item["text"] for item in received if item.get("text")]
    assert_self_chest_stop(stop_text(texts, number), number)
    custom = received[-1]
    assert set(custom) == {"custom"}, custom
    assert_safety_payload(custom["custom"], number, kind="chest", who="self")
    assert widget.user_texts(at_least=1) == [ACUTE_SELF_CHEST]


@pytest.mark.channels
def test_socketio_someone_else_collapsing_gets_cpr_advice_and_the_payload(
    web_coach: WebCoach, widget: WidgetClient
) -> None:
    number = expected_number(web_coach.coach)
    received = turn_until_payload(widget, ACUTE_OTHER)

    texts = [item["text"] for item in received if item.get("text")]
    assert_other_stop(stop_text(texts, number), number)
    assert_safety_payload(received[-1]["custom"], number, kind=None, who="other")


def shown_after_the_payload(
    web_coach: WebCoach, chat: ChatPage, message: str, number: str
) -> list[str]:
    """Say ``message`` on the page; once the widget has handled the whole turn (the payload
    included), the text of every bot message on screen.

    The widget shows a turn's messages one after another, the payload last; a follow-up
    ("thank you") answered on screen means the widget got past it.
    """
    chat.say(message)
    chat.expect_bot(f"call {number}")  # case-insensitive
    assert safety_payloads_sent(web_coach.coach, chat.session_id())
    chat.say("thank you!")
    chat.expect_bot("You're welcome")
    return [text.strip() for text in chat.bot_messages.all_inner_texts()]


def assert_page_shows_no_payload(chat: ChatPage) -> None:
    """Nothing on the chat but message bubbles with something to read."""
    assert_not_raw(chat.page.locator("#chat").inner_text())
    assert SAFETY_TYPE not in chat.page.content()
    bubbles = chat.page.locator(".rw-response")
    for index in range(bubbles.count()):
        bubble = bubbles.nth(index)
        readable = bubble.inner_text().strip() or bubble.locator("img").count()
        assert readable, f"an empty bot bubble: {bubble.inner_html()!r}"


@pytest.mark.browser
def test_page_shows_the_stop_message_for_a_heart_attack_and_no_json(
    web_coach: WebCoach, desktop: BrowserContext, web_artifacts: Path
) -> None:
    number = expected_number(web_coach.coach)
    chat = ChatPage(desktop).open(web_coach.url)
    chat.expect_bot(GREETING)

    shown = shown_after_the_payload(web_coach, chat, ACUTE_SELF_CHEST, number)
    assert_self_chest_stop(stop_text(shown, number), number)
    assert_page_shows_no_payload(chat)
    chat.screenshot(web_artifacts / "desktop-safety-stop.png")

    # The widget keeps the conversation across a reload: still the message, still no payload.
    chat.page.reload()
    expect(chat.page.locator("body")).to_have_attribute("data-chat", "connected")
    chat.expect_bot("You're welcome")
    assert_self_chest_stop(stop_text(chat.bot_messages.all_inner_texts(), number), number)
    assert_page_shows_no_payload(chat)


@pytest.mark.browser
def test_page_shows_cpr_advice_when_someone_else_collapses_and_no_json(
    web_coach: WebCoach, desktop: BrowserContext
) -> None:
    number = expected_number(web_coach.coach)
    chat = ChatPage(desktop).open(web_coach.url)
    chat.expect_bot(GREETING)

    shown = shown_after_the_payload(web_coach, chat, ACUTE_OTHER, number)
    assert_other_stop(stop_text(shown, number), number)
    assert_page_shows_no_payload(chat)
