"""Twilio without Rasa: signatures, inbound parameters, reply planning, the Messages API client."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import pytest

from bot.channels.twilio import (
    BODY_LIMIT,
    IMAGE_NOTE,
    InboundError,
    OutboundMessage,
    TwilioApi,
    TwilioInbound,
    TwilioSettings,
    form_params,
    is_signed,
    parse_inbound,
    plan_reply,
    signed_url,
)
from operations.ports import free_port
from tests.channels.standins.twilio_api import (
    TwilioApiStandIn,
    signature,
    webhook_params,
)

SID = "AC" + "1" * 32
TOKEN = "12345"
URL = "https://coach.example.org/webhooks/twilio_sms/webhook"


def test_twilios_documented_example_signature() -> None:
    # The example from Twilio's "Webhooks security" page.
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    body = urlencode(params).encode()
    assert is_signed(TOKEN, url, form_params(body), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not is_signed(
        TOKEN, url, form_params(body + b"&Extra=1"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )
    assert not is_signed(TOKEN, url, form_params(body), None)
    assert not is_signed(TOKEN, url, form_params(body), "")


def test_blank_parameters_count_in_the_signature() -> None:
    params = webhook_params(SID, "+15557770000", "+15550001111", "hi")
    assert params["ToCity"] == ""  # Twilio sends blank parameters
    header = signature(TOKEN, URL, params)
    body = urlencode(params).encode()
    assert is_signed(TOKEN, URL, form_params(body), header)
    assert form_params(body)["ToCity"] == ""
    without_blanks = urlencode({k: v for k, v in params.items() if v}).encode()
    assert not is_signed(TOKEN, URL, form_params(without_blanks), header)


def test_the_signed_url_is_the_public_one() -> None:
    seen = "http://10.0.0.5:5005/webhooks/twilio_sms/webhook?x=1"
    assert signed_url("https://coach.example.org", seen) == (
        "https://coach.example.org/webhooks/twilio_sms/webhook?x=1"
    )
    assert signed_url("https://example.org/coach", seen) == (
        "https://example.org/coach/webhooks/twilio_sms/webhook?x=1"
    )
    assert signed_url("", seen) == seen
    params = webhook_params(SID, "+15557770000", "+15550001111", "hi")
    header = signature(TOKEN, URL, params)
    received = form_params(urlencode(params).encode())
    assert is_signed(
        TOKEN, signed_url("https://coach.example.org", seen.split("?")[0]), received, header
    )
    assert not is_signed(TOKEN, seen.split("?")[0], received, header)  # the URL behind the proxy


def test_a_malformed_form_is_an_error() -> None:
    with pytest.raises(ValueError):
        form_params(b"\xff\xfe")
    with pytest.raises(ValueError):
        form_params(b"no-equals-sign")
    assert len(form_params(b"")) == 0


def test_inbound_sms_and_whatsapp() -> None:
    sms = webhook_params(SID, "+15557770000", "+15550001111", "Hello", message_sid="SM1")
    assert parse_inbound(sms, "sms", SID) == TwilioInbound(
        sid="SM1", sender="+15557770000", to="+15550001111", text="Hello", num_media=0
    )
    whatsapp = webhook_params(
        SID, "whatsapp:+15557770000", "whatsapp:+15550002222", "Hi", media_urls=["https://x/y"]
    )
    parsed = parse_inbound(whatsapp, "whatsapp", SID)
    assert parsed.sender == "whatsapp:+15557770000" and parsed.num_media == 1


def test_inbound_refusals() -> None:
    sms = webhook_params(SID, "+15557770000", "+15550001111", "Hello")
    whatsapp = webhook_params(SID, "whatsapp:+15557770000", "whatsapp:+15550002222", "Hi")
    with pytest.raises(InboundError, match="not a whatsapp message"):
        parse_inbound(sms, "whatsapp", SID)
    with pytest.raises(InboundError, match="not a sms message"):
        parse_inbound(whatsapp, "sms", SID)
    with pytest.raises(InboundError, match="another account"):
        parse_inbound(sms, "sms", "AC" + "2" * 32)
    with pytest.raises(InboundError, match="required"):
        parse_inbound({**sms, "MessageSid": ""}, "sms", SID)


# -- replies -------------------------------------------------------------------------------------


def test_buttons_become_numbered_options() -> None:
    reply = {
        "text": "Have you walked backwards for exercise before?",
        "buttons": [
            {"title": "Never", "payload": "Never tried it"},
            {"title": "A few times", "payload": "I've tried it a few times"},
        ],
    }
    plan = plan_reply(reply, None)
    assert plan.messages == (
        OutboundMessage(
            body="Have you walked backwards for exercise before?\n\n"
            "1. Never\n2. A few times\nReply with a number."
        ),
    )
    assert plan.payloads == ("Never tried it", "I've tried it a few times")


def test_long_texts_are_split_under_twilios_limit() -> None:
    paragraphs = [f"Week {week}: " + "walk backwards slowly. " * 30 for week in range(1, 9)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    assert len(text) > 2 * BODY_LIMIT
    plan = plan_reply({"text": text}, None)
    bodies = [message.body for message in plan.messages]
    assert len(bodies) >= 3 and all(0 < len(body) <= BODY_LIMIT for body in bodies)
    assert "\n\n".join(bodies) == text  # split at paragraph breaks, nothing lost


def test_images() -> None:
    reply = {"text": None, "image": "data:image/png;base64,AAAA"}
    url = "https://coach.example.org/webhooks/media/a.png"
    assert plan_reply(reply, url).messages == (OutboundMessage(media_url=url),)
    assert plan_reply(reply, None).messages == (OutboundMessage(body=IMAGE_NOTE),)
    assert plan_reply({"text": None, "custom": {"type": "retrowalk_session"}}, None).messages == ()


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("RETROWALK_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("RETROWALK_TWILIO_SMS_NUMBER", "+15550001111")
    monkeypatch.setenv("RETROWALK_TWILIO_WHATSAPP_NUMBER", "whatsapp:+15550002222")
    monkeypatch.setenv("RETROWALK_TWILIO_API_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("RETROWALK_PUBLIC_URL", "https://coach.example.org/")
    settings = TwilioSettings.from_env()
    assert settings.sender("sms") == "+15550001111"
    assert settings.sender("whatsapp") == "whatsapp:+15550002222"
    assert settings.api_url == "http://127.0.0.1:9"
    assert settings.public_url == "https://coach.example.org"
    assert settings.sends_media("sms") and settings.sends_media("whatsapp")
    monkeypatch.setenv("RETROWALK_TWILIO_SMS_MEDIA", "off")  # MMS outside the US and Canada
    settings = TwilioSettings.from_env()
    assert not settings.sends_media("sms") and settings.sends_media("whatsapp")
    monkeypatch.setenv("RETROWALK_TWILIO_SMS_NUMBER", "555-0001")
    with pytest.raises(ValueError, match=r"E\.164"):
        TwilioSettings.from_env()
    monkeypatch.delenv("RETROWALK_TWILIO_AUTH_TOKEN")
    with pytest.raises(ValueError, match="RETROWALK_TWILIO_AUTH_TOKEN"):
        TwilioSettings.from_env()


# -- the Messages API client against the stand-in ------------------------------------------------


def test_api_client_sends_with_basic_auth_and_the_real_form() -> None:
    with TwilioApiStandIn(free_port(), SID, TOKEN) as standin:

        async def send() -> tuple[str | None, str | None, str | None]:
            good = TwilioApi(TwilioSettings(SID, TOKEN, api_url=standin.url, timeout_s=5))
            bad = TwilioApi(TwilioSettings(SID, "wrong", api_url=standin.url, timeout_s=5))
            try:
                text = await good.send("+15557770000", "+15550001111", OutboundMessage("Hi"))
                image = await good.send(
                    "whatsapp:+15557770000",
                    "whatsapp:+15550002222",
                    OutboundMessage(media_url="https://coach.example.org/webhooks/media/a.png"),
                )
                refused = await bad.send("+15557770000", "+15550001111", OutboundMessage("x"))
            finally:
                await good.close()
                await bad.close()
            return text, image, refused

        text_sid, image_sid, refused = asyncio.run(send())
        assert text_sid and text_sid.startswith("SM") and image_sid and refused is None
        [text] = standin.sent("+15557770000")
        assert text.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
        assert text.form == {"To": ["+15557770000"], "From": ["+15550001111"], "Body": ["Hi"]}
        assert text.headers["Authorization"].startswith("Basic ")
        [image] = standin.sent("whatsapp:+15557770000")
        assert image.form["MediaUrl"] == ["https://coach.example.org/webhooks/media/a.png"]
        assert "Body" not in image.form
        assert len(standin.requests()) == 3


def test_api_client_reports_a_body_over_the_limit() -> None:
    with TwilioApiStandIn(free_port(), SID, TOKEN) as standin:

        async def send() -> str | None:
            api = TwilioApi(TwilioSettings(SID, TOKEN, api_url=standin.url, timeout_s=5))
            try:
                return await api.send("+1555", "+1666", OutboundMessage("x" * (BODY_LIMIT + 1)))
            finally:
                await api.close()

        assert asyncio.run(send()) is None
        assert standin.sent() == []
