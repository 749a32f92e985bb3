"""The page server (operations.web): settings, headers and files, over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from bot.settings import PROJECT_ROOT, Settings
from operations import servers
from operations.ports import free_port
from operations.web import (
    WebBundleMissingError,
    WebSettings,
    config_script,
    content_security_policy,
    load_bundle,
    start_web_server,
    web_server_ready,
)

SOCKET = "http://127.0.0.1:5999"


@pytest.fixture(scope="module")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSettings]:
    """The real page server (``python -m operations.web``) on a free port."""
    settings = replace(Settings(), var_dir=tmp_path_factory.mktemp("web-var"))
    web = WebSettings(port=free_port(), socket_url=SOCKET)
    process = start_web_server(settings, web)
    try:
        servers.wait_until(process, lambda: web_server_ready(web), timeout=30)
        yield web
    finally:
        process.stop()


def get(web: WebSettings, path: str) -> requests.Response:
    return requests.get(web.url + path.lstrip("/"), timeout=10)


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RETROWALK_WEB_HOST", "RETROWALK_WEB_PORT", "RETROWALK_SOCKET_URL"):
        monkeypatch.delenv(name, raising=False)
    coach = replace(Settings(), rasa_port=5123)
    defaults = WebSettings.from_env(coach)
    assert (defaults.host, defaults.port, defaults.socket_url) == (
        "127.0.0.1",
        8080,
        "http://127.0.0.1:5123",
    )
    assert defaults.url == "http://127.0.0.1:8080/"
    assert defaults.web_dir == PROJECT_ROOT / "web"

    monkeypatch.setenv("RETROWALK_WEB_HOST", "0.0.0.0")
    monkeypatch.setenv("RETROWALK_WEB_PORT", "9001")
    monkeypatch.setenv("RETROWALK_SOCKET_URL", "https://coach.example.org/")
    configured = WebSettings.from_env(coach)
    assert (configured.host, configured.port) == ("0.0.0.0", 9001)
    assert configured.socket_url == "https://coach.example.org"
    assert configured.url == "http://127.0.0.1:9001/"
    assert WebSettings.from_env(coach).environment()["RETROWALK_SOCKET_URL"] == (
        "https://coach.example.org"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RETROWALK_WEB_PORT", "eighty"),
        ("RETROWALK_WEB_PORT", "0"),
        ("RETROWALK_SOCKET_URL", "coach.example.org:5005"),
        ("RETROWALK_SOCKET_URL", "ws://coach.example.org"),
    ],
)
def test_bad_settings_are_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        WebSettings.from_env()


def test_policy_allows_only_this_server_and_the_socket() -> None:
    policy = content_security_policy(WebSettings(socket_url="https://coach.example.org:8443"))
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == (
        "'self' https://coach.example.org:8443 wss://coach.example.org:8443"
    )
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"


def test_config_script_carries_the_socket() -> None:
    script = config_script(WebSettings(socket_url=SOCKET))
    prefix = "window.RETROWALK_CONFIG = "
    assert script.startswith(prefix)
    config = json.loads(script[len(prefix) :].rstrip().rstrip(";"))
    assert config["socketUrl"] == SOCKET
    assert config["socketPath"] == "/socket.io/"
    assert config["initPayload"] == "/greet"


def test_remote_font_import_is_removed_from_the_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "node_modules" / "rasa-webchat" / "lib" / "index.js"
    bundle.parent.mkdir(parents=True)
    bundle.write_bytes(
        b'a.push([e.i,"@import url(https://fonts.googleapis.com/css?family=Inter:400&x=1);",""]);'
        b'b.push([e.i,".rw-reply{color:red}",""]);'
    )
    assert load_bundle(tmp_path) == (
        b'a.push([e.i,"",""]);b.push([e.i,".rw-reply{color:red}",""]);'
    )


def test_missing_bundle_says_to_run_npm_ci(tmp_path: Path) -> None:
    web_dir = tmp_path / "web"
    web_dir.mkdir()
    with pytest.raises(WebBundleMissingError, match=r"npm ci --prefix web"):
        start_web_server(
            replace(Settings(), var_dir=tmp_path), WebSettings(web_dir=web_dir, socket_url=SOCKET)
        )
    run = subprocess.run(
        [sys.executable, "-m", "operations.web", "--port", str(free_port())],
        cwd=PROJECT_ROOT,
        env={**os.environ, "RETROWALK_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "npm ci --prefix web" in run.stderr


def test_page_config_and_bundle_are_served_with_security_headers(
    page_server: WebSettings,
) -> None:
    page = get(page_server, "/")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'id="medical-notice"' in page.text
    assert '<script src="/vendor/rasa-webchat.js"></script>' in page.text
    assert page.headers["Content-Security-Policy"] == content_security_policy(page_server)
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"

    config = get(page_server, "/config.js")
    assert config.headers["Content-Type"].startswith("application/javascript")
    assert f'"socketUrl": "{SOCKET}"' in config.text

    bundle = get(page_server, "/vendor/rasa-webchat.js")
    assert bundle.status_code == 200
    assert bundle.headers["Content-Type"].startswith("application/javascript")
    assert "e.WebChat=t()" in bundle.text
    assert "fonts.googleapis.com" not in bundle.text

    for path in ("/static/style.css", "/static/app.js", "/static/icon.svg"):
        reply = get(page_server, path)
        assert reply.status_code == 200, path
        assert reply.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/static/%2e%2e/index.html",
        "/static/..%2f..%2fbot/env.py",
        "/node_modules/rasa-webchat/package.json",
        "/package.json",
        "/static/",
    ],
)
def test_nothing_else_is_served(page_server: WebSettings, path: str) -> None:
    reply = get(page_server, path)
    assert reply.status_code in (403, 404)
    assert reply.headers["Content-Security-Policy"]
