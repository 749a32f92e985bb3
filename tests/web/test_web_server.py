"""The page server (operations.web): settings, headers and files, over real HTTP."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
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
    BUNDLE_PATH,
    MANIFEST_PATH,
    WebBundleMismatchError,
    WebBundleMissingError,
    WebSettings,
    config_script,
    content_security_policy,
    load_bundle,
    start_web_server,
    verified_vendor_files,
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


def vendor(web_dir: Path, files: dict[str, bytes]) -> None:
    """A ``web/vendor/`` holding ``files`` and a manifest of their SHA-256s."""
    (web_dir / "vendor").mkdir(parents=True)
    lines = []
    for name, content in files.items():
        (web_dir / "vendor" / name).write_bytes(content)
        lines.append(f"{hashlib.sha256(content).hexdigest()}  {name}\n")
    (web_dir / MANIFEST_PATH).write_text("".join(lines))


def test_remote_font_import_is_removed_from_the_bundle(tmp_path: Path) -> None:
    vendor(
        tmp_path,
        {
            BUNDLE_PATH.name: b'a.push([e.i,"@import url(https://fonts.googleapis.com/css?'
            b'family=Inter:400&x=1);",""]);b.push([e.i,".rw-reply{color:red}",""]);'
        },
    )
    assert load_bundle(tmp_path) == (
        b'a.push([e.i,"",""]);b.push([e.i,".rw-reply{color:red}",""]);'
    )


def test_the_committed_vendored_widget_matches_its_manifest_and_the_lockfile() -> None:
    web_dir = PROJECT_ROOT / "web"
    files = verified_vendor_files(web_dir)
    assert set(files) == {"rasa-webchat.js", "rasa-webchat.LICENSE", "VERSION"}
    assert b"e.WebChat=t()" in files["rasa-webchat.js"]
    assert b"Apache License" in files["rasa-webchat.LICENSE"]
    lock = json.loads((web_dir / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/rasa-webchat"]["version"]
    assert files["VERSION"].decode().strip() == f"rasa-webchat {locked}"


def test_the_vendored_bundle_is_the_npm_build_of_the_lockfile() -> None:
    """``make test`` runs ``npm ci --prefix web`` first; the vendored bundle is that build."""
    installed = PROJECT_ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js"
    assert installed.is_file(), "run `make web` (npm ci --prefix web) before this test"
    assert installed.read_bytes() == (PROJECT_ROOT / "web" / BUNDLE_PATH).read_bytes(), (
        "web/vendor/ is stale: run `make web-bundle` and commit web/vendor/"
    )


def test_missing_bundle_names_the_fix(tmp_path: Path) -> None:
    web_dir = tmp_path / "web"
    web_dir.mkdir()
    with pytest.raises(WebBundleMissingError, match=r"make web-bundle"):
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
    assert "SHA256SUMS" in run.stderr and "make web-bundle" in run.stderr


def test_a_listed_file_that_is_missing_is_named(tmp_path: Path) -> None:
    vendor(tmp_path, {BUNDLE_PATH.name: b"bundle", "VERSION": b"rasa-webchat 1.0.1\n"})
    (tmp_path / "vendor" / "VERSION").unlink()
    with pytest.raises(WebBundleMissingError, match=r"vendor/VERSION is missing"):
        verified_vendor_files(tmp_path)


def test_a_changed_vendored_file_is_refused_before_serving(tmp_path: Path) -> None:
    web_dir = tmp_path / "web"
    shutil.copytree(PROJECT_ROOT / "web", web_dir, ignore=shutil.ignore_patterns("node_modules"))
    bundle = web_dir / BUNDLE_PATH
    original = bundle.read_bytes()
    bundle.write_bytes(original.replace(b"e.WebChat=t()", b"e.WebChat=x()"))
    changed = hashlib.sha256(bundle.read_bytes()).hexdigest()
    expected = hashlib.sha256(original).hexdigest()
    with pytest.raises(WebBundleMismatchError) as error:
        start_web_server(
            replace(Settings(), var_dir=tmp_path), WebSettings(web_dir=web_dir, socket_url=SOCKET)
        )
    message = str(error.value)
    assert str(bundle) in message and changed in message and expected in message
    assert "make web-bundle" in message
    assert not (tmp_path / "logs" / "web.log").exists()  # no server was started
    with pytest.raises(WebBundleMismatchError):
        load_bundle(web_dir)


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        ("not-a-hash  rasa-webchat.js\n", r"line 1: expected '<sha256>  <file name>'"),
        (f"{'0' * 64}  ../index.html\n", r"line 1: expected"),
        (f"{'0' * 64}  VERSION\n", r"does not list rasa-webchat.js"),
        (f"{'0' * 64}  rasa-webchat.js\n{'1' * 64}  rasa-webchat.js\n", r"line 2"),
    ],
)
def test_a_malformed_manifest_is_refused(tmp_path: Path, manifest: str, problem: str) -> None:
    vendor(tmp_path, {BUNDLE_PATH.name: b"bundle", "VERSION": b"v"})
    (tmp_path / MANIFEST_PATH).write_text(manifest)
    with pytest.raises(WebBundleMismatchError, match=problem):
        verified_vendor_files(tmp_path)


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
        "/vendor/SHA256SUMS",
        "/package.json",
        "/static/",
    ],
)
def test_nothing_else_is_served(page_server: WebSettings, path: str) -> None:
    reply = get(page_server, path)
    assert reply.status_code in (403, 404)
    assert reply.headers["Content-Security-Policy"]
