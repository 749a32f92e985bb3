"""The web chat page in Debian's Chromium against the live coach (real Rasa + actions)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from operations.ports import free_port
from tests.web.chat_page import ChatPage
from tests.web.conftest import PHONE, WebCoach, new_context, start_page_server

pytestmark = [pytest.mark.integration, pytest.mark.browser]

GREETING = "Ask me anything about walking backwards"
PLAN_FIRST_QUESTION = "have you walked backwards for exercise before?"
PLAN_SECOND_QUESTION = "How old are you?"


def test_page_greets_answers_and_follows_quick_replies(
    web_coach: WebCoach, desktop: BrowserContext, web_artifacts: Path
) -> None:
    chat = ChatPage(desktop).open(web_coach.url)

    expect(chat.page).to_have_title("RetroWalk Coach")
    notice = chat.page.locator("#medical-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Not medical advice")
    chat.expect_bot(GREETING)
    expect(chat.replies.filter(has_text="What are the benefits?")).to_be_visible()

    chat.say("What are the benefits of walking backwards?")
    chat.expect_bot("balance")

    chat.click_reply("How do I start?")
    expect(chat.user_messages.last).to_have_text("How do I start?")
    chat.expect_bot("gentle way to begin")
    chat.screenshot(web_artifacts / "desktop-conversation.png")

    # Nothing but the page server and the coach's socket was contacted (no CDN, no fonts).
    assert chat.foreign_requests(web_coach.origin, web_coach.coach.settings.rasa_url) == []


def test_plan_form_starts_and_survives_a_reload(
    web_coach: WebCoach, desktop: BrowserContext, web_artifacts: Path
) -> None:
    chat = ChatPage(desktop).open(web_coach.url)
    chat.expect_bot(GREETING)

    chat.say("make me a plan")
    chat.expect_bot(PLAN_FIRST_QUESTION)
    expect(chat.replies.filter(has_text="Never")).to_be_visible()
    session = chat.session_id()

    chat.page.reload()
    expect(chat.page.locator("body")).to_have_attribute("data-chat", "connected")
    assert chat.session_id() == session
    chat.expect_bot(PLAN_FIRST_QUESTION)  # the conversation is still on screen
    expect(chat.bot_messages.filter(has_text=GREETING)).to_have_count(1)  # no second greeting

    # The coach still knows where the form is: the answer gets the next question.
    chat.say("Never tried it")
    chat.expect_bot(PLAN_SECOND_QUESTION)
    chat.screenshot(web_artifacts / "desktop-plan-after-reload.png")


def test_progress_chart_is_shown_as_an_image(
    web_coach: WebCoach, desktop: BrowserContext, web_artifacts: Path
) -> None:
    chat = ChatPage(desktop).open(web_coach.url)
    chat.expect_bot(GREETING)

    chat.say("I walked 10 minutes backwards today, felt easy")
    chat.expect_bot("Logged 10 minutes")
    chat.say("How am I doing?")
    chat.expect_bot("logged 1 walk")

    chart = chat.page.locator(".rw-from-response img.rw-image-frame").last
    expect(chart).to_be_visible()
    source = chart.get_attribute("src") or ""
    assert source.startswith("data:image/png;base64,")
    assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    width = chart.evaluate("image => image.complete ? image.naturalWidth : 0")
    assert width > 100, "the chart did not decode"
    shown = chart.bounding_box()
    assert shown is not None and shown["width"] >= 300, "the chart is shown too small"
    expect(chart).to_be_in_viewport()  # scrolled into view once loaded
    chat.screenshot(web_artifacts / "desktop-progress-chart.png")


def test_phone_viewport_fits_and_chats(
    web_coach: WebCoach, phone: BrowserContext, web_artifacts: Path
) -> None:
    chat = ChatPage(phone).open(web_coach.url)
    chat.expect_bot(GREETING)

    page = chat.page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for selector in ("#medical-notice", "#chat", "textarea.rw-new-message"):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], selector
    expect(page.locator("#medical-notice")).to_contain_text("Not medical advice")

    chat.replies.filter(has_text="Is it safe?").first.tap()
    chat.expect_bot("risk of tripping")
    chat.screenshot(web_artifacts / "phone-conversation.png")


def test_page_on_an_origin_the_coach_does_not_allow_cannot_connect(
    web_coach: WebCoach, browser: Browser
) -> None:
    settings, server = start_page_server(web_coach.coach, free_port())
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(settings.url)
        expect(page.locator("body")).to_have_attribute("data-chat", "error")
        expect(page.locator(".rw-message")).to_have_count(0)
    finally:
        context.close()
        server.stop()
