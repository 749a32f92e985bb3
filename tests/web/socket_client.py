"""A Socket.IO client speaking the web chat widget's protocol, for the channel tests."""

from __future__ import annotations

import queue
import uuid
from typing import Any

import socketio

from tests.conftest import LiveCoach
from tests.support.tracker import wait_for_user_texts

WAIT_S = 30.0


class WidgetClient:
    """One connection to the coach's Socket.IO channel, like the rasa-webchat widget.

    Attributes:
        session_id: The conversation id confirmed by the server.
        received: ``bot_uttered`` payloads in arrival order.
    """

    def __init__(
        self, coach: LiveCoach, *, origin: str | None = None, session_id: str | None = None
    ) -> None:
        """Connect (sending ``origin`` as the Origin header) and request a session.

        Raises:
            socketio.exceptions.ConnectionError: The server refused the connection.
        """
        self.coach = coach
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        confirmed: queue.Queue[str] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.received.put)
        self.client.on("session_confirm", confirmed.put)
        headers = {"Origin": origin} if origin else {}
        self.client.connect(
            coach.settings.rasa_url, headers=headers, transports=["polling"], wait_timeout=10
        )
        self.client.emit("session_request", {"session_id": session_id or uuid.uuid4().hex})
        self.session_id = confirmed.get(timeout=WAIT_S)

    def emit(self, data: Any) -> None:
        """Send raw ``user_uttered`` data."""
        self.client.emit("user_uttered", data)

    def send(self, message: str) -> None:
        """Send a message as the widget does."""
        self.emit({"message": message, "customData": {}, "session_id": self.session_id})

    def next(self, timeout: float = WAIT_S) -> dict[str, Any]:
        """The next ``bot_uttered`` payload (fails after ``timeout`` seconds)."""
        try:
            return self.received.get(timeout=timeout)
        except queue.Empty as error:
            raise AssertionError(f"no bot_uttered within {timeout:.0f} s") from error

    def next_text(self, containing: str = "", timeout: float = WAIT_S) -> str:
        """Skip payloads until a text containing ``containing``; return that text."""
        while True:
            text = self.next(timeout).get("text") or ""
            if containing in text:
                return text

    def user_texts(self, at_least: int = 0, timeout: float = WAIT_S) -> list[str]:
        """The user messages the coach's tracker holds for this conversation.

        Rasa stores the tracker after a turn's last message is sent, so this waits until the
        tracker holds ``at_least`` user messages and returns them all; it fails if they are
        not there after ``timeout`` seconds.
        """
        return wait_for_user_texts(self.coach, self.session_id, at_least, timeout_s=timeout)

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
