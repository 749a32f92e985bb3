"""Fixtures for the web chat tests: the page server next to the live coach, and Chromium.

Chromium is Debian's (``apt-get install chromium``); Playwright cannot download its own
browser here. Google's font hosts are blocked in every browser context.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Playwright,
    Route,
    ViewportSize,
    expect,
    sync_playwright,
)

from operations import servers
from operations.web import WebSettings, start_web_server, web_server_ready
from tests.conftest import ARTIFACTS, LiveCoach

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 30_000  # the coach answers in well under a second; a cold start takes longer
GOOGLE_FONTS = re.compile(r"^https?://fonts\.(googleapis|gstatic)\.com/")
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


@dataclass
class WebCoach:
    """The live coach plus the web page server in front of it.

    Attributes:
        coach: The Rasa + action servers.
        web: The page server's settings (``web.url`` is the page).
        server: The page server process.
    """

    coach: LiveCoach
    web: WebSettings
    server: servers.ServerProcess

    @property
    def url(self) -> str:
        """The page's URL."""
        return self.web.url

    @property
    def origin(self) -> str:
        """The page's origin, which the coach's Socket.IO channel allows."""
        return self.web.url.rstrip("/")


def start_page_server(coach: LiveCoach, port: int) -> tuple[WebSettings, servers.ServerProcess]:
    """Start ``python -m operations.web`` on ``port`` for ``coach``; wait until it answers."""
    settings = WebSettings(port=port, socket_url=coach.settings.rasa_url)
    process = start_web_server(coach.settings, settings)
    try:
        servers.wait_until(process, lambda: web_server_ready(settings), timeout=30)
    except Exception:
        process.stop()
        raise
    return settings, process


@pytest.fixture(scope="session")
def web_coach(live_coach: LiveCoach) -> Iterator[WebCoach]:
    """The page server on a port the coach allows, for the whole session."""
    settings, process = start_page_server(live_coach, live_coach.web_port)
    try:
        yield WebCoach(coach=live_coach, web=settings, server=process)
    finally:
        process.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "integration-web.log").write_text(process.log_tail(200))


@pytest.fixture(scope="session")
def web_artifacts() -> Path:
    """``artifacts/web/``: screenshots."""
    path = ARTIFACTS / "web"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's sync API for the session."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: apt-get install chromium "
        f"(found on PATH: {shutil.which('chromium')})"
    )
    expect.set_options(timeout=WAIT_MS)
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


def _block(route: Route) -> None:
    route.abort()


def new_context(browser: Browser, *, phone: bool = False) -> BrowserContext:
    """A fresh context (new localStorage, so a new conversation) with Google fonts blocked."""
    if phone:
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
        )
    else:
        context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(WAIT_MS)
    context.route(GOOGLE_FONTS, _block)
    return context


@pytest.fixture
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    """A desktop-sized browser context."""
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A phone-sized (390x844) touch browser context."""
    context = new_context(browser, phone=True)
    yield context
    context.close()
