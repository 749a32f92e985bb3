"""The web chat page: a small static server for ``web/`` and the rasa-webchat bundle.

The page (``web/index.html``) embeds the widget of the npm package ``rasa-webchat``, vendored
in ``web/vendor/`` (committed, so running needs no npm; nothing is loaded from a CDN). Every
file there is checked against ``web/vendor/SHA256SUMS`` before anything is served: a missing
or changed file is a clear error. ``make web-bundle`` (``scripts/web-bundle.sh``) rebuilds the
vendored files with npm from ``web/package-lock.json`` and rewrites the manifest. The page
talks to the Rasa server's Socket.IO channel (:mod:`bot.rasa_adapters.channels.socketio`) at
the socket URL given in ``/config.js``. Every response carries a Content-Security-Policy that
allows only this server and the socket's origin.

Run it with ``python -m operations.web`` (blocking), or start it next to the coach with
:func:`start_web_server` and wait for :func:`web_server_ready`.

This module holds one concept, serving the page (its settings, the checked bundle, the
handlers and the process that runs them), which is why it is longer than 400 lines.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from bot.env import env_int, env_text
from bot.settings import Settings
from operations.servers import ServerProcess, server_environment

HOST_ENV = "RETROWALK_WEB_HOST"
PORT_ENV = "RETROWALK_WEB_PORT"
SOCKET_URL_ENV = "RETROWALK_SOCKET_URL"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080

VENDOR_DIR = Path("vendor")
BUNDLE_PATH = VENDOR_DIR / "rasa-webchat.js"
MANIFEST_PATH = VENDOR_DIR / "SHA256SUMS"
INSTALL_HINT = (
    "restore the committed web/vendor/ (`git checkout -- web/vendor`), or rebuild it with "
    "`make web-bundle` (needs Node.js and npm)"
)
_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64}) [ *]([A-Za-z0-9._-]+)$")

# The widget's CSS imports a Google font: removed from the served bundle (and blocked by the
# Content-Security-Policy) so that the page never contacts a third party.
_REMOTE_FONT_IMPORT = re.compile(rb"@import url\(https://fonts\.googleapis\.com/[^)]*\);")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebBundleError(RuntimeError):
    """The vendored widget cannot be served; the message says what to do."""


class WebBundleMissingError(WebBundleError):
    """A vendored file (or the manifest ``web/vendor/SHA256SUMS``) is missing."""


class WebBundleMismatchError(WebBundleError):
    """A vendored file does not match its SHA-256 in the manifest, or the manifest is bad."""


def _origin(url: str) -> str:
    """``scheme://host:port`` of an http(s) URL.

    Raises:
        ValueError: Not an http(s) URL.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{SOCKET_URL_ENV} must be an http(s) URL, got {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class WebSettings:
    """Where the web page is served and which Socket.IO server it talks to.

    Attributes:
        host: Interface to bind. Env ``RETROWALK_WEB_HOST``, default 127.0.0.1 (``0.0.0.0``
            to reach it from other machines; then also set ``RETROWALK_SOCKET_URL`` and
            ``RETROWALK_CORS``).
        port: Port. Env ``RETROWALK_WEB_PORT``, default 8080.
        socket_url: Base URL of the Rasa server's Socket.IO channel, as the browser reaches
            it. Env ``RETROWALK_SOCKET_URL``, default the Rasa URL of
            :class:`bot.settings.Settings` (``http://127.0.0.1:5005``).
        socket_path: Socket.IO path on that server (``/socket.io/``, as credentials.yml).
        web_dir: The page's files and the vendored widget (``<project>/web``).
        init_payload: Sent when a new conversation starts (``/greet``: the greeting).
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    socket_url: str = field(default_factory=lambda: Settings().rasa_url)
    socket_path: str = "/socket.io/"
    web_dir: Path = field(default_factory=lambda: Settings().root / "web")
    init_payload: str = "/greet"

    def __post_init__(self) -> None:
        """Check the socket URL (a clear error at start-up rather than a dead page)."""
        _origin(self.socket_url)

    @classmethod
    def from_env(cls, settings: Settings | None = None) -> WebSettings:
        """Settings from ``RETROWALK_WEB_HOST``, ``RETROWALK_WEB_PORT``, ``RETROWALK_SOCKET_URL``.

        Args:
            settings: The coach's settings (default: from the environment), for the default
                socket URL and the project directory.

        Raises:
            ValueError: A bad port or socket URL.
        """
        settings = settings or Settings()
        return cls(
            host=env_text(HOST_ENV, DEFAULT_HOST),
            port=env_int(PORT_ENV, DEFAULT_PORT, minimum=1, maximum=65535),
            socket_url=env_text(SOCKET_URL_ENV, settings.rasa_url).rstrip("/"),
            web_dir=settings.root / "web",
        )

    @property
    def url(self) -> str:
        """The page's URL, as reached from this machine."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}/"

    @property
    def socket_origin(self) -> str:
        """``scheme://host:port`` of the socket URL."""
        return _origin(self.socket_url)

    def environment(self) -> dict[str, str]:
        """The variables that reproduce these settings in a child process."""
        return {
            HOST_ENV: self.host,
            PORT_ENV: str(self.port),
            SOCKET_URL_ENV: self.socket_url,
        }


def read_manifest(web_dir: Path) -> dict[str, str]:
    """``web/vendor/SHA256SUMS`` (``sha256sum`` format): file name to expected SHA-256.

    Raises:
        WebBundleMissingError: There is no manifest.
        WebBundleMismatchError: A line is not ``<64 hex digits>  <file name>``, a name is
            listed twice, or the widget bundle is not listed.
    """
    manifest = web_dir / MANIFEST_PATH
    if not manifest.is_file():
        raise WebBundleMissingError(
            f"The web chat widget's manifest is missing ({manifest}): {INSTALL_HINT}."
        )
    expected: dict[str, str] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        match = _MANIFEST_LINE.match(line)
        if match is None or match.group(2) in expected:
            raise WebBundleMismatchError(
                f"{manifest}, line {number}: expected '<sha256>  <file name>' once per "
                f"file, got {line!r}: {INSTALL_HINT}."
            )
        expected[match.group(2)] = match.group(1)
    if BUNDLE_PATH.name not in expected:
        raise WebBundleMismatchError(
            f"{manifest} does not list {BUNDLE_PATH.name}: {INSTALL_HINT}."
        )
    return expected


def verified_vendor_files(web_dir: Path) -> dict[str, bytes]:
    """Every file the manifest lists, read once and checked against its SHA-256.

    Args:
        web_dir: The page's directory (``<project>/web``).

    Returns:
        File name (in ``web/vendor/``) to its checked content.

    Raises:
        WebBundleMissingError: The manifest or a listed file is missing.
        WebBundleMismatchError: A file's SHA-256 differs from the manifest's, or the
            manifest is malformed.
    """
    contents: dict[str, bytes] = {}
    for name, want in read_manifest(web_dir).items():
        path = web_dir / VENDOR_DIR / name
        if not path.is_file():
            raise WebBundleMissingError(
                f"The web chat widget is not complete ({path} is missing): {INSTALL_HINT}."
            )
        content = path.read_bytes()
        got = hashlib.sha256(content).hexdigest()
        if got != want:
            raise WebBundleMismatchError(
                f"{path} does not match {web_dir / MANIFEST_PATH} (SHA-256 {got}, expected "
                f"{want}): the file was changed or damaged; {INSTALL_HINT}."
            )
        contents[name] = content
    return contents


def check_bundle(web_dir: Path) -> Path:
    """The vendored widget bundle, after checking every vendored file against the manifest.

    Raises:
        WebBundleError: A file is missing or does not match (see
            :func:`verified_vendor_files`).
    """
    verified_vendor_files(web_dir)
    return web_dir / BUNDLE_PATH


def load_bundle(web_dir: Path) -> bytes:
    """The checked widget bundle without its remote font import (the page uses system fonts).

    Raises:
        WebBundleError: A vendored file is missing or does not match the manifest.
    """
    bundle = verified_vendor_files(web_dir)[BUNDLE_PATH.name]
    return _REMOTE_FONT_IMPORT.sub(b"", bundle)


def page_config(settings: WebSettings) -> dict[str, str]:
    """What the page's script needs: the socket and the widget's texts."""
    return {
        "socketUrl": settings.socket_url,
        "socketPath": settings.socket_path,
        "initPayload": settings.init_payload,
        "title": "RetroWalk Coach",
        "subtitle": "Walking backwards, step by step",
    }


def config_script(settings: WebSettings) -> str:
    """``/config.js``: sets ``window.RETROWALK_CONFIG``."""
    return f"window.RETROWALK_CONFIG = {json.dumps(page_config(settings), indent=2)};\n"


def content_security_policy(settings: WebSettings) -> str:
    """Only this server, the socket's origin (HTTP and WebSocket) and inline images.

    Styles may be inline because the widget injects its CSS at run time; fonts may be data
    URLs (the widget's icons). A remote font ``@import`` would be blocked by this policy.
    """
    socket = settings.socket_origin
    websocket = "ws" + socket[len("http") :]
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            f"connect-src 'self' {socket} {websocket}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def _security_headers(settings: WebSettings) -> Callable[[web.Request, Handler], Awaitable]:
    policy = content_security_policy(settings)

    @web.middleware
    async def add_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            reply = await handler(request)
        except web.HTTPException as error:
            reply = error
        reply.headers["Content-Security-Policy"] = policy
        reply.headers["X-Content-Type-Options"] = "nosniff"
        reply.headers["X-Frame-Options"] = "DENY"
        reply.headers["Referrer-Policy"] = "no-referrer"
        reply.headers.setdefault("Cache-Control", "no-cache")
        if isinstance(reply, web.HTTPException):
            raise reply
        return reply

    return add_headers


def build_app(settings: WebSettings) -> web.Application:
    """The aiohttp application: ``/``, ``/config.js``, ``/static/*``, ``/vendor/rasa-webchat.js``.

    Raises:
        WebBundleError: The vendored widget is missing or does not match its manifest.
    """
    bundle = load_bundle(settings.web_dir)
    index = settings.web_dir / "index.html"
    script = config_script(settings)

    async def page(_: web.Request) -> web.StreamResponse:
        return web.FileResponse(index, headers={"Content-Type": "text/html; charset=utf-8"})

    async def config(_: web.Request) -> web.StreamResponse:
        return web.Response(text=script, content_type="application/javascript")

    async def vendor(_: web.Request) -> web.StreamResponse:
        return web.Response(body=bundle, content_type="application/javascript", charset="utf-8")

    async def health(_: web.Request) -> web.StreamResponse:
        return web.json_response({"status": "ok"})

    app = web.Application(middlewares=[_security_headers(settings)])
    app.router.add_get("/", page)
    app.router.add_get("/index.html", page)
    app.router.add_get("/config.js", config)
    app.router.add_get("/vendor/rasa-webchat.js", vendor)
    app.router.add_get("/health", health)
    app.router.add_static("/static/", settings.web_dir / "static", follow_symlinks=False)
    return app


def serve(settings: WebSettings) -> None:
    """Serve the page until interrupted (Ctrl-C or SIGTERM).

    Raises:
        WebBundleError: The vendored widget is missing or does not match its manifest.
    """
    app = build_app(settings)
    print(f"RetroWalk web chat: {settings.url} (Socket.IO at {settings.socket_url})", flush=True)
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)


def start_web_server(
    settings: Settings, web_settings: WebSettings, env: Mapping[str, str] | None = None
) -> ServerProcess:
    """Start ``python -m operations.web`` in the background (log ``var/logs/web.log``).

    Args:
        settings: The coach's settings (project and var directories).
        web_settings: Where to serve and which socket URL the page uses.
        env: Extra environment variables.

    Returns:
        The running process; stop it with ``ServerProcess.stop()``.

    Raises:
        WebBundleError: The vendored widget is missing or does not match its manifest
            (checked before starting).
    """
    check_bundle(web_settings.web_dir)
    log_dir = settings.var_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "web.log"
    environ = server_environment(settings, {**(env or {}), **web_settings.environment()})
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "operations.web"],
            cwd=settings.root,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return ServerProcess(name="web", process=process, log_path=log_path)


def web_server_ready(web_settings: WebSettings) -> bool:
    """True when the page server answers ``/health``."""
    try:
        with urllib.request.urlopen(f"{web_settings.url}health", timeout=2) as reply:
            return bool(json.loads(reply.read().decode()).get("status") == "ok")
    except (urllib.error.URLError, OSError, ValueError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m operations.web [--host H] [--port P] [--socket-url URL]``."""
    parser = argparse.ArgumentParser(prog="python -m operations.web", description=__doc__)
    parser.add_argument("--host", help=f"interface to bind (${HOST_ENV}, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help=f"port (${PORT_ENV}, default 8080)")
    parser.add_argument("--socket-url", help=f"Rasa server URL (${SOCKET_URL_ENV})")
    args = parser.parse_args(argv)
    try:
        settings = WebSettings.from_env()
        overrides = {
            key: value
            for key, value in (
                ("host", args.host),
                ("port", args.port),
                ("socket_url", args.socket_url),
            )
            if value is not None
        }
        settings = replace(settings, **overrides)
        serve(settings)
    except (WebBundleError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
