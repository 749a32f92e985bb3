"""A local stand-in for Google Translate's text-to-speech endpoint (for gTTS's real code path).

gTTS POSTs ``f.req=<url-encoded JSON>`` to ``/_/TranslateWebserverUi/data/batchexecute``; the
JSON is ``[[["jQ1olc", "[text, lang, speed, \"null\"]", null, "generic"]]]``. Google answers with
a ``batchexecute`` envelope: an anti-XSSI prefix line, then length-prefixed JSON chunks, one of
them ``[["wrb.fr","jQ1olc","[\"<base64 MP3>\"]",...]]`` on a single line, which gTTS finds with
a regular expression and base64-decodes. This server speaks that format with a real MP3 of the
requested text (espeak-ng audio, MP3-encoded by libsndfile through soundfile).

Modes (``standin.mode``): ``ok``; ``fail`` (HTTP 500); ``hang`` (no answer until the server
stops); ``trickle`` (headers, then one byte every 0.2 s, so no socket read ever times out);
``noaudio`` (HTTP 200 with an envelope that has no audio, as for an unsupported language).
Every request is recorded (:attr:`GttsStandIn.requests`) before it is answered.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

import pytest
import soundfile as sf

PATH = "/_/TranslateWebserverUi/data/batchexecute"
RPC_ID = "jQ1olc"
Mode = Literal["ok", "fail", "hang", "trickle", "noaudio"]
PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
)


@functools.lru_cache(maxsize=256)
def mp3_of(text: str) -> bytes:
    """``text`` spoken by espeak-ng, encoded as MP3 (MPEG layer III) by libsndfile."""
    wav = subprocess.run(
        ["espeak-ng", "--stdout", "-v", "en-us", "--stdin"],
        input=text.encode("utf-8"),
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    samples, rate = sf.read(io.BytesIO(wav), dtype="float32")
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format="MP3", subtype="MPEG_LAYER_III")
    return buffer.getvalue()


def batchexecute_envelope(payload: str | None) -> bytes:
    """Google's ``batchexecute`` answer for the ``jQ1olc`` RPC (``payload`` None: no audio)."""
    inner = json.dumps([payload]) if payload is not None else None
    rpc = [
        ["wrb.fr", RPC_ID, inner, None, None, None if inner else [3], "generic"],
        ["di", 57],
        ["af.httprm", 56, "-1405826236404457744", 22],
    ]
    chunks = [json.dumps(rpc, separators=(",", ":")), '[["e",4,null,null,{}]]']
    chunks[1] = chunks[1].format(len(chunks[0]) + 60)
    body = ")]}'\n"
    for chunk in chunks:
        body += f"\n{len(chunk) + 1}\n{chunk}"
    return body.encode("utf-8")


@dataclass(frozen=True)
class StandInRequest:
    """One request as the stand-in received it.

    Attributes:
        method: HTTP method.
        path: Request path (with query, if any).
        text: The text gTTS asked to speak (None when the body could not be parsed).
        lang: The language asked for.
        slow: Whether slow speech was asked for.
        headers: Request headers.
    """

    method: str
    path: str
    text: str | None
    lang: str | None
    slow: bool
    headers: dict[str, str]


@dataclass
class Gate:
    """Holds the answers to one text until released (see :meth:`GttsStandIn.hold`)."""

    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        """Let the held request(s) be answered."""
        self.released.set()


def parse_rpc(body: bytes) -> tuple[str, str, bool]:
    """``(text, lang, slow)`` from gTTS's ``f.req`` form body.

    Raises:
        ValueError: Not a ``jQ1olc`` batchexecute request.
    """
    form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
    rpc = json.loads(form["f.req"][0])
    rpc_id, parameter, _, _ = rpc[0][0]
    if rpc_id != RPC_ID:
        raise ValueError(f"unexpected RPC {rpc_id!r}")
    text, lang, speed, _ = json.loads(parameter)
    return str(text), str(lang), bool(speed)


class GttsStandIn:
    """The stand-in server (127.0.0.1, ephemeral port); use as a context manager."""

    def __init__(self) -> None:
        self.mode: Mode = "ok"
        self.requests: list[StandInRequest] = []
        self.served: list[bytes] = []
        self._gates: dict[str, Gate] = {}
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, for ``GttsEngine(base_url=...)``."""
        if self._server is None:
            raise RuntimeError("stand-in not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def texts(self) -> list[str | None]:
        """The texts asked for, in order."""
        with self._changed:
            return [request.text for request in self.requests]

    def hold(self, text: str) -> Gate:
        """Answer requests for ``text`` only after ``gate.release()``."""
        gate = Gate()
        self._gates[text] = gate
        return gate

    def wait_for_requests(self, count: int, timeout_s: float = 10.0) -> bool:
        """Wait until at least ``count`` requests arrived."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.requests) >= count, timeout_s)

    def start(self) -> GttsStandIn:
        """Start serving in a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="gtts-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release hung requests and stop the server."""
        self._stopping.set()
        for gate in self._gates.values():
            gate.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> GttsStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, request: StandInRequest) -> None:
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()


def _handler_for(standin: GttsStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                text, lang, slow = parse_rpc(body)
            except (KeyError, ValueError, IndexError, TypeError):
                text, lang, slow = None, None, False
            standin._record(
                StandInRequest("POST", self.path, text, lang, slow, dict(self.headers.items()))
            )
            gate = standin._gates.get(text or "")
            if gate is not None:
                gate.arrived.set()
                gate.released.wait()
            if urllib.parse.urlsplit(self.path).path != PATH or text is None:
                self._send(400, b"bad request", "text/plain")
            elif standin.mode == "fail":
                self._send(500, b"internal error", "text/plain")
            elif standin.mode == "hang":
                standin._stopping.wait()
                self.close_connection = True
            elif standin.mode == "trickle":
                self._trickle()
            elif standin.mode == "noaudio":
                self._send(200, batchexecute_envelope(None), "application/json; charset=utf-8")
            else:
                audio = mp3_of(text)
                standin.served.append(audio)
                payload = base64.b64encode(audio).decode("ascii")
                self._send(200, batchexecute_envelope(payload), "application/json; charset=utf-8")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _trickle(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.flush()
            try:
                while not standin._stopping.wait(0.2):
                    self.wfile.write(b" ")
                    self.wfile.flush()
            except OSError:
                pass
            self.close_connection = True

    return Handler


@pytest.fixture
def gtts_standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[GttsStandIn]:
    """A started stand-in (mode ``ok``); proxies are cleared so requests reach 127.0.0.1.

    gTTS sends ``proxies=urllib.request.getproxies()`` itself, which ignores ``no_proxy``.
    """
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with GttsStandIn() as standin:
        yield standin
