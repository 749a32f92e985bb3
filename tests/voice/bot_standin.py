"""A stand-in for the bot's REST channel: a real HTTP server on localhost that answers
whatever a test chooses, for replies the real bot cannot be made to give on demand (5xx,
garbage, a hang, a stop decision for a chosen message)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Handler = Callable[[dict[str, Any]], tuple[int, bytes]]


class StandIn:
    """A real HTTP server on localhost whose answer each test chooses."""

    def __init__(self) -> None:
        self.answer: Handler = lambda body: (200, b"[]")
        self.received: list[dict[str, Any]] = []
        self.release = threading.Event()
        stand_in = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                stand_in.received.append(body)
                status, data = stand_in.answer(body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    server = StandIn()
    yield server
    server.close()


def reply_with(messages: Any, status: int = 200) -> Handler:
    data = messages if isinstance(messages, bytes) else json.dumps(messages).encode()
    return lambda body: (status, data)
