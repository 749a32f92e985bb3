"""A REST chat client and database checks for the topology tests."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import requests
import sqlalchemy as sa

from operations.topology import Topology


class Chat:
    """One user's conversation over REST, through nginx or with one chosen instance.

    Args:
        topology: The running topology.
        sender: The user id (default: a new random one).
    """

    def __init__(self, topology: Topology, sender: str | None = None) -> None:
        self.topology = topology
        self.sender = sender or f"topo-{uuid.uuid4().hex[:10]}"
        self.last_latency_s = 0.0

    def send(self, text: str, base_url: str | None = None) -> list[dict[str, Any]]:
        """Send ``text`` to ``base_url`` (default nginx); the bot's messages."""
        url = f"{base_url or self.topology.url}/webhooks/rest/webhook"
        began = time.monotonic()
        reply = requests.post(url, json={"sender": self.sender, "message": text}, timeout=60)
        self.last_latency_s = time.monotonic() - began
        assert reply.status_code == 200, reply.text
        messages: list[dict[str, Any]] = reply.json()
        assert all(m.get("recipient_id") == self.sender for m in messages), messages
        return messages

    def say(self, text: str, base_url: str | None = None) -> str:
        """Send ``text``; all reply texts joined with newlines."""
        return "\n".join(m["text"] for m in self.send(text, base_url) if m.get("text"))

    def tracker(self, base_url: str | None = None) -> dict[str, Any]:
        """The conversation's tracker from the Rasa HTTP API."""
        reply = requests.get(
            f"{base_url or self.topology.url}/conversations/{self.sender}/tracker",
            params={"token": self.topology.token},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        tracker: dict[str, Any] = reply.json()
        return tracker


def stored_events(topology: Topology, sender: str) -> list[dict[str, Any]]:
    """Every stored conversation event of ``sender``, in storage order (straight from SQL)."""
    engine = sa.create_engine(topology.database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            ).all()
    finally:
        engine.dispose()
    return [json.loads(row.data) for row in rows]


def user_texts(events: list[dict[str, Any]]) -> list[str]:
    """The user messages among ``events``, each once.

    When the coach is not sure of a message, its fallback rewinds the next one and Rasa logs
    that one again: a ``rewind`` event undoes the user message before it.
    """
    texts: list[str] = []
    for event in events:
        if event["event"] == "user":
            texts.append(event["text"])
        elif event["event"] == "rewind" and texts:
            texts.pop()
    return texts


def bot_texts(events: list[dict[str, Any]]) -> list[str]:
    """The bot's text messages among ``events``."""
    return [e["text"] for e in events if e["event"] == "bot" and e.get("text")]


def walk_minutes(topology: Topology, senders: list[str] | None = None) -> dict[str, list[float]]:
    """Stored walk minutes per user, in the order they were logged."""
    engine = sa.create_engine(topology.database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT user_id, backward_minutes FROM walk_logs ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    minutes: dict[str, list[float]] = {}
    for row in rows:
        if senders is None or row.user_id in senders:
            minutes.setdefault(row.user_id, []).append(float(row.backward_minutes))
    return minutes
