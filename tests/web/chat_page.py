"""Drives the coach's web page (the rasa-webchat widget) in a Playwright page."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Locator, Page, Request, expect


class ChatPage:
    """The web chat page open in one browser tab.

    Attributes:
        page: The Playwright page.
        requests: Every URL the page requested, in order.
    """

    def __init__(self, context: BrowserContext) -> None:
        """Open a new tab in ``context`` (nothing loaded yet)."""
        self.page: Page = context.new_page()
        self.requests: list[str] = []
        self.page.on("request", self._record)

    def _record(self, request: Request) -> None:
        self.requests.append(request.url)

    def open(self, url: str) -> ChatPage:
        """Load the page and wait until the widget is connected to the coach."""
        self.page.goto(url)
        expect(self.page.locator("body")).to_have_attribute("data-chat", "connected")
        return self

    @property
    def bot_messages(self) -> Locator:
        """The bot's text messages, in order."""
        return self.page.locator(".rw-response .rw-message-text")

    @property
    def user_messages(self) -> Locator:
        """The user's messages, in order."""
        return self.page.locator(".rw-client .rw-message-text")

    @property
    def replies(self) -> Locator:
        """The quick-reply buttons currently shown."""
        return self.page.locator(".rw-replies .rw-reply")

    @property
    def input(self) -> Locator:
        """The message box."""
        return self.page.locator("textarea.rw-new-message")

    def expect_bot(self, text: str) -> Locator:
        """Wait until a bot message containing ``text`` is shown; return it."""
        message = self.bot_messages.filter(has_text=text).last
        expect(message).to_be_visible()
        return message

    def say(self, text: str) -> None:
        """Type ``text`` and send it with Enter; wait until it shows as the user's message."""
        count = self.user_messages.count()
        self.input.fill(text)
        self.input.press("Enter")
        expect(self.user_messages).to_have_count(count + 1)
        expect(self.user_messages.last).to_have_text(text)

    def click_reply(self, title: str) -> None:
        """Click the quick reply ``title``; wait until it shows as the user's message."""
        count = self.user_messages.count()
        self.replies.filter(has_text=title).first.click()
        expect(self.user_messages).to_have_count(count + 1)

    def session_id(self) -> str:
        """The conversation id the widget keeps in localStorage."""
        stored = self.page.evaluate("window.localStorage.getItem('chat_session')")
        assert stored, "the widget stored no session"
        session_id = json.loads(stored).get("session_id")
        assert isinstance(session_id, str) and session_id
        return session_id

    def foreign_requests(self, *allowed_origins: str) -> list[str]:
        """Requested URLs whose origin is not one of ``allowed_origins`` (data: URLs excluded)."""
        allowed = {origin.rstrip("/") for origin in allowed_origins}
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme == "data":
                continue
            origin = f"{'http' if parts.scheme == 'ws' else parts.scheme}://{parts.netloc}"
            if origin not in allowed:
                foreign.append(url)
        return foreign

    def screenshot(self, path: Path) -> Path:
        """Save a screenshot of the visible page."""
        self.page.screenshot(path=str(path))
        return path
