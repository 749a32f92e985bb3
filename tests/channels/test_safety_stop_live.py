"""An acute warning symptom on every messaging platform, end to end.

Telegram, Slack, Twilio SMS, Twilio WhatsApp and Messenger, each played from the platform's
side against the live coach (signed webhooks in, the platform API stand-ins of
``tests/channels/standins/`` recording what the coach sends). For the user's own heart attack
and for someone else who collapsed, the user gets the stop message as text, and never the
``retrowalk_safety`` payload the coach sends with it (these platforms show text only; the
tracker shows the coach did send it, so the channel is what kept it off the screen).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.protocol import SAFETY_TYPE
from tests.channels.standins.base import Recorded
from tests.channels.standins.messenger_api import MessengerStandIn
from tests.channels.standins.slack_api import SlackApiStandIn
from tests.channels.standins.telegram_api import TelegramStandIn
from tests.channels.standins.twilio_api import TwilioApiStandIn
from tests.channels.test_messenger_webhook import (
    MessengerChat,
    graph,  # noqa: F401  (fixture)
)
from tests.channels.test_slack_live import (
    SlackUser,
    post_text,
    slack_api,  # noqa: F401  (fixture)
)
from tests.channels.test_telegram_webhook import (
    TelegramChat,
    bot_api,  # noqa: F401  (fixture)
)
from tests.channels.test_twilio_live import (
    Phone,
    twilio_api,  # noqa: F401  (fixture)
)
from tests.conftest import LiveCoach
from tests.integration.test_safety_stop_rest import (
    ACUTE_OTHER,
    ACUTE_SELF_CHEST,
    assert_not_raw,
    assert_other_stop,
    assert_safety_payload,
    assert_self_chest_stop,
    expected_number,
    safety_payloads_sent,
    stop_text,
)

pytestmark = [pytest.mark.integration, pytest.mark.channels]

PLATFORMS = ["telegram", "slack", "twilio_sms", "twilio_whatsapp", "messenger"]


@dataclass
class PlatformUser:
    """One user on one platform: how to send a message, and what the coach sent them.

    Attributes:
        sender: The conversation id the coach keeps for this user.
        send: Posts a message to the coach's webhook (signed, as the platform does).
        calls: Every platform API call the coach made about this user.
        shown: The texts of those calls that the user reads.
    """

    sender: str
    send: Callable[[str], object]
    calls: Callable[[], list[Recorded]]
    shown: Callable[[], list[str]]


def telegram_user(coach: LiveCoach, api: TelegramStandIn) -> PlatformUser:
    chat = TelegramChat(coach, api)
    return PlatformUser(
        sender=chat.sender_id,
        send=chat.say,
        calls=chat.calls,
        shown=lambda: [str(c.value("text") or c.value("caption") or "") for c in chat.messages()],
    )


def slack_user(coach: LiveCoach, api: SlackApiStandIn) -> PlatformUser:
    user = SlackUser(coach, api)
    return PlatformUser(
        sender=user.user,
        send=user.say,  # answered at once; the replies are posted in the background
        calls=lambda: api.requests(lambda r: r.value("channel") == user.channel),
        shown=lambda: [post_text(post) for post in user.posts()],
    )


def twilio_user(coach: LiveCoach, api: TwilioApiStandIn, kind: str) -> PlatformUser:
    phone = Phone(coach, api, kind)
    return PlatformUser(
        sender=phone.address,
        send=phone.text,
        calls=lambda: api.requests(lambda r: r.value("To") == phone.address),
        shown=lambda: [str(r.value("Body") or "") for r in phone.received()],
    )


def messenger_user(coach: LiveCoach, api: MessengerStandIn) -> PlatformUser:
    chat = MessengerChat(coach, api)
    return PlatformUser(
        sender=chat.sender_id,
        send=chat.say,
        calls=chat.calls,
        shown=lambda: [str(c.fields["message"].get("text", "")) for c in chat.messages()],
    )


@pytest.fixture(params=PLATFORMS)
def user(request: pytest.FixtureRequest, live_coach: LiveCoach) -> PlatformUser:
    """A new user on each platform in turn (the platform's stand-in started for the module)."""
    platform = request.param
    if platform == "telegram":
        return telegram_user(live_coach, request.getfixturevalue("bot_api"))
    if platform == "slack":
        return slack_user(live_coach, request.getfixturevalue("slack_api"))
    if platform.startswith("twilio_"):
        api = request.getfixturevalue("twilio_api")
        return twilio_user(live_coach, api, platform.removeprefix("twilio_"))
    return messenger_user(live_coach, request.getfixturevalue("graph"))


def stop_turn(coach: LiveCoach, user: PlatformUser, message: str) -> list[str]:
    """Send ``message``; once the coach has finished the turn, every text the user was shown.

    The turn is over when the coach's tracker holds the payload it sent (Rasa saves the
    tracker after the turn's last message went out, also for Slack's background replies).
    """
    user.send(message)
    payloads = safety_payloads_sent(coach, user.sender)
    assert len(payloads) == 1, payloads
    shown = user.shown()
    for text in shown:
        assert_not_raw(text)
    # Nothing the coach sent the platform carries the payload, shown or not.
    for call in user.calls():
        assert SAFETY_TYPE not in json.dumps(call.fields) + call.body.decode("utf-8", "replace")
    return shown


def test_a_heart_attack_gets_the_stop_message_and_no_payload(
    live_coach: LiveCoach, user: PlatformUser
) -> None:
    number = expected_number(live_coach)
    shown = stop_turn(live_coach, user, ACUTE_SELF_CHEST)  # the user's first message
    assert_self_chest_stop(stop_text(shown, number), number)
    [payload] = safety_payloads_sent(live_coach, user.sender)
    assert_safety_payload(payload, number, kind="chest", who="self")


def test_someone_else_collapsing_gets_call_and_cpr_advice_and_no_payload(
    live_coach: LiveCoach, user: PlatformUser
) -> None:
    number = expected_number(live_coach)
    shown = stop_turn(live_coach, user, ACUTE_OTHER)
    assert_other_stop(stop_text(shown, number), number)
    [payload] = safety_payloads_sent(live_coach, user.sender)
    assert_safety_payload(payload, number, kind=None, who="other")
