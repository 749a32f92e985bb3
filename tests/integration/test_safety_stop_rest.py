"""An acute warning symptom over REST, end to end: the stop message and its payload.

The live coach (real Rasa + action servers) answers "I think I'm having a heart attack" with
the stop message as text and the same decision as a ``retrowalk_safety`` custom payload.

The checks on the stop message and the payload are shared with the other channels' safety
tests (``tests/channels/test_safety_stop_live.py``, ``tests/web/test_safety_stop_web.py``),
which import them from here. They assert on what would change if the decision were wrong
(who is affected, the kind, the number), not on the whole wording.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from bot.protocol import SAFETY_TYPE
from bot.safety.content import default_content
from bot.safety.stop_message import (
    EMERGENCY_NUMBER_ENV,
)
from operations import servers
from tests.conftest import LiveCoach
from tests.integration.rest_client import Conversation

pytestmark = pytest.mark.integration

# The user's own emergency (kind chest), and someone else's (collapsed, not answering).
ACUTE_SELF_CHEST = "I think I'm having a heart attack"
ACUTE_OTHER = "my husband just collapsed and he's not answering me"

DEFAULT_NUMBER = "911"
WAIT_S = 30.0


def expected_number(coach: LiveCoach) -> str:
    """The number the live coach must name: the fixture runs it with ``RETROWALK_REGION=US``
    (911); a ``RETROWALK_EMERGENCY_NUMBER`` set by whoever runs the tests wins."""
    env = servers.server_environment(coach.settings, coach.env)
    return env.get(EMERGENCY_NUMBER_ENV, "").strip() or DEFAULT_NUMBER


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]


def _assert_one_number(text: str, number: str) -> None:
    assert f"call {number}" in text.lower(), f"no 'call {number}' in {text!r}"
    others = set(default_content().emergency_numbers.values()) - {number}
    named = {other for other in others if re.search(rf"(?<!\d){other}(?!\d)", text)}
    assert not named, f"other emergency numbers {named} in {text!r}"


def _assert_advice_for(text: str, kind: str) -> None:
    """The advice for ``kind`` and no other kind's."""
    advice = default_content().red_flags
    assert advice[kind].short in text, f"no {kind} advice in {text!r}"
    wrong = [k for k, a in advice.items() if k != kind and a.short in text]
    assert not wrong, f"advice for {wrong} in {text!r}"


def assert_self_chest_stop(text: str, number: str) -> None:
    """``text`` is the stop message for the user's own chest pain, naming ``number``."""
    first = _first_sentence(text)
    assert re.search(r"\bstop\b", first, re.IGNORECASE), f"does not start with stop: {text!r}"
    assert "with them" not in first.lower()  # about the user, not someone else
    _assert_one_number(text, number)
    assert "chest pain" in text.lower()
    _assert_advice_for(text, "chest")
    assert "CPR" not in text
    assert_not_raw(text)


def assert_other_stop(text: str, number: str) -> None:
    """``text`` is the stop message for someone else who collapsed: call, CPR if trained."""
    content = default_content()
    assert text.startswith(content.stop_other.format(number=number)), text
    assert content.stop_first["chat"] not in text  # not told to sit down themselves first
    _assert_one_number(text, number)
    assert content.stop_other_unresponsive.format(number=number) in text
    assert "start CPR" in text
    assert_not_raw(text)


def assert_not_raw(shown: str) -> None:
    """Nothing of the payload or any JSON in what a user reads."""
    assert SAFETY_TYPE not in shown, shown
    assert "{" not in shown and "}" not in shown, shown
    assert "emergency_number" not in shown and '"action"' not in shown, shown


def assert_safety_payload(payload: Any, number: str, *, kind: str | None, who: str) -> None:
    """``payload`` is the stop decision: action stop, ``kind`` (unless None), ``who``, number."""
    assert isinstance(payload, dict), payload
    assert payload["type"] == SAFETY_TYPE
    assert payload["action"] == "stop"
    assert payload["who"] == who
    assert payload["severity"] == "emergency"
    assert payload["emergency_number"] == number
    if kind is not None:
        assert payload["kind"] == kind
    spoken = payload["spoken"]
    assert isinstance(spoken, str) and number in spoken
    if kind is not None:
        assert default_content().red_flags[kind].short in spoken


def stop_text(texts: list[str], number: str) -> str:
    """The one message of ``texts`` that is the stop message (it names the number)."""
    stops = [text for text in texts if f"call {number}" in text.lower()]
    assert len(stops) == 1, f"expected one stop message in {texts!r}"
    return stops[0]


def safety_payloads_sent(coach: LiveCoach, sender: str) -> list[dict[str, Any]]:
    """The ``retrowalk_safety`` payloads the coach sent ``sender`` (from its tracker).

    Waits (polling, at most 30 s) until there is one: the tracker is saved after the turn's
    last message was sent, so the channel has sent (or dropped) everything by then.
    """
    chat = Conversation(coach, sender)
    deadline = time.monotonic() + WAIT_S
    while True:
        payloads = [
            event["data"]["custom"]
            for event in chat.tracker()["events"]
            if event["event"] == "bot"
            and isinstance((event.get("data") or {}).get("custom"), dict)
            and event["data"]["custom"].get("type") == SAFETY_TYPE
        ]
        if payloads:
            return payloads
        assert time.monotonic() < deadline, f"the coach sent {sender!r} no {SAFETY_TYPE} payload"
        time.sleep(0.1)


def test_heart_attack_gets_the_stop_message_and_the_payload(live_coach: LiveCoach) -> None:
    number = expected_number(live_coach)
    chat = Conversation(live_coach)
    replies = chat.send(ACUTE_SELF_CHEST)  # the first message of the conversation

    texts = [reply["text"] for reply in replies if reply.get("text")]
    stop = stop_text(texts, number)
    assert_self_chest_stop(stop, number)
    customs = [reply["custom"] for reply in replies if "custom" in reply]
    assert len(customs) == 1, replies
    assert_safety_payload(customs[0], number, kind="chest", who="self")
    # The payload follows its text, and carries the same first instruction.
    order = [
        "payload" if "custom" in r else "stop" if r.get("text") == stop else "" for r in replies
    ]
    assert order.index("payload") > order.index("stop"), order
    assert _first_sentence(customs[0]["spoken"]) == _first_sentence(stop)


def test_someone_else_collapsing_gets_call_and_cpr_advice_and_the_payload(
    live_coach: LiveCoach,
) -> None:
    number = expected_number(live_coach)
    chat = Conversation(live_coach)
    chat.send("hello")
    replies = chat.send(ACUTE_OTHER)

    texts = [reply["text"] for reply in replies if reply.get("text")]
    assert_other_stop(stop_text(texts, number), number)
    customs = [reply["custom"] for reply in replies if "custom" in reply]
    assert len(customs) == 1, replies
    assert_safety_payload(customs[0], number, kind=None, who="other")
    assert "CPR" in customs[0]["spoken"]
