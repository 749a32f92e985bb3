"""Slack against the real coach: signed events and clicks in, Web API calls out (stand-in)."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.channels.standins.base import Recorded
from tests.channels.standins.slack_api import (
    BOT_USER_ID,
    SlackApiStandIn,
    block_actions_body,
    message_event,
    signed_headers,
)
from tests.conftest import CHANNEL_SECRETS, LiveCoach
from tests.support.tracker import wait_for_user_texts

pytestmark = [pytest.mark.integration, pytest.mark.channels]

SECRETS = CHANNEL_SECRETS["slack"]
SIGNING_SECRET = SECRETS["RETROWALK_SLACK_SIGNING_SECRET"]
TOKEN = SECRETS["RETROWALK_SLACK_BOT_TOKEN"]


@pytest.fixture(scope="module")
def slack_api(live_coach: LiveCoach) -> Iterator[SlackApiStandIn]:
    """Slack's Web API stand-in, where the coach's Slack client is pointed."""
    with SlackApiStandIn(live_coach.api_ports["slack"], TOKEN) as standin:
        yield standin


def post_text(post: Recorded) -> str:
    """Everything a user reads in a posted message: its text and its section blocks."""
    parts = [str(post.value("text") or "")]
    for block in post.value("blocks") or []:
        if block.get("type") == "section":
            parts.append(block["text"]["text"])
    return "\n".join(parts)


def buttons(post: Recorded) -> dict[str, str]:
    """The posted message's buttons: title -> value."""
    return {
        element["text"]["text"]: element["value"]
        for block in post.value("blocks") or []
        if block.get("type") == "actions"
        for element in block["elements"]
    }


class SlackUser:
    """A Slack user talking to the coach in a DM, through signed webhook requests."""

    def __init__(self, coach: LiveCoach, api: SlackApiStandIn) -> None:
        self.coach = coach
        self.api = api
        self.user = "U" + uuid.uuid4().hex[:10].upper()
        self.channel = "D" + uuid.uuid4().hex[:10].upper()

    @property
    def webhook(self) -> str:
        return self.coach.webhook_url("slack")

    def post(
        self,
        body: bytes,
        content_type: str = "application/json",
        *,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        signed = signed_headers(secret, body, content_type, timestamp)
        return requests.post(
            self.webhook, data=body, headers={**signed, **(headers or {})}, timeout=10
        )

    def send_event(self, envelope: dict[str, Any], **kwargs: Any) -> requests.Response:
        return self.post(json.dumps(envelope).encode(), **kwargs)

    def say(self, text: str) -> requests.Response:
        reply = self.send_event(message_event(self.user, self.channel, text))
        assert reply.status_code == 200, reply.text
        return reply

    def click(self, value: str, title: str = "Option") -> requests.Response:
        body = block_actions_body(self.user, self.channel, value, title)
        reply = self.post(body, "application/x-www-form-urlencoded")
        assert reply.status_code == 200, reply.text
        return reply

    def posts(self) -> list[Recorded]:
        return self.api.posted(self.channel)

    def wait_post(self, matches: Callable[[Recorded], bool], after: int) -> Recorded:
        """The first post after the first ``after`` ones that ``matches`` (waits for it)."""

        earlier = {id(post) for post in self.posts()[:after]}

        def new_match(item: Recorded) -> bool:
            return id(item) not in earlier and matches(item)

        return self.api.wait_for(1, lambda r: r.value("channel") == self.channel and new_match(r))[
            0
        ]

    def wait_text(self, fragment: str, after: int) -> Recorded:
        return self.wait_post(lambda post: fragment in post_text(post), after)

    def user_texts(self, stored: int, distinct: bool = False) -> list[str]:
        """The user messages in the bot's tracker, once at least ``stored`` are saved (the
        Slack channel processes in the background, after answering the webhook)."""
        return wait_for_user_texts(self.coach, self.user, stored, distinct=distinct)


@pytest.fixture
def slack_user(live_coach: LiveCoach, slack_api: SlackApiStandIn) -> SlackUser:
    return SlackUser(live_coach, slack_api)


def test_url_verification_is_answered_only_when_signed(slack_user: SlackUser) -> None:
    body = json.dumps(
        {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595", "type": "url_verification"}
    )
    reply = slack_user.post(body.encode())
    assert reply.status_code == 200
    assert reply.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595"}
    unsigned = requests.post(
        slack_user.webhook, data=body, headers={"Content-Type": "application/json"}, timeout=10
    )
    assert unsigned.status_code == 401 and "challenge" not in unsigned.text


def test_a_message_gets_text_and_buttons_and_the_webhook_answers_at_once(
    slack_user: SlackUser, slack_api: SlackApiStandIn
) -> None:
    started = time.monotonic()
    reply = slack_user.say("What are the benefits of walking backwards?")
    assert time.monotonic() - started < 3.0  # Slack's limit; processing happens afterwards
    assert reply.text == ""
    answer = slack_user.wait_text("balance", after=0)
    assert answer.headers["Authorization"] == f"Bearer {TOKEN}"
    assert answer.path == "/chat.postMessage"
    assert buttons(answer)["Is that proven?"] == "/ask_evidence"
    assert buttons(answer)["How do I start?"] == "How do I start walking backwards?"
    assert slack_user.user_texts(1) == ["What are the benefits of walking backwards?"]


def test_a_button_click_sends_its_value_as_the_users_message(slack_user: SlackUser) -> None:
    slack_user.say("hello")
    greeting = slack_user.wait_post(lambda post: bool(buttons(post)), after=0)
    value = buttons(greeting)["How do I start?"]
    seen = len(slack_user.posts())
    slack_user.click(value, "How do I start?")
    slack_user.wait_post(lambda post: True, after=seen)
    assert slack_user.user_texts(2) == ["hello", "How do I start walking backwards?"]


def test_forged_unsigned_and_expired_requests_never_reach_the_bot(slack_user: SlackUser) -> None:
    forged = message_event(slack_user.user, slack_user.channel, "forged message")
    assert slack_user.send_event(forged, secret="not-the-secret").status_code == 401
    unsigned = requests.post(
        slack_user.webhook,
        data=json.dumps(message_event(slack_user.user, slack_user.channel, "unsigned message")),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert unsigned.status_code == 401
    old = message_event(slack_user.user, slack_user.channel, "replayed old message")
    ten_minutes_ago = int(time.time()) - 600
    assert slack_user.send_event(old, timestamp=ten_minutes_ago).status_code == 401
    click = block_actions_body(slack_user.user, slack_user.channel, "forged click")
    forged_click = slack_user.post(click, "application/x-www-form-urlencoded", secret="wrong")
    assert forged_click.status_code == 401
    tampered = json.dumps(message_event(slack_user.user, slack_user.channel, "original")).encode()
    headers = signed_headers(SIGNING_SECRET, tampered, "application/json")
    swapped = tampered.replace(b"original", b"tampered")
    assert (
        requests.post(slack_user.webhook, data=swapped, headers=headers, timeout=10).status_code
        == 401
    )

    huge = message_event(slack_user.user, slack_user.channel, "x" * 300_000)
    assert slack_user.send_event(huge).status_code == 413

    # A genuine message afterwards is the only one the bot ever saw or answered.
    slack_user.say("hi")
    slack_user.wait_post(lambda post: bool(buttons(post)), after=0)
    assert slack_user.user_texts(1) == ["hi"]
    assert all("forged" not in post_text(p) for p in slack_user.posts())


def test_retries_and_replays_of_an_event_are_processed_once(slack_user: SlackUser) -> None:
    event = message_event(slack_user.user, slack_user.channel, "What is retro walking?")
    assert slack_user.send_event(event).status_code == 200
    first = slack_user.wait_text("walking backwards", after=0)
    answered = len(slack_user.posts())
    retry = slack_user.send_event(
        event, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert retry.status_code == 200 and retry.headers.get("X-Slack-No-Retry") == "1"
    assert slack_user.send_event(event).status_code == 200  # the same body sent again
    click = block_actions_body(
        slack_user.user, slack_user.channel, "How do I start walking backwards?"
    )
    assert slack_user.post(click, "application/x-www-form-urlencoded").status_code == 200
    start = slack_user.wait_post(lambda post: True, after=answered)
    replayed_click = slack_user.post(click, "application/x-www-form-urlencoded")
    assert replayed_click.status_code == 200

    before = len(slack_user.posts())
    slack_user.say("hello")
    slack_user.wait_post(lambda post: bool(buttons(post)), after=before)
    assert slack_user.user_texts(3) == [
        "What is retro walking?",
        "How do I start walking backwards?",
        "hello",
    ]
    assert sum(post_text(p) == post_text(first) for p in slack_user.posts()) == 1
    assert sum(post_text(p) == post_text(start) for p in slack_user.posts()) == 1


def test_bot_messages_edits_and_unmentioned_channel_messages_are_ignored(
    slack_user: SlackUser,
) -> None:
    user, channel = slack_user.user, slack_user.channel
    for envelope in (
        message_event(user, channel, "a bot's message", bot_id="B123"),
        message_event(user, channel, "an edit", subtype="message_changed"),
        message_event(BOT_USER_ID, channel, "the app's own message"),
        message_event(user, "C" + channel[1:], "chatter in a channel", channel_type="channel"),
    ):
        assert slack_user.send_event(envelope).status_code == 200
    slack_user.say("hi")
    slack_user.wait_post(lambda post: bool(buttons(post)), after=0)
    assert slack_user.user_texts(1) == ["hi"]


def test_a_mention_in_a_channel_thread_is_answered_in_the_thread(
    slack_user: SlackUser, slack_api: SlackApiStandIn
) -> None:
    channel = "C" + uuid.uuid4().hex[:10].upper()
    mention = message_event(
        slack_user.user,
        channel,
        f"<@{BOT_USER_ID}> is walking backwards safe?",
        kind="app_mention",
        thread_ts="1700000000.000100",
    )
    assert slack_user.send_event(mention).status_code == 200
    [answer, *_] = slack_api.wait_for_posts(1, channel)
    assert answer.value("thread_ts") == "1700000000.000100"
    assert slack_user.user_texts(1) == ["is walking backwards safe?"]


def test_the_progress_chart_is_an_image_block_served_by_the_media_route(
    slack_user: SlackUser, live_coach: LiveCoach
) -> None:
    slack_user.say("I walked 10 minutes backwards today, it felt easy")
    slack_user.wait_text("Logged 10 minutes", after=0)
    slack_user.say("I did 12 minutes backwards today, felt ok")
    slack_user.wait_text("Logged 12 minutes", after=0)
    seen = len(slack_user.posts())
    slack_user.say("how am I doing?")
    chart = slack_user.wait_post(
        lambda post: any(b.get("type") == "image" for b in post.value("blocks") or []), after=seen
    )
    [block] = chart.value("blocks")
    url = block["image_url"]
    public = live_coach.env["RETROWALK_PUBLIC_URL"]
    assert url.startswith(f"{public}/webhooks/media/") and url.endswith(".png")
    image = requests.get(url, timeout=10)
    assert image.status_code == 200
    assert image.headers["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert url.rsplit("/", 1)[1] == hashlib.sha256(image.content).hexdigest() + ".png"


# What a Slack user answers to each profile question: a button title, or text to type.
PLAN_ANSWERS = {
    "walked backwards for exercise before": ("click", "Never"),
    "How old are you": ("say", "I'm 52"),
    "injuries or health conditions": ("click", "None"),
    "Where will you walk backwards": ("click", "Track or path"),
    "main goal": ("click", "Balance"),
    "How many minutes": ("say", "30 minutes"),
    "How many days a week": ("say", "3 days a week"),
}


def test_the_plan_form_through_buttons_and_text(slack_user: SlackUser) -> None:
    slack_user.say("make me a plan")
    asked: list[str] = []
    after = 0
    for _ in range(len(PLAN_ANSWERS) + 2):
        question = slack_user.wait_post(
            lambda post: (
                any(q in post_text(post) for q in PLAN_ANSWERS) or "Week 1" in post_text(post)
            ),
            after=after,
        )
        if "Week 1" in post_text(question):
            break
        key = next(q for q in PLAN_ANSWERS if q in post_text(question))
        asked.append(key)
        after = len(slack_user.posts())
        how, answer = PLAN_ANSWERS[key]
        if how == "click":
            slack_user.click(buttons(question)[answer], answer)
        else:
            slack_user.say(answer)
    else:
        pytest.fail(f"no plan after answering {asked}")
    assert sorted(asked) == sorted(PLAN_ANSWERS)
    texts = slack_user.user_texts(len(asked) + 1)
    assert "Never tried it" in texts and "Outdoors on a track or path" in texts
    assert "Better balance" in texts and "None" in texts


def test_a_flood_is_cut_at_the_rate_limit_with_one_notice(slack_user: SlackUser) -> None:
    # Default limit: a burst of 20 messages, then 60 a minute (one a second): of 30 messages
    # sent as fast as the server takes them, the first 20 and at most one a second more get
    # through, and the sender gets one "slow down" notice.
    started = time.monotonic()
    for number in range(30):
        assert slack_user.say(f"message number {number}").status_code == 200
    assert time.monotonic() - started < 30
    notice = slack_user.wait_text("faster than I can answer", after=0)
    assert notice.value("channel") == slack_user.channel
    texts = slack_user.user_texts(20, distinct=True)
    assert texts[:20] == [f"message number {n}" for n in range(20)]
    assert sum("faster than I can answer" in post_text(p) for p in slack_user.posts()) == 1
