"""What the channel tests share: what reached the bot, a recording sleep, a webhook chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from urllib.parse import quote

import requests

from tests.channels.standins.base import Recorded, StandInServer
from tests.conftest import LiveCoach


def tracker_user_texts(
    coach: LiveCoach, sender: str, stored: int = 0, distinct: bool = False
) -> list[str]:
    """The user messages in ``sender``'s tracker, once at least ``stored`` are saved.

    With ``distinct``, each text counts once, in the order it first came: a message the
    coach was not sure of is logged again when the fallback replays it.

    Channels that answer the webhook after the turn (Telegram, Messenger, Twilio) have saved
    the tracker by then; Slack processes in the background, so this polls (every 0.1 s, for
    at most 30 s) the Rasa HTTP API until the last message is stored.
    """
    # Rasa's routes match the raw path (no unquoting): "+" and ":" of phone ids stay as they are.
    url = f"{coach.settings.rasa_url}/conversations/{quote(sender, safe='+:')}/tracker"
    deadline = time.monotonic() + 30
    while True:
        reply = requests.get(url, params={"token": coach.token}, timeout=30)
        assert reply.status_code == 200, reply.text
        texts = [event["text"] for event in reply.json()["events"] if event["event"] == "user"]
        if distinct:
            texts = list(dict.fromkeys(texts))
        if len(texts) >= stored or time.monotonic() > deadline:
            return texts
        time.sleep(0.1)


class Sleeps:
    """Records the waits an API client asks for between tries (they pass at once)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


class WebhookChat:
    """One user's conversation, played from the platform's side: updates posted to the coach's
    webhook, the coach's calls read from the platform's stand-in.

    Subclasses say which calls concern this user (:meth:`calls`) and which of them carry a
    message (:meth:`is_message`).
    """

    def __init__(self, coach: LiveCoach, api: StandInServer, sender_id: str) -> None:
        self.coach = coach
        self.api = api
        self.sender_id = sender_id

    def calls(self) -> list[Recorded]:
        """Every API call about this conversation so far."""
        raise NotImplementedError

    def is_message(self, call: Recorded) -> bool:
        """Whether ``call`` sends the user a message (not a typing indicator...)."""
        raise NotImplementedError

    def messages(self) -> list[Recorded]:
        """The calls that sent the user a message."""
        return [call for call in self.calls() if self.is_message(call)]

    def exchange(self, post: Callable[[], requests.Response]) -> list[Recorded]:
        """Post to the webhook; the messages it caused (the coach answers the webhook after
        sending them, so they are all there)."""
        before = len(self.messages())
        reply = post()
        assert reply.status_code == 200, reply.text
        return self.messages()[before:]

    def trigger(self, intent: str, output_channel: str) -> list[Recorded]:
        """Make the coach start a turn (Rasa's HTTP API, as a reminder would); the messages
        it sent."""
        before = len(self.messages())
        reply = requests.post(
            f"{self.coach.settings.rasa_url}/conversations/{self.sender_id}/trigger_intent",
            params={"token": self.coach.token, "output_channel": output_channel},
            json={"name": intent},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        return self.messages()[before:]

    def user_texts(self) -> list[str]:
        """What reached the bot from this user."""
        return tracker_user_texts(self.coach, self.sender_id)

    def assert_untouched(self) -> None:
        """Nothing reached the bot, and the coach sent this user nothing."""
        assert self.calls() == []
        assert self.user_texts() == []
