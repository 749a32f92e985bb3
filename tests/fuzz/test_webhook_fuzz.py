"""Fuzzing the messaging webhooks (Telegram, Messenger, Slack, Twilio SMS and WhatsApp) and
the media route: a bad signature is refused before anything is parsed; a validly signed
but malformed body gets a 2xx or 4xx, never a 5xx; a message over the size limit is not
stored; stored conversations stay well-formed.

The platform APIs are the local stand-ins of ``tests/channels/standins`` (the coach's
replies go there). Bodies are signed with the test secrets, so the fuzzed payloads reach
the parsers.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import example, given
from hypothesis import strategies as st

from bot.inputs import clean_text, max_message_chars
from tests.channels.standins.messenger_api import MessengerStandIn, text_event, webhook_body
from tests.channels.standins.slack_api import SlackApiStandIn, message_event, signed_headers
from tests.channels.standins.telegram_api import TelegramStandIn, message_update
from tests.channels.standins.twilio_api import TwilioApiStandIn, signature, webhook_params
from tests.conftest import CHANNEL_SECRETS, LiveCoach
from tests.fuzz.conftest import CoachApi, fuzz_settings
from tests.fuzz.strategies import (
    any_character,
    content_types,
    garbage_bytes,
    json_values,
    message_text,
    to_json_bytes,
    wrong_types,
)

pytestmark = [pytest.mark.integration, pytest.mark.fuzz]

# What an HTTP client can put in a header value (sent as Latin-1).
header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=80
)

TELEGRAM = CHANNEL_SECRETS["telegram"]
MESSENGER = CHANNEL_SECRETS["messenger"]
SLACK = CHANNEL_SECRETS["slack"]
TWILIO = CHANNEL_SECRETS["twilio"]
_ids = itertools.count(1)


def unique_number() -> int:
    """A number no other test uses as a chat or user id (time-based, then counted)."""
    return int(time.time()) * 1000 + next(_ids) % 1000 + 8_000_000_000_000


@pytest.fixture(scope="module")
def platform_apis(live_coach: LiveCoach) -> Iterator[None]:
    """Every platform's API stand-in, where the coach sends its replies."""
    ports = live_coach.api_ports
    with (
        TelegramStandIn(ports["telegram"], TELEGRAM["RETROWALK_TELEGRAM_TOKEN"]),
        MessengerStandIn(ports["messenger"], MESSENGER["RETROWALK_MESSENGER_PAGE_TOKEN"]),
        SlackApiStandIn(ports["slack"], SLACK["RETROWALK_SLACK_BOT_TOKEN"]),
        TwilioApiStandIn(
            ports["twilio"],
            TWILIO["RETROWALK_TWILIO_ACCOUNT_SID"],
            TWILIO["RETROWALK_TWILIO_AUTH_TOKEN"],
        ),
    ):
        yield


def is_plain(text: Any) -> bool:
    """A text every channel stores unchanged: clean already, no command or markup."""
    if not isinstance(text, str) or not 0 < len(text) <= max_message_chars():
        return False
    return text == clean_text(text) and not text.startswith("/") and not set(text) & set("<>&")


def check_stored(
    api: CoachApi, sender: str, text: Any, status: int, deliverable: bool = True
) -> None:
    """The sender's conversation after one fuzzed message with ``text``."""
    if status >= 400 or not isinstance(text, str) or len(clean_text(text)) > max_message_chars():
        assert api.user_texts(sender) == []
    elif is_plain(text) and deliverable:
        assert api.wait_for_user_texts(sender, 1) == [clean_text(text)]
    else:
        assert len(api.user_texts(sender)) <= 1


def assert_no_server_error(reply: requests.Response) -> None:
    assert reply.status_code < 500, (reply.status_code, reply.text[:300])


# -- Telegram ---------------------------------------------------------------------------------


def post_telegram(coach: LiveCoach, body: bytes, secret: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return requests.post(coach.webhook_url("telegram"), data=body, headers=headers, timeout=60)


@fuzz_settings(max_examples=15)
@given(
    text=st.one_of(message_text, wrong_types),
    extra=st.dictionaries(st.text(max_size=8), json_values, max_size=2),
)
@example(text="a" * 2001, extra={})
@example(text="hello \ud800", extra={})
def test_telegram_signed_updates(
    live_coach: LiveCoach,
    platform_apis: None,
    coach_api: CoachApi,
    text: Any,
    extra: dict[str, Any],
) -> None:
    chat_id = unique_number()
    update = message_update(chat_id, "placeholder", update_id=unique_number())
    update["message"]["text"] = text
    update["message"].pop("entities", None)
    update["message"].update(extra)
    reply = post_telegram(live_coach, to_json_bytes(update), TELEGRAM["RETROWALK_TELEGRAM_SECRET"])
    assert_no_server_error(reply)
    assert reply.status_code == 200
    check_stored(coach_api, str(chat_id), text, reply.status_code)


@fuzz_settings(max_examples=15)
@given(body=st.one_of(json_values.map(to_json_bytes), garbage_bytes))
def test_telegram_arbitrary_bodies(live_coach: LiveCoach, platform_apis: None, body: bytes) -> None:
    reply = post_telegram(live_coach, body, TELEGRAM["RETROWALK_TELEGRAM_SECRET"])
    assert_no_server_error(reply)


@fuzz_settings(max_examples=8)
@given(body=json_values.map(to_json_bytes), secret=st.one_of(st.none(), header_text))
@example(body=b"{}", secret="caf\xe9 \xbd")
def test_telegram_wrong_secret_is_refused(
    live_coach: LiveCoach, body: bytes, secret: str | None
) -> None:
    reply = post_telegram(live_coach, body, secret)
    assert reply.status_code == 403


def test_telegram_oversized_body_is_refused(live_coach: LiveCoach, coach_api: CoachApi) -> None:
    chat_id = unique_number()
    update = message_update(chat_id, "w" * 300_000, update_id=unique_number())
    reply = post_telegram(live_coach, to_json_bytes(update), TELEGRAM["RETROWALK_TELEGRAM_SECRET"])
    assert reply.status_code == 413
    assert coach_api.user_texts(str(chat_id)) == []


# -- Messenger --------------------------------------------------------------------------------


def post_messenger(
    coach: LiveCoach, body: bytes, signature_header: str | None
) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if signature_header is not None:
        headers["X-Hub-Signature-256"] = signature_header
    return requests.post(coach.webhook_url("messenger"), data=body, headers=headers, timeout=60)


def hub_signature(body: bytes, secret: str = MESSENGER["RETROWALK_MESSENGER_APP_SECRET"]) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@fuzz_settings(max_examples=15)
@given(text=st.one_of(message_text, wrong_types), mid=st.one_of(st.none(), wrong_types))
@example(text="a" * 2001, mid=None)
def test_messenger_signed_messages(
    live_coach: LiveCoach, platform_apis: None, coach_api: CoachApi, text: Any, mid: Any
) -> None:
    sender = str(unique_number())
    event = text_event(sender, "placeholder", mid=f"m_fuzz_{uuid.uuid4().hex}")
    event["message"]["text"] = text
    if mid is not None:
        event["message"]["mid"] = mid
    body = to_json_bytes(webhook_body(event))
    reply = post_messenger(live_coach, body, hub_signature(body))
    assert_no_server_error(reply)
    # A fuzzed mid may repeat across examples: a repeat is dropped as a replay.
    check_stored(coach_api, sender, text, reply.status_code, deliverable=mid is None)


@fuzz_settings(max_examples=15)
@given(body=st.one_of(json_values.map(to_json_bytes), garbage_bytes))
@example(body=b'{"object": "page", "entry": [{"messaging": [null, 1, {"sender": {}}]}]}')
def test_messenger_arbitrary_signed_bodies(
    live_coach: LiveCoach, platform_apis: None, body: bytes
) -> None:
    reply = post_messenger(live_coach, body, hub_signature(body))
    assert_no_server_error(reply)


@fuzz_settings(max_examples=8)
@given(body=json_values.map(to_json_bytes), header=st.one_of(st.none(), header_text))
def test_messenger_bad_signature_is_refused(
    live_coach: LiveCoach, body: bytes, header: str | None
) -> None:
    reply = post_messenger(live_coach, body, header)
    assert reply.status_code == 403


# -- Slack ------------------------------------------------------------------------------------


def post_slack(coach: LiveCoach, body: bytes, headers: dict[str, str]) -> requests.Response:
    return requests.post(coach.webhook_url("slack"), data=body, headers=headers, timeout=60)


@fuzz_settings(max_examples=15)
@given(text=st.one_of(message_text, wrong_types), kind=st.sampled_from(["message", "app_mention"]))
@example(text="a" * 2001, kind="message")
def test_slack_signed_events(
    live_coach: LiveCoach, platform_apis: None, coach_api: CoachApi, text: Any, kind: str
) -> None:
    user = f"UFZ{uuid.uuid4().hex[:10].upper()}"
    envelope = message_event(user, f"D{uuid.uuid4().hex[:10].upper()}", "placeholder", kind=kind)
    envelope["event"]["text"] = text
    body = to_json_bytes(envelope)
    reply = post_slack(
        live_coach,
        body,
        signed_headers(SLACK["RETROWALK_SLACK_SIGNING_SECRET"], body, "application/json"),
    )
    assert_no_server_error(reply)
    assert reply.status_code == 200
    check_stored(coach_api, user, text, reply.status_code)


@fuzz_settings(max_examples=15)
@given(
    body=st.one_of(
        json_values.map(to_json_bytes),
        garbage_bytes,
        st.dictionaries(st.text(max_size=8), st.text(any_character, max_size=30), max_size=3).map(
            lambda form: urlencode(form).encode()
        ),
        json_values.map(lambda v: urlencode({"payload": json.dumps(v)}).encode()),
    ),
    content_type=content_types,
)
def test_slack_arbitrary_signed_bodies(
    live_coach: LiveCoach, platform_apis: None, body: bytes, content_type: str
) -> None:
    headers = signed_headers(SLACK["RETROWALK_SLACK_SIGNING_SECRET"], body, content_type)
    reply = post_slack(live_coach, body, headers)
    assert_no_server_error(reply)


@fuzz_settings(max_examples=8)
@given(
    body=json_values.map(to_json_bytes),
    how=st.sampled_from(["missing", "wrong secret", "expired", "garbage"]),
)
def test_slack_bad_signature_is_refused(live_coach: LiveCoach, body: bytes, how: str) -> None:
    secret = SLACK["RETROWALK_SLACK_SIGNING_SECRET"]
    headers = signed_headers(
        "not-the-secret" if how == "wrong secret" else secret,
        body,
        "application/json",
        timestamp=int(time.time()) - 3600 if how == "expired" else None,
    )
    if how == "missing":
        del headers["X-Slack-Signature"]
    if how == "garbage":
        headers["X-Slack-Signature"] = "v0=\x7f" + "zz" * 40
    reply = post_slack(live_coach, body, headers)
    assert reply.status_code == 401


# -- Twilio SMS and WhatsApp ------------------------------------------------------------------


def post_twilio(
    coach: LiveCoach, channel: str, body: bytes, signature_header: str | None
) -> requests.Response:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature_header is not None:
        headers["X-Twilio-Signature"] = signature_header
    return requests.post(coach.webhook_url(channel), data=body, headers=headers, timeout=60)


@fuzz_settings(max_examples=15)
@given(
    kind=st.sampled_from(["sms", "whatsapp"]),
    text=message_text,
    extra=st.dictionaries(
        st.sampled_from(["NumMedia", "To", "MediaUrl0", "ProfileName", "Odd\x00Key"]),
        st.text(any_character, max_size=20),
        max_size=2,
    ),
)
@example(kind="sms", text="a" * 2001, extra={})
@example(kind="whatsapp", text="hi", extra={"NumMedia": "-7"})
def test_twilio_signed_messages(
    live_coach: LiveCoach,
    platform_apis: None,
    coach_api: CoachApi,
    kind: str,
    text: str,
    extra: dict[str, str],
) -> None:
    number = f"+1555{unique_number() % 10**7:07d}"
    sender = f"whatsapp:{number}" if kind == "whatsapp" else number
    to_key = (
        "RETROWALK_TWILIO_WHATSAPP_NUMBER" if kind == "whatsapp" else "RETROWALK_TWILIO_SMS_NUMBER"
    )
    to = ("whatsapp:" if kind == "whatsapp" else "") + TWILIO[to_key]
    params = webhook_params(TWILIO["RETROWALK_TWILIO_ACCOUNT_SID"], sender, to, text)
    params.update(extra)
    # Form values travel as UTF-8: a lone surrogate cannot be sent, as from Twilio.
    params = {k: v.encode("utf-8", "replace").decode("utf-8") for k, v in params.items()}
    url = live_coach.webhook_url(f"twilio_{kind}")
    body = urlencode(params).encode()
    reply = post_twilio(
        live_coach,
        f"twilio_{kind}",
        body,
        signature(TWILIO["RETROWALK_TWILIO_AUTH_TOKEN"], url, params),
    )
    assert_no_server_error(reply)
    assert reply.status_code == 200
    check_stored(coach_api, sender, params["Body"], reply.status_code)


@fuzz_settings(max_examples=15)
@given(
    kind=st.sampled_from(["sms", "whatsapp"]),
    params=st.dictionaries(
        st.text(any_character, max_size=10), st.text(any_character, max_size=30), max_size=5
    ),
    raw=st.one_of(st.none(), garbage_bytes),
)
def test_twilio_arbitrary_signed_forms(
    live_coach: LiveCoach, platform_apis: None, kind: str, params: dict[str, str], raw: bytes | None
) -> None:
    url = live_coach.webhook_url(f"twilio_{kind}")
    params = {
        k.encode("utf-8", "replace").decode(): v.encode("utf-8", "replace").decode()
        for k, v in params.items()
    }
    body = urlencode(params).encode() if raw is None else raw
    header = signature(TWILIO["RETROWALK_TWILIO_AUTH_TOKEN"], url, params)
    reply = post_twilio(live_coach, f"twilio_{kind}", body, header)
    assert_no_server_error(reply)


@fuzz_settings(max_examples=8)
@given(header=st.one_of(st.none(), header_text), text=st.text(max_size=20))
def test_twilio_bad_signature_is_refused(
    live_coach: LiveCoach, header: str | None, text: str
) -> None:
    params = webhook_params(
        TWILIO["RETROWALK_TWILIO_ACCOUNT_SID"],
        "+15550009999",
        TWILIO["RETROWALK_TWILIO_SMS_NUMBER"],
        text,
    )
    reply = post_twilio(live_coach, "twilio_sms", urlencode(params).encode(), header)
    assert reply.status_code == 403


# -- media and the end of the run -------------------------------------------------------------


@fuzz_settings(max_examples=20)
@given(
    name=st.one_of(
        st.text(any_character, max_size=80), st.just("a" * 64 + ".png"), st.just("../../etc/passwd")
    )
)
def test_media_route_never_fails(live_coach: LiveCoach, name: str) -> None:
    path = requests.utils.quote(name.encode("utf-8", "replace"), safe="")
    reply = requests.get(f"{live_coach.settings.rasa_url}/webhooks/media/{path}", timeout=30)
    assert reply.status_code in (200, 404)


def test_the_server_is_still_up_after_the_webhook_fuzzing(coach_api: CoachApi) -> None:
    assert coach_api.is_up()
