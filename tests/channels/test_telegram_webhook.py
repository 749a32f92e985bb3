"""The Telegram channel end to end: the live coach, real HTTP, the Bot API stand-in.

Telegram's side is played by posting real ``Update`` payloads to the coach's webhook; the
Bot API is the stand-in on ``live_coach.api_ports["telegram"]``, where the coach's client
sends its replies. The webhook processes a message before answering, so the stand-in has the
replies when the POST returns.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bot.channels.rate_limit import RateLimitSettings
from bot.channels.telegram import TelegramSettings
from bot.rasa_adapters.channels.base import RATE_LIMIT_REPLY
from bot.rasa_adapters.channels.telegram import EXPIRED_BUTTON_NOTICE, TelegramInput
from tests.channels.helpers import WebhookChat
from tests.channels.standins.base import Recorded
from tests.channels.standins.telegram_api import (
    TelegramStandIn,
    callback_update,
    edited_update,
    message_update,
    sticker_update,
)
from tests.conftest import CHANNEL_SECRETS, LiveCoach

pytestmark = [pytest.mark.integration, pytest.mark.channels]

TOKEN = CHANNEL_SECRETS["telegram"]["RETROWALK_TELEGRAM_TOKEN"]
SECRET = CHANNEL_SECRETS["telegram"]["RETROWALK_TELEGRAM_SECRET"]
_chat_ids = itertools.count(700_000_001)


@pytest.fixture(scope="module")
def bot_api(live_coach: LiveCoach) -> Iterator[TelegramStandIn]:
    with TelegramStandIn(live_coach.api_ports["telegram"], TOKEN) as server:
        yield server


class TelegramChat(WebhookChat):
    """One private chat with the coach, played from Telegram's side."""

    api: TelegramStandIn

    def __init__(self, coach: LiveCoach, api: TelegramStandIn) -> None:
        self.chat_id = next(_chat_ids)
        super().__init__(coach, api, str(self.chat_id))

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> requests.Response:
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        return requests.post(
            self.coach.webhook_url("telegram"), json=update, headers=headers, timeout=60
        )

    def calls(self) -> list[Recorded]:
        """Every Bot API call about this chat so far."""
        return self.api.requests(lambda r: str(r.fields.get("chat_id")) == self.sender_id)

    def is_message(self, call: Recorded) -> bool:
        return call.name in ("sendMessage", "sendPhoto")

    def say(self, text: str) -> list[Recorded]:
        """Send a text message; the bot's messages it caused."""
        return self.exchange(lambda: self.post(message_update(self.chat_id, text)))

    def press(self, keyboard: Recorded, title: str) -> list[Recorded]:
        """Press the button titled ``title`` of the keyboard sent in ``keyboard``."""
        data = button_data(keyboard, title)
        message = {
            "message_id": 1,
            "chat": {"id": self.chat_id, "type": "private"},
            "text": keyboard.fields["text"],
            "reply_markup": keyboard.fields["reply_markup"],
        }
        return self.exchange(lambda: self.post(callback_update(self.chat_id, data, message)))


def texts(calls: list[Recorded]) -> str:
    return "\n".join(str(c.fields.get("text", "")) for c in calls if c.name == "sendMessage")


def keyboard_of(calls: list[Recorded]) -> Recorded:
    """The (last) message that carried an inline keyboard."""
    with_keyboard = [c for c in calls if "reply_markup" in c.fields]
    assert with_keyboard, f"no keyboard in {texts(calls)!r}"
    return with_keyboard[-1]


def button_data(message: Recorded, title: str) -> str:
    for row in message.fields["reply_markup"]["inline_keyboard"]:
        for button in row:
            if button["text"] == title:
                return str(button["callback_data"])
    raise AssertionError(f"no button {title!r} in {message.fields['reply_markup']}")


@pytest.fixture
def chat(live_coach: LiveCoach, bot_api: TelegramStandIn) -> TelegramChat:
    return TelegramChat(live_coach, bot_api)


def test_start_command_greets_with_an_inline_keyboard(chat: TelegramChat) -> None:
    sent = chat.say("/start")
    assert "walking backwards" in texts(sent)
    greeting = keyboard_of(sent)
    rows = greeting.fields["reply_markup"]["inline_keyboard"]
    assert {"text": "How do I start?", "callback_data": "How do I start walking backwards?"} in [
        row[0] for row in rows
    ]
    assert chat.user_texts() == ["/greet"]
    # "typing..." was shown before the first reply.
    first = chat.calls()[0]
    assert first.name == "sendChatAction" and first.fields["action"] == "typing"


def test_pressing_a_button_answers_the_query_and_sends_the_payload(
    chat: TelegramChat, bot_api: TelegramStandIn
) -> None:
    greeting = keyboard_of(chat.say("hi"))
    before = len(bot_api.calls("answerCallbackQuery"))
    answer = chat.press(greeting, "What are the benefits?")
    answered = bot_api.calls("answerCallbackQuery")[before:]
    assert len(answered) == 1 and answered[0].fields["callback_query_id"].startswith("cbq-")
    assert "text" not in answered[0].fields  # no notice: the button worked
    assert "balance" in texts(answer).lower()
    assert chat.user_texts()[-1] == "What are the benefits of walking backwards?"


def test_plan_form_by_buttons_and_text(chat: TelegramChat) -> None:
    chat.say("hi")
    asked = chat.say("make me a plan")
    assert "walked backwards for exercise before" in texts(asked)
    assert "How old are you" in texts(chat.press(keyboard_of(asked), "Never"))
    conditions = chat.say("I'm 52")
    assert "injuries or health conditions" in texts(conditions)
    location = chat.press(keyboard_of(conditions), "None")
    assert "Where will you walk" in texts(location)
    goal = chat.press(keyboard_of(location), "Track or path")
    assert "main goal" in texts(goal)
    minutes = chat.press(keyboard_of(goal), "Balance")
    assert "minutes" in texts(minutes)
    assert "days a week" in texts(chat.say("30 minutes"))
    plan = chat.say("3 days a week")
    plan_text = texts(plan)
    assert "not medical advice" in plan_text
    assert "Week 1" in plan_text or "week 1" in plan_text
    assert "Today's session" in str(keyboard_of(plan).fields["reply_markup"])
    assert chat.user_texts()[1:] == [
        "make me a plan",
        "Never tried it",
        "I'm 52",
        "None",
        "Outdoors on a track or path",
        "Better balance",
        "30 minutes",
        "3 days a week",
    ]


def test_progress_chart_is_uploaded_as_a_photo(chat: TelegramChat) -> None:
    chat.say("hi")
    feel = chat.say("I walked 10 minutes backwards today")
    assert "Logged 10 minutes" in texts(feel) and "How did it feel?" in texts(feel)
    assert "noted: it felt easy" in texts(chat.press(keyboard_of(feel), "Easy"))
    progress = chat.say("how am I doing?")
    photos = [c for c in progress if c.name == "sendPhoto"]
    assert len(photos) == 1
    photo = photos[0]
    assert photo.headers["Content-Type"].startswith("multipart/form-data")
    assert photo.files["photo"].content_type == "image/png"
    assert photo.files["photo"].data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(photo.files["photo"].data) > 1000
    assert progress.index(photo) > 0  # after the summary text


@pytest.mark.parametrize("secret", [None, "wrong-secret", SECRET + "x", ""])
def test_forged_or_unsigned_updates_never_reach_the_bot(
    chat: TelegramChat, secret: str | None
) -> None:
    reply = chat.post(message_update(chat.chat_id, "make me a plan"), secret=secret)
    assert reply.status_code == 403
    chat.assert_untouched()


def test_a_replayed_update_is_answered_once(chat: TelegramChat) -> None:
    update = message_update(chat.chat_id, "what shoes should I wear?")
    assert chat.post(update).status_code == 200
    first = chat.calls()
    assert any("shoe" in str(c.fields.get("text", "")).lower() for c in first)
    replay = chat.post(update)
    assert replay.status_code == 200 and replay.json() == {"status": "duplicate"}
    assert chat.calls() == first
    assert chat.user_texts() == ["what shoes should I wear?"]


@pytest.mark.parametrize("kind", ["edited", "sticker"])
def test_edits_and_stickers_are_ignored(chat: TelegramChat, kind: str) -> None:
    update = edited_update(chat.chat_id, "hi") if kind == "edited" else sticker_update(chat.chat_id)
    reply = chat.post(update)
    assert reply.status_code == 200 and reply.json() == {"status": "ignored"}
    chat.assert_untouched()


def test_malformed_body_is_a_400(chat: TelegramChat, live_coach: LiveCoach) -> None:
    reply = requests.post(
        live_coach.webhook_url("telegram"),
        data=b"{not json",
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
        timeout=30,
    )
    assert reply.status_code == 400
    assert chat.post({"message": {"text": "no update id"}}).status_code == 400


def test_an_overlong_message_is_refused_politely(chat: TelegramChat) -> None:
    sent = chat.say("walk " * 401)  # 2,005 characters; the limit is 2,000
    assert len(sent) == 1 and "too long" in texts(sent)
    assert chat.user_texts() == []


def test_an_expired_long_payload_button_tells_the_user(chat: TelegramChat) -> None:
    update = callback_update(chat.chat_id, "#k:unknownkey0000000000")
    assert chat.post(update).status_code == 200
    (answered,) = [
        c
        for c in chat.api.calls("answerCallbackQuery")
        if c.fields["callback_query_id"] == update["callback_query"]["id"]
    ]
    assert answered.fields["text"] == EXPIRED_BUTTON_NOTICE
    assert chat.user_texts() == []


def burst_size(coach: LiveCoach) -> int:
    """How many messages a sender may send at once on the live coach."""
    return int(float(coach.env.get("RETROWALK_RATE_BURST") or RateLimitSettings().burst))


def test_a_flooding_chat_is_rate_limited(chat: TelegramChat, live_coach: LiveCoach) -> None:
    """Burst + 4 messages at once: the burst is served, the rest dropped with one notice."""
    burst = burst_size(live_coach)
    total = burst + 4
    start = threading.Barrier(total)
    statuses: list[int] = []

    def send(number: int) -> None:
        update = message_update(chat.chat_id, f"hello number {number}")
        start.wait(10)
        statuses.append(chat.post(update).status_code)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(total)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert statuses == [200] * total
    notices = [c for c in chat.calls() if c.fields.get("text") == RATE_LIMIT_REPLY]
    assert len(notices) == 1
    assert burst <= len(chat.user_texts()) < total


def test_messages_the_coach_starts_go_out_through_telegram(chat: TelegramChat) -> None:
    """Rasa's HTTP API with ``output_channel=telegram`` uses ``get_output_channel``."""
    chat.say("hi")  # an existing conversation (a new one trips Rasa's session start)
    assert "walking backwards" in texts(chat.trigger("greet", output_channel="telegram"))


def test_custom_payloads_only_their_telegram_part_is_sent(bot_api: TelegramStandIn) -> None:
    channel = TelegramInput(TelegramSettings(token=TOKEN, secret=SECRET, api_url=bot_api.url))
    output = channel.get_output_channel()
    chat_id = str(next(_chat_ids))

    async def send() -> None:
        await output.send_response(chat_id, {"custom": {"type": "retrowalk_session", "week": 1}})
        await output.send_response(
            chat_id, {"custom": {"telegram": {"text": "<b>Week 1</b>", "parse_mode": "HTML"}}}
        )
        await output.send_response(
            chat_id, {"text": "Pick", "quick_replies": [{"title": "A", "payload": "/a"}]}
        )
        await channel.api.close()

    asyncio.run(send())
    sent = [c for c in bot_api.calls("sendMessage") if c.fields["chat_id"] == chat_id]
    assert [c.fields["text"] for c in sent] == ["<b>Week 1</b>", "Pick"]
    assert sent[0].fields["parse_mode"] == "HTML"
    assert sent[1].fields["reply_markup"] == {
        "inline_keyboard": [[{"text": "A", "callback_data": "/a"}]]
    }
