"""Twilio SMS and WhatsApp against the real coach: signed webhooks in, Messages API out."""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Iterator, Sequence
from urllib.parse import urlencode

import pytest
import requests

from bot.channels.options import REPLY_HINT
from bot.channels.twilio import BODY_LIMIT, EMPTY_TWIML
from tests.channels.standins.base import Recorded
from tests.channels.standins.twilio_api import (
    TwilioApiStandIn,
    new_message_sid,
    signature,
    webhook_params,
)
from tests.conftest import CHANNEL_SECRETS, LiveCoach
from tests.support.tracker import wait_for_user_texts

pytestmark = [pytest.mark.integration, pytest.mark.channels]

SECRETS = CHANNEL_SECRETS["twilio"]
ACCOUNT_SID = SECRETS["RETROWALK_TWILIO_ACCOUNT_SID"]
AUTH_TOKEN = SECRETS["RETROWALK_TWILIO_AUTH_TOKEN"]
SMS_NUMBER = SECRETS["RETROWALK_TWILIO_SMS_NUMBER"]
WHATSAPP_NUMBER = "whatsapp:" + SECRETS["RETROWALK_TWILIO_WHATSAPP_NUMBER"]


@pytest.fixture(scope="module")
def twilio_api(live_coach: LiveCoach) -> Iterator[TwilioApiStandIn]:
    """Twilio's Messages API stand-in, where the coach's Twilio client is pointed."""
    with TwilioApiStandIn(live_coach.api_ports["twilio"], ACCOUNT_SID, AUTH_TOKEN) as standin:
        yield standin


class Phone:
    """A phone texting the coach over SMS or WhatsApp, through Twilio's signed webhooks."""

    def __init__(
        self, coach: LiveCoach, api: TwilioApiStandIn, kind: str, number: str | None = None
    ) -> None:
        self.coach = coach
        self.api = api
        self.kind = kind
        self.number = number or f"+1555{random.randrange(10**7):07d}"
        self.address = f"whatsapp:{self.number}" if kind == "whatsapp" else self.number
        self.coach_number = WHATSAPP_NUMBER if kind == "whatsapp" else SMS_NUMBER

    @property
    def webhook(self) -> str:
        return self.coach.webhook_url(f"twilio_{self.kind}")

    def params(
        self, body: str, message_sid: str | None = None, media_urls: Sequence[str] = ()
    ) -> dict[str, str]:
        return webhook_params(
            ACCOUNT_SID,
            self.address,
            self.coach_number,
            body,
            message_sid=message_sid,
            media_urls=media_urls,
        )

    def post(
        self, params: dict[str, str], *, signed_as: str | None = None, token: str = AUTH_TOKEN
    ) -> requests.Response:
        """POST ``params`` signed for ``signed_as`` (default: the webhook URL; "": unsigned)."""
        url = self.webhook if signed_as is None else signed_as
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if url:
            headers["X-Twilio-Signature"] = signature(token, url, params)
        return requests.post(self.webhook, data=urlencode(params), headers=headers, timeout=30)

    def text(self, body: str) -> list[Recorded]:
        """Send ``body``; the replies the coach sent for it."""
        before = len(self.received())
        reply = self.post(self.params(body))
        assert reply.status_code == 200, reply.text
        assert reply.headers["Content-Type"].startswith("text/xml")
        assert reply.text == EMPTY_TWIML
        # The webhook answers after the replies were sent: they are all there already.
        return self.received()[before:]

    def received(self) -> list[Recorded]:
        return self.api.sent(self.address)

    def user_texts(self, stored: int) -> list[str]:
        return wait_for_user_texts(self.coach, self.address, stored)


def bodies(replies: list[Recorded]) -> str:
    return "\n".join(str(r.value("Body") or "") for r in replies)


@pytest.fixture
def sms(live_coach: LiveCoach, twilio_api: TwilioApiStandIn) -> Phone:
    return Phone(live_coach, twilio_api, "sms")


@pytest.fixture
def whatsapp(live_coach: LiveCoach, twilio_api: TwilioApiStandIn) -> Phone:
    return Phone(live_coach, twilio_api, "whatsapp")


def test_buttons_are_numbered_and_a_number_picks_one(sms: Phone) -> None:
    replies = sms.text("hi")
    assert replies and all(r.value("From") == SMS_NUMBER for r in replies)
    assert all(r.headers["Authorization"].startswith("Basic ") for r in replies)
    assert (
        "1. What are the benefits?\n2. How do I start?\n3. Is it safe?\n" + REPLY_HINT
    ) in bodies(replies)
    answer = sms.text(" 2. ")
    assert answer and "gentle way to begin" in bodies(answer)
    assert sms.user_texts(2) == ["hi", "How do I start walking backwards?"]


def test_a_number_without_options_is_just_text(sms: Phone) -> None:
    sms.text("make me a plan")
    sms.text("1")  # "Never": the experience question offers options
    age_question = sms.received()[-1]
    assert "How old are you" in str(age_question.value("Body"))
    assert REPLY_HINT not in bodies(sms.received()[-1:])
    sms.text("2")  # the age question has no options: "2" stays "2"
    assert sms.user_texts(3) == ["make me a plan", "Never tried it", "2"]


def test_sms_and_whatsapp_side_by_side(live_coach: LiveCoach, twilio_api: TwilioApiStandIn) -> None:
    number = f"+1555{random.randrange(10**7):07d}"
    on_sms = Phone(live_coach, twilio_api, "sms", number)
    on_whatsapp = Phone(live_coach, twilio_api, "whatsapp", number)
    results: dict[str, list[Recorded]] = {}

    def chat(phone: Phone) -> None:
        results[phone.kind] = phone.text("What is retro walking?")

    threads = [threading.Thread(target=chat, args=(p,)) for p in (on_sms, on_whatsapp)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results["sms"] and results["whatsapp"]
    assert {(r.value("From"), r.value("To")) for r in results["sms"]} == {(SMS_NUMBER, number)}
    assert {(r.value("From"), r.value("To")) for r in results["whatsapp"]} == {
        (WHATSAPP_NUMBER, f"whatsapp:{number}")
    }
    # Two conversations: each channel's options are its own.
    on_whatsapp.text("hi")
    assert on_sms.text("3") and on_sms.user_texts(2) == ["What is retro walking?", "3"]
    assert on_whatsapp.text("3")
    assert on_whatsapp.user_texts(3)[-1] == "How do I avoid falling when I walk backwards?"


def test_forged_unsigned_and_replayed_requests_never_reach_the_bot(
    sms: Phone, whatsapp: Phone
) -> None:
    assert sms.post(sms.params("forged"), token="not-the-token").status_code == 403
    assert sms.post(sms.params("unsigned"), signed_as="").status_code == 403
    elsewhere = "https://attacker.example.org/webhooks/twilio_sms/webhook"
    assert sms.post(sms.params("signed for another URL"), signed_as=elsewhere).status_code == 403
    tampered = sms.params("original")
    header = signature(AUTH_TOKEN, sms.webhook, tampered)
    tampered["Body"] = "tampered"
    forged = requests.post(
        sms.webhook,
        data=urlencode(tampered),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": header,
        },
        timeout=30,
    )
    assert forged.status_code == 403
    other_account = webhook_params("AC" + "9" * 32, sms.address, SMS_NUMBER, "other account")
    assert sms.post(other_account).status_code == 400
    wrong_channel = whatsapp.params("WhatsApp message sent to the SMS webhook")
    assert sms.post(wrong_channel).status_code == 400
    assert sms.post(sms.params("y" * 300_000)).status_code == 413
    assert sms.received() == [] and whatsapp.received() == []

    genuine = sms.params("What is retro walking?", message_sid=new_message_sid())
    assert sms.post(genuine).status_code == 200
    answered = sms.received()
    assert answered
    assert sms.post(genuine).status_code == 409  # the same signed request, replayed
    retried = {**genuine, "Body": "What is retro walking? again"}
    assert sms.post(retried).status_code == 409  # a new body under a MessageSid already seen
    assert sms.received() == answered
    assert sms.user_texts(1) == ["What is retro walking?"]


def test_media_only_and_too_long_messages_get_a_note_and_never_reach_the_bot(
    whatsapp: Phone,
) -> None:
    photo = whatsapp.params("", media_urls=["https://api.twilio.com/2010-04-01/x/Media/ME1"])
    assert whatsapp.post(photo).status_code == 200
    [note] = whatsapp.received()
    assert "only read text" in str(note.value("Body"))
    assert whatsapp.post(whatsapp.params("x" * 2001)).status_code == 200
    assert "too long" in str(whatsapp.received()[-1].value("Body"))
    whatsapp.text("hi")
    assert whatsapp.user_texts(1) == ["hi"]


@pytest.mark.parametrize("kind", ["whatsapp", "sms"])
def test_the_progress_chart_is_sent_as_media_url(
    kind: str, live_coach: LiveCoach, twilio_api: TwilioApiStandIn
) -> None:
    phone = Phone(live_coach, twilio_api, kind)
    assert "Logged 10 minutes" in bodies(
        phone.text("I walked 10 minutes backwards today, felt easy")
    )
    progress = phone.text("how am I doing?")
    media = [r.value("MediaUrl") for r in progress if r.value("MediaUrl")]
    assert len(media) == 1 and all(r.value("From") == phone.coach_number for r in progress)
    url = media[0]
    assert url.startswith(f"{live_coach.env['RETROWALK_PUBLIC_URL']}/webhooks/media/")
    image = requests.get(url, timeout=10)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert url.rsplit("/", 1)[1] == hashlib.sha256(image.content).hexdigest() + ".png"


# What a texter answers to each profile question: an option's title, or text to type.
PLAN_ANSWERS = {
    "walked backwards for exercise before": ("pick", "Never"),
    "How old are you": ("say", "I'm 52"),
    "injuries or health conditions": ("pick", "None"),
    "Where will you walk backwards": ("pick", "Track or path"),
    "main goal": ("pick", "Balance"),
    "How many minutes": ("say", "30 minutes"),
    "How many days a week": ("say", "3 days a week"),
}


def option_number(body: str, title: str) -> str:
    """The number of the option titled ``title`` in a numbered list."""
    for line in body.splitlines():
        number, _, rest = line.partition(". ")
        if number.isdigit() and rest == title:
            return number
    raise AssertionError(f"no option {title!r} in {body!r}")


@pytest.mark.parametrize("kind", ["sms", "whatsapp"])
def test_the_plan_form_with_numbered_options(
    kind: str, live_coach: LiveCoach, twilio_api: TwilioApiStandIn
) -> None:
    phone = Phone(live_coach, twilio_api, kind)
    replies = phone.text("make me a plan")
    asked: list[str] = []
    for _ in range(len(PLAN_ANSWERS) + 2):
        text = bodies(replies)
        if "Week 1" in text:
            break
        key = next((q for q in PLAN_ANSWERS if q in text), None)
        assert key, f"no known question in {text!r}"
        asked.append(key)
        how, answer = PLAN_ANSWERS[key]
        replies = phone.text(option_number(text, answer) if how == "pick" else answer)
    else:
        pytest.fail(f"no plan after answering {asked}")
    assert sorted(asked) == sorted(PLAN_ANSWERS)
    texts = phone.user_texts(len(asked) + 1)
    assert "Never tried it" in texts and "Outdoors on a track or path" in texts
    assert "Better balance" in texts and "None" in texts

    whole = phone.text("Show me the whole plan")
    assert all(0 < len(str(r.value("Body"))) <= BODY_LIMIT for r in whole)
    assert "Week 8" in bodies(whole) or "week 8" in bodies(whole)
