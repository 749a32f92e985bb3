"""A small REST client for the live coach used by the integration tests."""

from __future__ import annotations

import uuid
from typing import Any

import requests

from tests.conftest import LiveCoach


class Conversation:
    """One user's conversation with the live coach over the REST channel."""

    def __init__(self, coach: LiveCoach, sender: str | None = None) -> None:
        self.coach = coach
        self.sender = sender or f"test-{uuid.uuid4().hex[:10]}"

    @property
    def webhook(self) -> str:
        return f"{self.coach.settings.rasa_url}/webhooks/rest/webhook"

    def send(self, text: str) -> list[dict[str, Any]]:
        reply = requests.post(
            self.webhook, json={"sender": self.sender, "message": text}, timeout=30
        )
        assert reply.status_code == 200, reply.text
        return reply.json()

    def say(self, text: str) -> str:
        """Send ``text``; return all reply texts joined with newlines."""
        return "\n".join(m.get("text", "") for m in self.send(text) if m.get("text"))

    def tracker(self) -> dict[str, Any]:
        reply = requests.get(
            f"{self.coach.settings.rasa_url}/conversations/{self.sender}/tracker",
            params={"token": self.coach.token},
            timeout=30,
        )
        assert reply.status_code == 200, reply.text
        return reply.json()

    def user_texts(self) -> list[str]:
        return [e["text"] for e in self.tracker()["events"] if e["event"] == "user"]


def parse(coach: LiveCoach, text: str) -> dict[str, Any]:
    """NLU parse of ``text`` through the Rasa HTTP API."""
    reply = requests.post(
        f"{coach.settings.rasa_url}/model/parse",
        params={"token": coach.token},
        json={"text": text},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    return reply.json()
