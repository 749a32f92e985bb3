"""Messenger logic without Rasa: handshake, signatures, webhook parsing, reply formatting."""

from __future__ import annotations

import base64

import pytest

from bot.channels import messenger
from bot.channels.messenger import (
    InvalidWebhookError,
    MessengerSettings,
    image_requests,
    is_page_webhook,
    parse_webhook,
    short_title,
    signature_valid,
    text_requests,
    verification_challenge,
)
from bot.channels.signatures import hmac_sha256_hex, signature_matches
from tests.channels.standins.messenger_api import (
    delivery_event,
    echo_event,
    encode,
    postback_event,
    quick_reply_event,
    read_event,
    signature,
    text_event,
    webhook_body,
)

SETTINGS = MessengerSettings(page_token="tok", app_secret="app-secret", verify_token="verify-me")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


# ---- handshake and signature ----


def test_handshake_echoes_the_challenge_only_for_the_right_token() -> None:
    args = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"}
    assert verification_challenge(args, SETTINGS) == "1158201444"
    assert verification_challenge({**args, "hub.verify_token": "verify-mE"}, SETTINGS) is None
    assert verification_challenge({**args, "hub.mode": "unsubscribe"}, SETTINGS) is None
    assert verification_challenge({"hub.challenge": "1"}, SETTINGS) is None
    unset = MessengerSettings(page_token="tok", app_secret="s")
    assert verification_challenge({**args, "hub.verify_token": ""}, unset) is None


def test_signature_is_hmac_sha256_of_the_raw_body() -> None:
    raw = encode(webhook_body(text_event("1", "hi")))
    good = signature(raw, "app-secret")  # computed independently by the stand-in module
    assert good == "sha256=" + hmac_sha256_hex("app-secret", raw)
    assert signature_valid(good, raw, SETTINGS)
    assert signature_valid(good.upper().replace("SHA256=", "sha256="), raw, SETTINGS)
    assert not signature_valid(good, raw + b" ", SETTINGS)  # body changed
    assert not signature_valid(signature(raw, "other"), raw, SETTINGS)
    assert not signature_valid(None, raw, SETTINGS)
    assert not signature_valid(good.replace("sha256=", "sha1="), raw, SETTINGS)
    assert not signature_valid("sha256=", raw, SETTINGS)
    assert not signature_valid("sha256=zz\u00e9", raw, SETTINGS)
    assert not signature_matches(good, "", raw)  # no secret configured: nothing passes


# ---- settings ----


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_MESSENGER_PAGE_TOKEN", "p")
    monkeypatch.setenv("RETROWALK_MESSENGER_APP_SECRET", "a")
    monkeypatch.setenv("RETROWALK_MESSENGER_VERIFY_TOKEN", "v")
    monkeypatch.setenv("RETROWALK_MESSENGER_GRAPH_URL", "http://127.0.0.1:9/")
    settings = MessengerSettings.from_env()
    settings.check()
    assert settings.graph_version == messenger.DEFAULT_GRAPH_VERSION == "v25.0"
    assert settings.api_url("me/messages") == "http://127.0.0.1:9/v25.0/me/messages"
    monkeypatch.setenv("RETROWALK_MESSENGER_GRAPH_VERSION", "25")
    with pytest.raises(ValueError, match="RETROWALK_MESSENGER_GRAPH_VERSION"):
        MessengerSettings.from_env()
    with pytest.raises(ValueError, match="RETROWALK_MESSENGER_APP_SECRET"):
        MessengerSettings(page_token="p", verify_token="v").check()


# ---- inbound ----


def test_text_quick_reply_and_postback_are_user_messages() -> None:
    body = webhook_body(
        text_event("111", "hello", mid="m_1"),
        quick_reply_event("111", "Never", "Never tried it"),
        postback_event("222", "Rehab", "Rehab"),
    )
    found = parse_webhook(body)
    assert [(m.sender_id, m.text, m.kind) for m in found] == [
        ("111", "hello", "text"),
        ("111", "Never tried it", "quick_reply"),
        ("222", "Rehab", "postback"),
    ]
    assert found[0].event_id == "m_1"
    assert len({m.event_id for m in found}) == 3


def test_events_of_several_entries_are_all_read() -> None:
    body = webhook_body(text_event("1", "a"))
    body["entry"].append(webhook_body(text_event("2", "b"))["entry"][0])
    assert [m.sender_id for m in parse_webhook(body)] == ["1", "2"]


def test_postback_without_mid_gets_a_stable_id() -> None:
    event = postback_event("9", "Go", "/help")
    del event["postback"]["mid"]
    first = parse_webhook(webhook_body(event))[0].event_id
    assert first == parse_webhook(webhook_body(event))[0].event_id
    assert first.startswith("postback:9:")


def test_echoes_receipts_and_attachments_are_ignored() -> None:
    sticker = text_event("1", "x")
    del sticker["message"]["text"]
    sticker["message"]["attachments"] = [{"type": "image", "payload": {"url": "https://x"}}]
    no_mid = text_event("1", "x")
    del no_mid["message"]["mid"]
    body = webhook_body(
        echo_event("1", "bot said this"),
        delivery_event("1"),
        read_event("1"),
        sticker,
        no_mid,
        {"sender": {"id": "1"}, "reaction": {"reaction": "love", "action": "react"}},
        {"recipient": {"id": "2"}, "message": {"mid": "m", "text": "no sender"}},
        "junk",
    )
    assert parse_webhook(body) == []


def test_page_object_check() -> None:
    assert is_page_webhook(webhook_body())
    assert not is_page_webhook({"object": "instagram", "entry": []})
    with pytest.raises(InvalidWebhookError):
        is_page_webhook([1])
    with pytest.raises(InvalidWebhookError):
        parse_webhook("x")
    assert parse_webhook({"object": "page", "entry": "junk"}) == []


# ---- outbound ----


def test_buttons_become_quick_replies_on_the_last_part() -> None:
    buttons = [
        {"title": "Treadmill", "payload": "On a treadmill"},
        {"title": "Outdoors on a track or path", "payload": "Outdoors on a track or path"},
    ]
    (request,) = text_requests("123", "Where will you walk?", buttons)
    assert request.fields() == {
        "recipient": {"id": "123"},
        "messaging_type": "RESPONSE",
        "message": {
            "text": "Where will you walk?",
            "quick_replies": [
                {"content_type": "text", "title": "Treadmill", "payload": "On a treadmill"},
                {
                    "content_type": "text",
                    "title": "Outdoors on a track…",
                    "payload": "Outdoors on a track or path",
                },
            ],
        },
    }


def test_long_text_is_split_at_2000_characters() -> None:
    text = ("Keep your path clear. " * 200).strip()  # ~4,400 characters
    requests = text_requests("1", text, [{"title": "OK", "payload": "/affirm"}])
    assert len(requests) == 3
    assert all(len(r.message["text"]) <= 2000 for r in requests if r.message)
    assert [("quick_replies" in (r.message or {})) for r in requests] == [False, False, True]
    assert " ".join(r.message["text"] for r in requests if r.message) == text


def test_more_than_13_buttons_become_button_templates_of_three() -> None:
    buttons = [{"title": f"Option {i}", "payload": f"/choose_{i}"} for i in range(14)]
    requests = text_requests("1", "Pick one", buttons)
    assert requests[0].message == {"text": "Pick one"}
    templates = [r.message["attachment"]["payload"] for r in requests[1:] if r.message]
    assert len(templates) == 5
    assert all(t["template_type"] == "button" and 1 <= len(t["buttons"]) <= 3 for t in templates)
    assert [b["payload"] for t in templates for b in t["buttons"]] == [
        f"/choose_{i}" for i in range(14)
    ]
    assert templates[0]["buttons"][0] == {
        "type": "postback",
        "title": "Option 0",
        "payload": "/choose_0",
    }


def test_link_buttons_use_a_template() -> None:
    requests = text_requests("1", "Read more", [{"title": "Guide", "url": "https://x.org/g"}])
    assert requests[1].message is not None
    (button,) = requests[1].message["attachment"]["payload"]["buttons"]
    assert button == {"type": "web_url", "title": "Guide", "url": "https://x.org/g"}


def test_a_huge_payload_is_replaced_by_the_title() -> None:
    (request,) = text_requests("1", "x", [{"title": "Yes", "payload": "y" * 1001}])
    assert request.message is not None
    assert request.message["quick_replies"][0]["payload"] == "Yes"


def test_short_title() -> None:
    assert short_title("Knees and joints") == "Knees and joints"
    assert short_title("Indoors with a wall or counter") == "Indoors with a wall…"
    assert len(short_title("x" * 50)) == 20


def test_data_uri_image_is_uploaded_as_filedata() -> None:
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    (request,) = image_requests("123", uri)
    assert request.upload is not None
    assert (request.upload.field, request.upload.content_type) == ("filedata", "image/png")
    assert request.upload.data == PNG
    assert request.message == {"attachment": {"type": "image", "payload": {"is_reusable": False}}}


def test_http_image_is_sent_by_url() -> None:
    (request,) = image_requests("123", "https://example.org/c.png")
    assert request.upload is None
    assert request.message == {
        "attachment": {
            "type": "image",
            "payload": {"url": "https://example.org/c.png", "is_reusable": True},
        }
    }
    assert image_requests("123", "data:image/png;base64,!!") == []


def test_sender_action_fields() -> None:
    request = messenger.action_request("7", "typing_on")
    assert request.fields() == {"recipient": {"id": "7"}, "sender_action": "typing_on"}
