"""What the channel tests share: a recording sleep, a webhook chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import requests

from tests.channels.standins.base import Recorded, StandInServer
from tests.conftest import LiveCoach
from tests.support.tracker import wait_for_user_texts


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
        """What reached the bot from this user (channels that answer the webhook after the
        turn, as these do, have stored the tracker by then: nothing to wait for)."""
        return wait_for_user_texts(self.coach, self.sender_id, 0)

    def assert_untouched(self) -> None:
        """Nothing reached the bot, and the coach sent this user nothing."""
        assert self.calls() == []
        assert self.user_texts() == []
