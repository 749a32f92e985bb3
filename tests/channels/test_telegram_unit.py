"""Telegram logic without Rasa: Update parsing, reply formatting, secrets, replay guard."""

from __future__ import annotations

import base64

import pytest

from bot.channels import telegram
from bot.channels.signatures import ReplayGuard, secrets_match
from bot.channels.telegram import (
    CALLBACK_KEY_PREFIX,
    CallbackKeys,
    InvalidUpdateError,
    TelegramSettings,
    image_requests,
    inline_keyboard,
    normalise_command,
    parse_update,
    text_requests,
)
from bot.channels.text import utf16_len
from tests.channels.standins.telegram_api import (
    callback_update,
    edited_update,
    message_update,
    sticker_update,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))
PNG_URI = "data:image/png;base64," + base64.b64encode(PNG).decode()


# ---- secrets and replays ----


def test_secret_must_match_exactly() -> None:
    assert secrets_match("s3cret-token", "s3cret-token")
    assert not secrets_match("s3cret-tokeN", "s3cret-token")
    assert not secrets_match("s3cret-token ", "s3cret-token")
    assert not secrets_match(None, "s3cret-token")
    assert not secrets_match("", "")  # no configured secret: nothing is accepted
    settings = TelegramSettings(token="1:a", secret="abc")
    assert telegram.secret_header_valid("abc", settings)
    assert not telegram.secret_header_valid("abd", settings)


def test_replay_guard_remembers_a_bounded_window() -> None:
    guard = ReplayGuard(window=3)
    assert [guard.first_time(i) for i in "abca"] == [True, True, True, False]
    guard.first_time("d")  # "b" is now the least recently seen: forgotten
    assert len(guard) == 3
    assert guard.first_time("b") is True
    assert guard.first_time("a") is False
    with pytest.raises(ValueError):
        ReplayGuard(window=0)


# ---- settings ----


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_TELEGRAM_TOKEN", "42:abc")
    monkeypatch.setenv("RETROWALK_TELEGRAM_SECRET", "s_1-X")
    monkeypatch.setenv("RETROWALK_TELEGRAM_API_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("RETROWALK_PUBLIC_URL", "https://coach.example.org/")
    monkeypatch.setenv("RETROWALK_TELEGRAM_TYPING", "off")
    settings = TelegramSettings.from_env()
    settings.check()
    assert settings.method_url("sendMessage") == "http://127.0.0.1:9/bot42:abc/sendMessage"
    assert settings.webhook_url == "https://coach.example.org/webhooks/telegram/webhook"
    assert settings.typing is False
    monkeypatch.setenv("RETROWALK_TELEGRAM_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="RETROWALK_TELEGRAM_TIMEOUT"):
        TelegramSettings.from_env()


@pytest.mark.parametrize("secret", ["", "has space", "ü", "x" * 257])
def test_a_secret_telegram_would_refuse_fails_early(secret: str) -> None:
    with pytest.raises(ValueError, match="RETROWALK_TELEGRAM_SECRET"):
        TelegramSettings(token="1:a", secret=secret).check()


def test_missing_token_and_public_url_fail_early() -> None:
    with pytest.raises(ValueError, match="RETROWALK_TELEGRAM_TOKEN"):
        TelegramSettings(secret="ok").check()
    with pytest.raises(ValueError, match="RETROWALK_PUBLIC_URL"):
        _ = TelegramSettings(token="1:a", secret="ok").webhook_url


# ---- inbound ----


def test_text_message_is_parsed_with_the_chat_as_sender() -> None:
    update = message_update(555, "How do I start?", update_id=77)
    incoming = parse_update(update, CallbackKeys())
    assert incoming is not None
    assert (incoming.update_id, incoming.chat_id, incoming.text) == (77, "555", "How do I start?")
    assert incoming.callback_query_id is None


def test_group_chat_id_is_the_sender() -> None:
    update = message_update(555, "hi")
    update["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "Walkers"}
    incoming = parse_update(update, CallbackKeys())
    assert incoming is not None and incoming.chat_id == "-100123"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", "/greet"),
        ("/start ref-campaign", "/greet"),
        ("/start@RetroWalkBot", "/greet"),
        ("/help@RetroWalkBot", "/help"),
        ("/help", "/help"),
        ("/started walking", "/started walking"),
        ("hello /start", "hello /start"),
        ("email me@example.org", "email me@example.org"),
    ],
)
def test_bot_commands_are_normalised(text: str, expected: str) -> None:
    assert normalise_command(text) == expected


def test_callback_query_gives_the_payload() -> None:
    update = callback_update(555, "Never tried it")
    incoming = parse_update(update, CallbackKeys())
    assert incoming is not None
    assert incoming.text == "Never tried it"
    assert incoming.chat_id == "555"
    assert incoming.callback_query_id == update["callback_query"]["id"]
    assert not incoming.expired


def test_callback_without_message_answers_the_user() -> None:
    update = callback_update(555, "Rehab")
    del update["callback_query"]["message"]
    incoming = parse_update(update, CallbackKeys())
    assert incoming is not None and incoming.chat_id == "555"


@pytest.mark.parametrize(
    "update",
    [
        edited_update(5, "changed my mind"),
        sticker_update(5),
        {"update_id": 9, "channel_post": {"message_id": 1, "chat": {"id": -1}, "text": "x"}},
        {"update_id": 9, "my_chat_member": {"chat": {"id": 5}}},
        {"update_id": 9, "inline_query": {"id": "1", "query": "x"}},
        {"update_id": 9, "callback_query": {"id": "1", "game_short_name": "g"}},
        {"update_id": 9, "some_future_update": {}},
        {"update_id": 9, "message": {"message_id": 1, "text": "no chat"}},
    ],
)
def test_other_updates_are_ignored(update: dict) -> None:
    assert parse_update(update, CallbackKeys()) is None


@pytest.mark.parametrize("body", [[], "x", {}, {"update_id": "7"}, {"update_id": True}])
def test_a_body_without_update_id_is_invalid(body: object) -> None:
    with pytest.raises(InvalidUpdateError):
        parse_update(body, CallbackKeys())


# ---- callback data ----


def test_long_payloads_get_a_short_key_that_resolves() -> None:
    keys = CallbackKeys()
    long_payload = '/log_walk{"minutes": 12.5, "completed": false, "source": "voice"} and more'
    data = keys.data_for(long_payload)
    assert data.startswith(CALLBACK_KEY_PREFIX) and len(data.encode()) <= 64
    assert keys.payload_for(data) == long_payload
    assert keys.data_for("Rehab") == "Rehab"
    # A short payload that looks like a key is mapped too, so it cannot be confused.
    tricky = CALLBACK_KEY_PREFIX + "abc"
    assert keys.data_for(tricky) != tricky
    assert keys.payload_for(keys.data_for(tricky)) == tricky


def test_multibyte_payload_limit_counts_bytes() -> None:
    keys = CallbackKeys()
    payload = "é" * 33  # 66 bytes, 33 characters
    data = keys.data_for(payload)
    assert data != payload and keys.payload_for(data) == payload


def test_forgotten_key_falls_back_to_the_button_title() -> None:
    sender = CallbackKeys()
    long_payload = "x" * 100
    markup = inline_keyboard([{"title": "Long one", "payload": long_payload}], sender)
    data = markup["inline_keyboard"][0][0]["callback_data"]
    keyboard_message = {
        "message_id": 3,
        "chat": {"id": 555, "type": "private"},
        "text": "Pick",
        "reply_markup": markup,
    }
    # A new process (restart): the key is unknown, the title stands in.
    incoming = parse_update(callback_update(555, data, keyboard_message), CallbackKeys())
    assert incoming is not None and incoming.text == "Long one" and not incoming.expired
    # Same process: the real payload.
    incoming = parse_update(callback_update(555, data, keyboard_message), sender)
    assert incoming is not None and incoming.text == long_payload
    # Unknown key and no keyboard to look in: expired.
    incoming = parse_update(callback_update(555, data), CallbackKeys())
    assert incoming is not None and incoming.expired and incoming.text == ""


def test_key_map_is_bounded() -> None:
    keys = CallbackKeys(capacity=2)
    first = keys.data_for("a" * 70)
    keys.data_for("b" * 70)
    keys.data_for("c" * 70)
    assert keys.payload_for(first) is None


# ---- outbound ----


def test_text_with_buttons_is_one_message_with_an_inline_keyboard() -> None:
    buttons = [
        {"title": "Never", "payload": "Never tried it"},
        {"title": "Regularly", "payload": "I do it regularly"},
    ]
    (request,) = text_requests("555", "Have you walked backwards before?", buttons, CallbackKeys())
    assert request.method == "sendMessage"
    assert request.params["chat_id"] == "555"
    assert request.params["text"] == "Have you walked backwards before?"
    assert "parse_mode" not in request.params
    assert request.params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Never", "callback_data": "Never tried it"}],
            [{"text": "Regularly", "callback_data": "I do it regularly"}],
        ]
    }


def test_link_buttons_and_missing_titles() -> None:
    markup = inline_keyboard(
        [
            {"title": "Guide", "url": "https://example.org/guide"},
            {"payload": "/help"},
            {"title": "", "payload": ""},
        ],
        CallbackKeys(),
    )
    assert markup["inline_keyboard"] == [
        [{"text": "Guide", "url": "https://example.org/guide"}],
        [{"text": "/help", "callback_data": "/help"}],
    ]


def test_long_text_is_split_and_the_keyboard_goes_on_the_last_part() -> None:
    paragraph = "Walk slowly and look over your shoulder. " * 40  # ~1,640 characters
    text = "\n\n".join([paragraph.strip()] * 4)  # ~6,600 characters
    requests = text_requests("1", text, [{"title": "OK", "payload": "/affirm"}], CallbackKeys())
    assert len(requests) == 2
    assert all(utf16_len(r.params["text"]) <= 4096 for r in requests)
    assert "reply_markup" not in requests[0].params
    assert "reply_markup" in requests[1].params
    # Cut at a paragraph break, nothing lost.
    assert requests[0].params["text"].endswith("shoulder.")
    joined = "\n\n".join(r.params["text"] for r in requests)
    assert joined == text


def test_buttons_without_text_get_a_prompt_and_empty_text_sends_nothing() -> None:
    (request,) = text_requests("1", "  ", [{"title": "OK", "payload": "/affirm"}], CallbackKeys())
    assert request.params["text"] == telegram.BUTTON_PROMPT
    assert text_requests("1", "   ") == []


def test_emoji_count_twice_towards_the_limit() -> None:
    requests = text_requests("1", "🚶" * 3000)  # 3,000 characters, 6,000 UTF-16 units
    assert len(requests) == 2 and all(utf16_len(r.params["text"]) <= 4096 for r in requests)
    assert "".join(r.params["text"] for r in requests) == "🚶" * 3000


def test_data_uri_image_is_uploaded_as_bytes() -> None:
    (request,) = image_requests("555", PNG_URI)
    assert request.method == "sendPhoto"
    assert request.params == {"chat_id": "555"}
    assert request.upload is not None
    assert request.upload.field == "photo"
    assert request.upload.data == PNG
    assert request.upload.content_type == "image/png"
    assert request.upload.filename == "image.png"


def test_http_image_is_passed_by_url() -> None:
    (request,) = image_requests("555", "https://example.org/chart.png")
    assert request.params == {"chat_id": "555", "photo": "https://example.org/chart.png"}
    assert request.upload is None


@pytest.mark.parametrize(
    "image",
    [
        "ftp://example.org/x.png",
        "data:image/png;base64,@@@",
        "data:,",
        "/tmp/x.png",
        "data:image/gif;base64," + base64.b64encode(b"GIF89a" + bytes(40)).decode(),
        "data:image/jpeg;base64," + base64.b64encode(PNG).decode(),  # PNG bytes called JPEG
        "data:image/png;base64," + base64.b64encode(PNG + bytes(10 * 1024 * 1024)).decode(),
    ],
)
def test_other_images_are_dropped(image: str) -> None:
    assert image_requests("555", image) == []


def test_set_webhook_request_carries_the_secret() -> None:
    settings = TelegramSettings(token="1:a", secret="abc", public_url="https://c.example.org")
    request = telegram.set_webhook_request(settings)
    assert request.method == "setWebhook"
    assert request.params == {
        "url": "https://c.example.org/webhooks/telegram/webhook",
        "secret_token": "abc",
        "allowed_updates": ["message", "callback_query"],
    }
