"""The tracker-polling helper against a stand-in of Rasa's tracker endpoint.

The stand-in is a real HTTP server on 127.0.0.1 answering ``GET
/conversations/<id>/tracker?token=...`` with Rasa's JSON (``{"events": [...]}``); each
conversation's events grow as a test stores them, as Rasa's do at the end of a turn.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from bot.settings import Settings
from tests.support.tracker import tracker_events, user_texts, wait_for_user_texts

TOKEN = "tracker-test-token"


class TrackerStandIn(ThreadingHTTPServer):
    """Rasa's ``/conversations/<id>/tracker`` route over conversations held in memory."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.events: dict[str, list[dict[str, object]]] = {}
        self.reads: list[tuple[str, dict[str, list[str]]]] = []
        self.read_done = threading.Condition()

    def store(self, sender: str, *texts: str) -> None:
        """Store user messages (each followed by a bot event, as a turn would)."""
        for text in texts:
            self.events.setdefault(sender, []).append({"event": "user", "text": text})
            self.events[sender].append({"event": "bot", "text": f"re: {text}"})


class _Handler(BaseHTTPRequestHandler):
    server: TrackerStandIn

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        parts = url.path.split("/")
        query = parse_qs(url.query)
        if len(parts) != 4 or parts[1] != "conversations" or parts[3] != "tracker":
            self._answer(404, {"message": "no such route"})
        elif query.get("token") != [TOKEN]:
            self._answer(401, {"message": "bad token"})
        else:
            sender = unquote(parts[2])
            with self.server.read_done:
                self.server.reads.append((sender, query))
                self.server.read_done.notify_all()
            self._answer(200, {"sender_id": sender, "events": self.server.events.get(sender, [])})

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@dataclass
class Coach:
    """The two things the helper reads from a running coach."""

    settings: Settings
    token: str = TOKEN


@pytest.fixture
def stand_in() -> Iterator[TrackerStandIn]:
    server = TrackerStandIn()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def coach(stand_in: TrackerStandIn) -> Coach:
    return Coach(replace(Settings(), host="127.0.0.1", rasa_port=stand_in.server_address[1]))


def test_it_returns_at_once_when_the_messages_are_stored(
    stand_in: TrackerStandIn, coach: Coach
) -> None:
    stand_in.store("ann", "hi", "make me a plan")
    assert wait_for_user_texts(coach, "ann", 2) == ["hi", "make me a plan"]
    assert wait_for_user_texts(coach, "ann", 0) == ["hi", "make me a plan"]
    assert len(stand_in.reads) == 2


def test_it_waits_until_a_later_store(stand_in: TrackerStandIn, coach: Coach) -> None:
    stand_in.store("bob", "hi")

    def store_after_two_reads() -> None:
        with stand_in.read_done:
            stand_in.read_done.wait_for(lambda: len(stand_in.reads) >= 2, timeout=10)
        stand_in.store("bob", "I walked 10 minutes")

    writer = threading.Thread(target=store_after_two_reads)
    writer.start()
    assert wait_for_user_texts(coach, "bob", 2, timeout_s=10) == ["hi", "I walked 10 minutes"]
    writer.join()
    assert len(stand_in.reads) >= 3


def test_it_fails_at_the_deadline_saying_what_was_missing(
    stand_in: TrackerStandIn, coach: Coach
) -> None:
    stand_in.store("cy", "hi")
    with pytest.raises(AssertionError) as failure:
        wait_for_user_texts(coach, "cy", 3, timeout_s=0.3)
    message = str(failure.value)
    assert "'cy'" in message and "3 user messages" in message and "0.3 s" in message
    assert "['hi']" in message


def test_distinct_counts_a_replayed_message_once(stand_in: TrackerStandIn, coach: Coach) -> None:
    stand_in.store("dee", "hi", "walk?", "walk?", "ok")
    assert wait_for_user_texts(coach, "dee", 3, distinct=True) == ["hi", "walk?", "ok"]
    with pytest.raises(AssertionError, match="4 distinct user messages"):
        wait_for_user_texts(coach, "dee", 4, distinct=True, timeout_s=0.2)
    assert user_texts(tracker_events(coach, "dee")) == ["hi", "walk?", "walk?", "ok"]


def test_phone_ids_keep_plus_and_colon_and_include_events_is_passed(
    stand_in: TrackerStandIn, coach: Coach
) -> None:
    stand_in.store("whatsapp:+15550001", "hello")
    events = tracker_events(coach, "whatsapp:+15550001", include_events="ALL")
    assert user_texts(events) == ["hello"]
    sender, query = stand_in.reads[-1]
    assert sender == "whatsapp:+15550001" and query["include_events"] == ["ALL"]


def test_a_refused_read_fails_with_the_status(stand_in: TrackerStandIn, coach: Coach) -> None:
    with pytest.raises(AssertionError, match="401"):
        tracker_events(replace(coach, token="wrong"), "ann")
