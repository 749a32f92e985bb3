"""Slack without Rasa: signatures, inbound events and clicks, reply mapping, the API client."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlencode

import pytest

from bot.channels.slack import (
    IMAGE_NOTE,
    SECTION_TEXT_LIMIT,
    Challenge,
    SlackApi,
    SlackInbound,
    SlackSettings,
    is_signed,
    parse_event,
    parse_interaction,
    reply_messages,
    strip_mentions,
    unescape,
)
from operations.ports import free_port
from tests.channels.standins.slack_api import (
    BOT_USER_ID,
    SlackApiStandIn,
    block_actions_body,
    message_event,
    signed_headers,
)

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_700_000_000


# -- signatures ----------------------------------------------------------------------------------


def test_slacks_documented_example_signature_is_valid() -> None:
    # The example from Slack's "Verifying requests from Slack" page.
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        b"command=%2Fwebhook-collect&text=&"
        b"response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F"
        b"96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fc"
        b"e8b6703c"
    )
    headers = {
        "X-Slack-Request-Timestamp": "1531420618",
        "X-Slack-Signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    }
    assert is_signed(SECRET, body, headers, now=lambda: 1531420618 + 10)
    assert not is_signed(SECRET, body + b"x", headers, now=lambda: 1531420618 + 10)


def test_signature_checks() -> None:
    body = json.dumps(message_event("U1", "D1", "hi")).encode()
    headers = signed_headers(SECRET, body, "application/json", timestamp=NOW)
    assert is_signed(SECRET, body, headers, now=lambda: NOW)
    assert is_signed(SECRET, body, {k.lower(): v for k, v in headers.items()}, now=lambda: NOW)
    assert not is_signed("another-secret", body, headers, now=lambda: NOW)
    assert not is_signed(SECRET, body.replace(b"hi", b"ho"), headers, now=lambda: NOW)
    assert not is_signed(SECRET, body, {}, now=lambda: NOW)
    missing = {k: v for k, v in headers.items() if k != "X-Slack-Signature"}
    assert not is_signed(SECRET, body, missing, now=lambda: NOW)
    bad_stamp = {**headers, "X-Slack-Request-Timestamp": "yesterday"}
    assert not is_signed(SECRET, body, bad_stamp, now=lambda: NOW)
    assert not is_signed(SECRET, b"\xff\xfe", headers, now=lambda: NOW)


@pytest.mark.parametrize(("offset", "valid"), [(0, True), (299, True), (-299, True), (301, False)])
def test_signatures_expire_after_five_minutes(offset: int, valid: bool) -> None:
    body = b'{"type":"event_callback"}'
    headers = signed_headers(SECRET, body, "application/json", timestamp=NOW)
    assert is_signed(SECRET, body, headers, now=lambda: NOW + offset) is valid
    assert is_signed(SECRET, body, headers, now=lambda: NOW - offset) is valid


# -- inbound -------------------------------------------------------------------------------------


def test_url_verification_gives_the_challenge() -> None:
    envelope = {"token": "x", "challenge": "3eZbrw1aB", "type": "url_verification"}
    assert parse_event(envelope) == Challenge("3eZbrw1aB")


def test_a_direct_message_is_a_user_message() -> None:
    envelope = message_event("U123", "D456", "Is it good for my knees?", event_id="Ev1")
    assert parse_event(envelope) == SlackInbound(
        key="event:Ev1",
        user="U123",
        channel="D456",
        text="Is it good for my knees?",
        thread_ts=None,
        kind="message",
    )


def test_a_mention_in_a_channel_is_answered_once() -> None:
    text = f"<@{BOT_USER_ID}> how fast on a treadmill?"
    mention = message_event("U1", "C9", text, kind="app_mention", event_id="Ev2")
    parsed = parse_event(mention)
    assert isinstance(parsed, SlackInbound)
    assert parsed.text == "how fast on a treadmill?" and parsed.channel == "C9"
    # Slack also sends the channel message itself (message.channels): not answered again.
    assert parse_event(message_event("U1", "C9", text, channel_type="channel")) is None


def test_thread_and_escaping() -> None:
    envelope = message_event("U1", "D1", "walking &lt;3 &amp; more", thread_ts="1.2")
    parsed = parse_event(envelope)
    assert isinstance(parsed, SlackInbound)
    assert parsed.text == "walking <3 & more" and parsed.thread_ts == "1.2"


@pytest.mark.parametrize(
    "envelope",
    [
        message_event("U1", "D1", "from a bot", bot_id="B999"),
        message_event("U1", "D1", "edited", subtype="message_changed"),
        message_event("U1", "D1", "joined", subtype="channel_join"),
        message_event(BOT_USER_ID, "D1", "my own reply"),
        message_event("U1", "D1", ""),
        {**message_event("U1", "D1", "no id"), "event_id": None},
        {"type": "event_callback", "event": {"type": "reaction_added", "user": "U1"}},
        {"type": "app_rate_limited"},
        ["not", "an", "object"],
    ],
)
def test_other_events_are_ignored(envelope: object) -> None:
    assert parse_event(envelope) is None


def test_strip_mentions_and_links() -> None:
    text = f"<@{BOT_USER_ID}|retrowalk> see <https://example.org|this> or <mailto:a@b.c|mail>"
    assert strip_mentions(text, {BOT_USER_ID}) == "see this or mail"
    assert strip_mentions("<@UOTHER> hi", {BOT_USER_ID}) == "<@UOTHER> hi"


def test_a_button_click_gives_its_value() -> None:
    body = block_actions_body("U7", "D7", "I do it regularly", title="Regularly")
    parsed = parse_interaction(body)
    assert isinstance(parsed, SlackInbound)
    assert (parsed.user, parsed.channel, parsed.text, parsed.kind) == (
        "U7",
        "D7",
        "I do it regularly",
        "button",
    )
    assert parsed.key.startswith("action:")
    assert parse_interaction(block_actions_body("U7", "D7", "x")) != parsed  # a new trigger_id


def _interaction(payload: object) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


@pytest.mark.parametrize(
    "body",
    [
        _interaction({"type": "view_submission", "user": {"id": "U1"}}),
        _interaction(
            {
                "type": "block_actions",
                "user": {"id": "U1"},
                "channel": {"id": "D1"},
                "actions": [{"type": "button", "url": "https://example.org"}],  # a link
            }
        ),
        _interaction(
            {
                "type": "block_actions",
                "user": {"id": "U1"},
                "channel": {"id": "D1"},
                "actions": [{"type": "static_select", "selected_option": {"value": "x"}}],
            }
        ),
        b"payload=not-json",
        b"nothing=here",
        b"\xff",
    ],
)
def test_other_interactions_are_ignored(body: bytes) -> None:
    assert parse_interaction(body) is None


# -- outbound ------------------------------------------------------------------------------------


def test_text_reply() -> None:
    assert reply_messages("D1", {"text": "Hi <friend> & co"}, None) == [
        {"channel": "D1", "text": "Hi &lt;friend&gt; &amp; co"}
    ]
    assert reply_messages("D1", {"text": "In a thread"}, None, thread_ts="9.9") == [
        {"channel": "D1", "text": "In a thread", "thread_ts": "9.9"}
    ]


def test_buttons_become_a_section_and_an_actions_block() -> None:
    reply = {
        "text": "Ready?",
        "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
    }
    [message] = reply_messages("D1", reply, None)
    assert message["text"] == "Ready?"
    section, actions = message["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": "Ready?"}}
    assert actions["type"] == "actions"
    assert [(b["type"], b["text"]["text"], b["value"]) for b in actions["elements"]] == [
        ("button", "Yes", "/affirm"),
        ("button", "No", "/deny"),
    ]
    assert len({b["action_id"] for b in actions["elements"]}) == 2


def test_long_text_and_many_buttons_stay_within_slacks_limits() -> None:
    text = ("A sentence about walking backwards. " * 200).strip()
    buttons = [{"title": f"Option number {i} " + "x" * 80, "payload": f"p{i}"} for i in range(30)]
    [message] = reply_messages("D1", {"text": text, "buttons": buttons}, None)
    sections = [b for b in message["blocks"] if b["type"] == "section"]
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    assert len(sections) == 3 and all(
        len(s["text"]["text"]) <= SECTION_TEXT_LIMIT for s in sections
    )
    assert " ".join(s["text"]["text"] for s in sections) == text
    assert [len(a["elements"]) for a in actions] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for a in actions for e in a["elements"])


def test_escaping_counts_towards_the_section_limit() -> None:
    """A bug fixed: the text was split at 3,000 characters before escaping, so a section with
    ``&``, ``<`` or ``>`` grew past Slack's limit and the message was refused."""
    text = ("Walk & talk <slowly> then turn. " * 200).strip()  # 6,399 characters
    reply = {"text": text, "buttons": [{"title": "OK", "payload": "/affirm"}]}
    [message] = reply_messages("D1", reply, None)
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert all(len(section) <= SECTION_TEXT_LIMIT for section in sections)
    assert " ".join(unescape(section) for section in sections) == text
    with SlackApiStandIn(free_port(), "xoxb-unit") as standin:  # it enforces the limit too
        api = SlackApi(SlackSettings("xoxb-unit", SECRET, api_url=standin.url, timeout_s=5))
        assert asyncio.run(api.post_message(message)) is True


def test_image_reply_with_and_without_a_url() -> None:
    reply = {"text": None, "image": "data:image/png;base64,AAAA"}
    [with_url] = reply_messages("D1", reply, "https://coach.example.org/webhooks/media/a.png")
    assert with_url["blocks"] == [
        {
            "type": "image",
            "image_url": "https://coach.example.org/webhooks/media/a.png",
            "alt_text": "Chart of your walks",
        }
    ]
    assert reply_messages("D1", reply, None) == [{"channel": "D1", "text": IMAGE_NOTE}]


def test_custom_payloads_are_not_shown() -> None:
    assert reply_messages("D1", {"text": None, "custom": {"type": "retrowalk_session"}}, None) == []


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETROWALK_SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("RETROWALK_SLACK_SIGNING_SECRET", "s")
    with pytest.raises(ValueError, match="RETROWALK_SLACK_BOT_TOKEN"):
        SlackSettings.from_env()
    monkeypatch.setenv("RETROWALK_SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.delenv("RETROWALK_SLACK_API_URL", raising=False)
    assert SlackSettings.from_env() == SlackSettings("xoxb-1", "s")
    assert SlackSettings.from_env().api_url == "https://slack.com/api/"


# -- the Web API client against the stand-in -----------------------------------------------------


def test_api_client_posts_json_with_the_bearer_token() -> None:
    token = "xoxb-unit-test"
    with SlackApiStandIn(free_port(), token) as standin:
        good = SlackApi(SlackSettings(token, SECRET, api_url=standin.url, timeout_s=5))
        bad = SlackApi(SlackSettings("xoxb-wrong", SECRET, api_url=standin.url, timeout_s=5))
        [message] = reply_messages(
            "D1", {"text": "Ready?", "buttons": [{"title": "Yes", "payload": "/affirm"}]}, None
        )
        assert asyncio.run(good.post_message(message)) is True
        assert asyncio.run(bad.post_message({"channel": "D1", "text": "x"})) is False
        [posted] = standin.posted("D1")
        assert posted.path == "/chat.postMessage"
        assert posted.headers["Authorization"] == f"Bearer {token}"
        assert posted.fields["blocks"] == message["blocks"]
        assert len(standin.requests()) == 2  # the refused one was recorded, not accepted


def test_api_client_survives_an_unreachable_api() -> None:
    api = SlackApi(SlackSettings("xoxb", SECRET, api_url=f"http://127.0.0.1:{free_port()}"))
    started = time.monotonic()
    assert asyncio.run(api.post_message({"channel": "D1", "text": "x"})) is False
    assert time.monotonic() - started < 10
