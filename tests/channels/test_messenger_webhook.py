"""The Messenger channel end to end: the live coach, real HTTP, the Send API stand-in.

Facebook's side is played by posting signed Page webhooks to the coach; the Send API is the
stand-in on ``live_coach.api_ports["messenger"]``, where the coach's client sends its
replies. The webhook processes the events before answering, so the stand-in has the replies
when the POST returns.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bot.channels.messenger import DEFAULT_GRAPH_VERSION, MessengerSettings
from bot.rasa_adapters.channels.messenger import MessengerInput
from tests.channels.helpers import WebhookChat
from tests.channels.standins import messenger_api as facebook
from tests.channels.standins.base import Recorded
from tests.channels.standins.messenger_api import MessengerStandIn, encode, signature, webhook_body
from tests.conftest import CHANNEL_SECRETS, LiveCoach

pytestmark = [pytest.mark.integration, pytest.mark.channels]

PAGE_TOKEN = CHANNEL_SECRETS["messenger"]["RETROWALK_MESSENGER_PAGE_TOKEN"]
APP_SECRET = CHANNEL_SECRETS["messenger"]["RETROWALK_MESSENGER_APP_SECRET"]
VERIFY_TOKEN = CHANNEL_SECRETS["messenger"]["RETROWALK_MESSENGER_VERIFY_TOKEN"]
_psids = itertools.count(880_000_000_000_001)


@pytest.fixture(scope="module")
def graph(live_coach: LiveCoach) -> Iterator[MessengerStandIn]:
    with MessengerStandIn(live_coach.api_ports["messenger"], PAGE_TOKEN) as server:
        yield server


def post_raw(
    coach: LiveCoach, raw: bytes, header: str | None, content_type: str = "application/json"
) -> requests.Response:
    headers = {"Content-Type": content_type}
    if header is not None:
        headers["X-Hub-Signature-256"] = header
    return requests.post(coach.webhook_url("messenger"), data=raw, headers=headers, timeout=60)


class MessengerChat(WebhookChat):
    """One user's conversation with the Page, played from Facebook's side."""

    api: MessengerStandIn

    def __init__(self, coach: LiveCoach, api: MessengerStandIn) -> None:
        self.psid = str(next(_psids))
        super().__init__(coach, api, self.psid)

    def post(self, *events: dict[str, Any], secret: str | None = APP_SECRET) -> requests.Response:
        raw = encode(webhook_body(*events))
        return post_raw(self.coach, raw, None if secret is None else signature(raw, secret))

    def calls(self) -> list[Recorded]:
        """Every Send API call to this user so far (sender actions included)."""
        return [r for r in self.api.messages() if r.fields["recipient"]["id"] == self.psid]

    def is_message(self, call: Recorded) -> bool:
        return "message" in call.fields

    def send(self, event: dict[str, Any]) -> list[Recorded]:
        """Post one event; the bot's messages it caused."""

        def post() -> requests.Response:
            reply = self.post(event)
            assert reply.text == "EVENT_RECEIVED", reply.text
            return reply

        return self.exchange(post)

    def say(self, text: str) -> list[Recorded]:
        return self.send(facebook.text_event(self.psid, text))

    def tap(self, sent: list[Recorded], title: str) -> list[Recorded]:
        """Tap the quick reply titled ``title`` of the last message with quick replies."""
        for reply in quick_replies_of(sent):
            if reply["title"] == title:
                return self.send(facebook.quick_reply_event(self.psid, title, reply["payload"]))
        raise AssertionError(f"no quick reply {title!r} in {quick_replies_of(sent)}")


def texts(calls: list[Recorded]) -> str:
    return "\n".join(str(c.fields["message"].get("text", "")) for c in calls)


def quick_replies_of(calls: list[Recorded]) -> list[dict[str, str]]:
    with_replies = [c for c in calls if "quick_replies" in c.fields["message"]]
    assert with_replies, f"no quick replies in {texts(calls)!r}"
    return list(with_replies[-1].fields["message"]["quick_replies"])


@pytest.fixture
def chat(live_coach: LiveCoach, graph: MessengerStandIn) -> MessengerChat:
    return MessengerChat(live_coach, graph)


# ---- the subscription handshake ----


def handshake(coach: LiveCoach, **args: str) -> requests.Response:
    return requests.get(coach.webhook_url("messenger"), params=args, timeout=30)


def test_handshake_echoes_the_challenge(live_coach: LiveCoach) -> None:
    reply = handshake(
        live_coach,
        **{"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "31415"},
    )
    assert reply.status_code == 200 and reply.text == "31415"


@pytest.mark.parametrize(
    "args",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
def test_handshake_with_a_wrong_token_is_refused(live_coach: LiveCoach, args: dict) -> None:
    reply = handshake(live_coach, **args)
    assert reply.status_code == 403 and "1" not in reply.text


# ---- conversations ----


def test_greeting_with_quick_replies(chat: MessengerChat) -> None:
    sent = chat.say("hello")
    assert "walking backwards" in texts(sent)
    replies = quick_replies_of(sent)
    assert {
        "content_type": "text",
        "title": "How do I start?",
        "payload": "How do I start walking backwards?",
    } in replies
    first = chat.calls()[0]
    assert first.fields == {"recipient": {"id": chat.psid}, "sender_action": "typing_on"}
    assert first.path == f"/{DEFAULT_GRAPH_VERSION}/me/messages"
    assert first.query["access_token"] == PAGE_TOKEN
    assert chat.user_texts() == ["hello"]


def test_quick_reply_and_postback_send_their_payloads(chat: MessengerChat) -> None:
    greeting = chat.say("hi")
    answer = chat.tap(greeting, "What are the benefi…")  # cut to 20 characters
    assert "balance" in texts(answer).lower()
    postback = chat.send(facebook.postback_event(chat.psid, "Help", "/help"))
    assert "I can explain" in texts(postback)
    assert chat.user_texts()[1:] == ["What are the benefits of walking backwards?", "/help"]


def test_plan_form_by_quick_replies_and_text(chat: MessengerChat) -> None:
    chat.say("hi")
    asked = chat.say("make me a plan")
    assert "walked backwards for exercise before" in texts(asked)
    assert "How old are you" in texts(chat.tap(asked, "Never"))
    conditions = chat.say("I'm 61")
    assert "injuries or health conditions" in texts(conditions)
    location = chat.tap(conditions, "None")
    assert "Where will you walk" in texts(location)
    goal = chat.tap(location, "Treadmill")
    assert "main goal" in texts(goal)
    minutes = chat.tap(goal, "Fitness")
    assert "minutes" in texts(minutes)
    assert "days a week" in texts(chat.say("20 minutes"))
    plan = chat.say("4 days a week")
    assert "not medical advice" in texts(plan)
    assert "Week 1" in texts(plan) or "week 1" in texts(plan)
    assert "Today's session" in [r["title"] for r in quick_replies_of(plan)]
    assert chat.user_texts()[1:] == [
        "make me a plan",
        "Never tried it",
        "I'm 61",
        "None",
        "On a treadmill",
        "Fitness and calories",
        "20 minutes",
        "4 days a week",
    ]


def test_progress_chart_is_uploaded_as_filedata(chat: MessengerChat) -> None:
    chat.say("hi")
    feel = chat.say("I walked 12 minutes backwards today")
    assert "Logged 12 minutes" in texts(feel) and "How did it feel?" in texts(feel)
    assert "noted: it felt ok" in texts(chat.tap(feel, "OK"))
    progress = chat.say("how am I doing?")
    uploads = [c for c in progress if c.files]
    assert len(uploads) == 1
    upload = uploads[0]
    assert upload.headers["Content-Type"].startswith("multipart/form-data")
    assert upload.fields["message"]["attachment"]["type"] == "image"
    assert upload.files["filedata"].content_type == "image/png"
    assert upload.files["filedata"].data.startswith(b"\x89PNG\r\n\x1a\n")
    assert progress.index(upload) > 0  # after the summary text


def test_batched_events_of_two_users_are_both_answered(
    live_coach: LiveCoach, graph: MessengerStandIn
) -> None:
    ann, bob = MessengerChat(live_coach, graph), MessengerChat(live_coach, graph)
    reply = ann.post(
        facebook.text_event(ann.psid, "hi"),
        facebook.text_event(bob.psid, "what shoes should I wear?"),
    )
    assert reply.status_code == 200
    assert ann.messages() and any("shoe" in texts([m]).lower() for m in bob.messages())
    assert ann.user_texts() == ["hi"] and bob.user_texts() == ["what shoes should I wear?"]


# ---- what must never reach the bot ----


@pytest.mark.parametrize("secret", [None, "not-the-app-secret", ""])
def test_forged_or_unsigned_webhooks_never_reach_the_bot(
    chat: MessengerChat, secret: str | None
) -> None:
    reply = chat.post(facebook.text_event(chat.psid, "make me a plan"), secret=secret)
    assert reply.status_code == 403
    chat.assert_untouched()


def test_a_tampered_body_is_refused(chat: MessengerChat, live_coach: LiveCoach) -> None:
    raw = encode(webhook_body(facebook.text_event(chat.psid, "hi")))
    header = signature(raw, APP_SECRET)
    tampered = raw.replace(b'"hi"', b'"delete my data"')
    assert post_raw(live_coach, tampered, header).status_code == 403
    chat.assert_untouched()


def test_a_replayed_message_is_answered_once(chat: MessengerChat) -> None:
    event = facebook.text_event(chat.psid, "what shoes should I wear?")
    assert chat.post(event).status_code == 200
    first = chat.calls()
    assert any("shoe" in texts([c]).lower() for c in first if "message" in c.fields)
    assert chat.post(event).status_code == 200  # the same signed body again
    assert chat.calls() == first
    assert chat.user_texts() == ["what shoes should I wear?"]


def test_echoes_and_receipts_are_ignored(chat: MessengerChat) -> None:
    reply = chat.post(
        facebook.echo_event(chat.psid, "hello"),
        facebook.delivery_event(chat.psid),
        facebook.read_event(chat.psid),
    )
    assert reply.status_code == 200
    chat.assert_untouched()


def test_other_objects_and_malformed_bodies(chat: MessengerChat, live_coach: LiveCoach) -> None:
    raw = encode(
        {"object": "instagram", "entry": [{"messaging": [facebook.text_event(chat.psid, "hi")]}]}
    )
    assert post_raw(live_coach, raw, signature(raw, APP_SECRET)).status_code == 404
    junk = b"{not json"
    assert post_raw(live_coach, junk, signature(junk, APP_SECRET)).status_code == 400
    chat.assert_untouched()


def test_an_overlong_message_is_refused_politely(chat: MessengerChat) -> None:
    sent = chat.say("walk " * 401)  # 2,005 characters; the limit is 2,000
    assert len(sent) == 1 and "too long" in texts(sent)
    assert chat.user_texts() == []


def test_messages_the_coach_starts_go_out_through_messenger(chat: MessengerChat) -> None:
    """Rasa's HTTP API with ``output_channel=messenger`` uses ``get_output_channel``."""
    chat.say("hi")  # an existing conversation (a new one trips Rasa's session start)
    assert "walking backwards" in texts(chat.trigger("greet", output_channel="messenger"))


def test_custom_payloads_only_their_messenger_part_is_sent(graph: MessengerStandIn) -> None:
    settings = MessengerSettings(page_token=PAGE_TOKEN, app_secret="a", graph_url=graph.url)
    channel = MessengerInput(settings)
    output = channel.get_output_channel()
    psid = str(next(_psids))
    native = {"attachment": {"type": "image", "payload": {"url": "https://x.org/a.png"}}}

    async def send() -> None:
        await output.send_response(psid, {"custom": {"type": "retrowalk_session", "week": 1}})
        await output.send_response(psid, {"custom": {"messenger": native}})
        await output.send_response(psid, {"image": "https://x.org/chart.png"})
        await channel.api.close()

    asyncio.run(send())
    sent = [c.fields["message"] for c in graph.sent() if c.fields["recipient"]["id"] == psid]
    assert sent == [
        native,
        {
            "attachment": {
                "type": "image",
                "payload": {"url": "https://x.org/chart.png", "is_reusable": True},
            }
        },
    ]
