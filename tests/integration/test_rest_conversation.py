"""Conversations over REST with the real Rasa server and action server."""

from __future__ import annotations

import sqlite3

import pytest
import yaml

from bot.evidence import default_topics
from bot.settings import PROJECT_ROOT
from tests.conftest import LiveCoach
from tests.integration.rest_client import Conversation, parse

pytestmark = pytest.mark.integration

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


def response_text(name: str) -> str:
    return str(DOMAIN["responses"][name][0]["text"])


def test_first_message_has_the_not_medical_advice_notice(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    replies = chat.send("hi")
    assert replies[0]["text"] == response_text("utter_session_notice")
    assert "not medical advice" in replies[0]["text"]
    assert replies[1]["text"] == response_text("utter_greet")
    # Only the first message of a session carries the notice.
    assert response_text("utter_session_notice") not in chat.say("hello again")


def test_benefits_question_then_evidence_follow_up(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    replies = chat.send("Does walking backwards help with balance?")
    texts = [m.get("text") for m in replies]
    assert response_text("utter_faq/benefits_balance") in texts
    answer = next(
        m for m in replies if m.get("text") == response_text("utter_faq/benefits_balance")
    )
    assert {"title": "Is that proven?", "payload": "/ask_evidence"} in answer["buttons"]

    evidence = chat.say("is that proven?")
    topic = default_topics()["benefits_balance"]
    assert topic.evidence.summary in evidence
    assert topic.evidence.sources[0] in evidence
    # The button payload works the same way as typing.
    assert topic.evidence.summary in chat.say("/ask_evidence")


def test_evidence_follows_the_latest_topic(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("Will walking backwards improve my posture?")
    reply = chat.say("what's the source for that?")
    assert default_topics()["benefits_posture"].evidence.summary in reply
    assert "No direct evidence" in reply


def test_condition_mention_gets_a_disclaimer_naming_who_to_consult(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hello")
    reply = chat.say("I have Parkinson's disease")
    assert "Parkinson's" in reply
    assert "neurologist or physical therapist" in reply
    assert "supervising" in reply
    assert "not medical advice" in reply


def test_faq_with_a_condition_adds_the_disclaimer(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hello")
    reply = chat.say("I have osteoporosis, can walking backwards help my balance?")
    assert "osteoporosis" in reply
    assert "not medical advice" in reply


def test_red_flag_stops_and_sends_to_medical_help(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hello")
    reply = chat.say("I've got chest pain and my left arm feels heavy")
    assert "stop what you're doing" in reply and "911" in reply
    assert "Chest pain during exercise is never normal" in reply
    assert "999" not in reply  # one number, for the region


def test_red_flag_phrased_in_a_new_way_still_stops(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    reply = chat.say("omg just went down hard and banged my head on the kerb")
    assert "stop what you're doing" in reply and "911" in reply
    assert "knock to the head" in reply


def test_out_of_scope_is_answered_politely(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hi")
    assert chat.say("can you book me a table at an italian restaurant") == response_text(
        "utter_out_of_scope"
    )


VAGUE_MESSAGES = [
    "backwards",
    "hmm what about that",
    "and the other thing",
    "walking",
    "more",
    "tell me about it",
    "knees or hips",
    "what about later",
]


def test_unclear_message_gets_did_you_mean_buttons_that_work(live_coach: LiveCoach) -> None:
    vague = [t for t in VAGUE_MESSAGES if parse(live_coach, t)["intent"]["name"] == "nlu_fallback"]
    assert vague, "no vague message triggered the NLU fallback"
    # Which vague message gets suggestions depends on the trained model's ranking (the
    # fallback offers only intents worth suggesting): use the first that gets some.
    for text in vague:
        chat = Conversation(live_coach)
        chat.send("hi")
        replies = chat.send(text)
        question = next((m for m in replies if m.get("buttons")), None)
        if question is not None:
            break
    assert question is not None, "no vague message got did-you-mean buttons"
    assert question["text"] == "Sorry, I'm not sure I understood. Did you mean one of these?"
    titles = [b["title"] for b in question["buttons"]]
    assert titles[-1] == "Something else"

    # "Something else" asks to rephrase; a second unclear message gives up politely.
    assert chat.say("/out_of_scope") == response_text("utter_ask_rephrase")

    # Picking a suggested topic answers it.
    chat2 = Conversation(live_coach)
    chat2.send("hi")
    replies = chat2.send(text)
    first = next(m for m in replies if m.get("buttons"))["buttons"][0]
    answer = chat2.say(first["payload"])
    assert answer and "Did you mean" not in answer


def test_conversation_is_stored_in_the_sql_database(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hi")
    chat.send("what shoes should I wear?")
    path = live_coach.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT count(*) FROM events WHERE sender_id = ? AND type_name = 'user'", (chat.sender,)
        ).fetchone()
    assert rows[0] == 2


@pytest.mark.parametrize(
    ("text", "intent"),
    [("hi there", "greet"), ("I walked 12 minutes", "log_walk"), ("thank you!", "thanks")],
)
def test_only_faq_messages_go_through_the_response_selector(
    live_coach: LiveCoach, text: str, intent: str
) -> None:
    question = parse(live_coach, "what shoes should I wear for walking backwards?")
    assert question["intent"]["name"] == "faq"
    selected = question["response_selector"]["faq"]["response"]
    assert selected["intent_response_key"].startswith("faq/") and selected["responses"]
    other = parse(live_coach, text)
    assert other["intent"]["name"] == intent
    assert "faq" not in (other.get("response_selector") or {})
