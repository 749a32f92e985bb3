"""Custom actions run against tracker fixtures; assertions on messages and events."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.evidence import ActionExplainEvidence
from actions.fallback import ActionAskAffirmation, affirmation_choices
from actions.health import ActionHealthMentions, ActionRedFlag
from actions.session import ActionSessionStart
from bot.evidence import NO_TOPIC_MESSAGE, default_topics, evidence_message
from bot.safety.advice import condition_disclaimer
from tests.actions.conftest import make_tracker, user_event

DOMAIN: dict[str, Any] = {"session_config": {"carry_over_slots_to_new_session": True}}


def run(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def test_session_start_shows_notice_and_carries_slots() -> None:
    tracker = make_tracker(slots={"age": 70, "session_started_metadata": None})
    messages, events = run(ActionSessionStart(), tracker)
    assert [m["response"] for m in messages] == ["utter_session_notice"]
    assert [e["event"] for e in events] == ["session_started", "slot", "action"]
    assert events[1]["name"] == "age" and events[1]["value"] == 70
    assert events[-1]["name"] == "action_listen"


def test_evidence_for_the_latest_faq_answer() -> None:
    tracker = make_tracker(
        user_event("balance?", "faq", faq_key="faq/benefits_balance"),
        user_event("knees?", "faq", faq_key="faq/benefits_knees"),
        user_event("is that proven", "ask_evidence"),
    )
    messages, events = run(ActionExplainEvidence(), tracker)
    assert messages[0]["text"] == evidence_message(default_topics()["benefits_knees"])
    assert events == []


def test_evidence_without_a_previous_topic() -> None:
    messages, _ = run(ActionExplainEvidence(), make_tracker(user_event("source?", "ask_evidence")))
    assert messages[0]["text"] == NO_TOPIC_MESSAGE


def test_health_mentions_names_the_condition() -> None:
    tracker = make_tracker(
        user_event(
            "I have osteoporosis",
            "mention_condition",
            entities=[{"entity": "condition", "value": "osteoporosis"}],
        )
    )
    messages, _ = run(ActionHealthMentions(), tracker)
    assert messages[0]["text"] == condition_disclaimer(["osteoporosis"])


def test_health_mentions_is_silent_after_a_faq_without_conditions() -> None:
    tracker = make_tracker(user_event("what shoes", "faq", faq_key="faq/footwear"))
    messages, events = run(ActionHealthMentions(), tracker)
    assert messages == [] and events == []


def test_health_mentions_adds_disclaimer_to_a_faq_with_a_symptom() -> None:
    tracker = make_tracker(
        user_event(
            "does it help knee pain",
            "faq",
            entities=[
                {"entity": "symptom", "value": "knee pain"},
                {"entity": "place", "value": "park"},
            ],
            faq_key="faq/benefits_knees",
        )
    )
    messages, _ = run(ActionHealthMentions(), tracker)
    assert messages[0]["text"] == condition_disclaimer(["knee pain"])


def test_condition_intent_without_entities_gets_the_generic_disclaimer() -> None:
    messages, _ = run(
        ActionHealthMentions(),
        make_tracker(user_event("I have a rare disease", "mention_condition")),
    )
    assert messages[0]["text"] == condition_disclaimer([])


def test_red_flag_specific_advice() -> None:
    messages, _ = run(
        ActionRedFlag(), make_tracker(user_event("I fell and hit my head", "red_flag"))
    )
    assert messages[0]["text"].startswith("Please stop what you're doing")
    assert "knock to the head" in messages[0]["text"] and "911" in messages[0]["text"]
    assert messages[1]["custom"] == {
        "type": "retrowalk_safety",
        "action": "stop",
        "kind": "head_injury",
        "severity": "emergency",
        "who": "self",
        "emergency_number": "911",
        "spoken": messages[1]["custom"]["spoken"],
    }


def test_red_flag_on_a_treadmill_walk_says_how_to_stop_the_belt() -> None:
    event = user_event("I feel really dizzy", "red_flag")
    event["metadata"] = {"setting": "treadmill"}
    messages, _ = run(ActionRedFlag(), make_tracker(event))
    assert messages[0]["text"].startswith("Press stop or pull the safety clip")
    assert messages[1]["custom"]["kind"] == "dizziness"


def test_red_flag_for_someone_else_says_call_and_cpr() -> None:
    messages, _ = run(
        ActionRedFlag(),
        make_tracker(user_event("my husband collapsed and isn't breathing", "red_flag")),
    )
    assert messages[0]["text"].startswith("Stay with them and call 911 now.")
    assert "start CPR if you're trained" in messages[0]["text"]
    assert messages[1]["custom"]["who"] == "other"


def test_red_flag_from_the_classifier_only_is_still_a_stop_message() -> None:
    messages, _ = run(
        ActionRedFlag(), make_tracker(user_event("this is not good at all", "red_flag"))
    )
    assert "stop what you're doing" in messages[0]["text"] and "911" in messages[0]["text"]
    assert messages[1]["custom"]["kind"] == "unknown"


def unclear_message() -> dict[str, Any]:
    return user_event(
        "knees or hips",
        "nlu_fallback",
        ranking=[
            {"name": "nlu_fallback", "confidence": 0.55},
            {"name": "faq", "confidence": 0.5},
            {"name": "help", "confidence": 0.3},
            {"name": "affirm", "confidence": 0.1},
        ],
        selector_ranking=[
            {"intent_response_key": "faq/benefits_knees", "confidence": 0.45},
            {"intent_response_key": "faq/benefits_hips", "confidence": 0.4},
            {"intent_response_key": "faq/footwear", "confidence": 0.01},
        ],
    )


def test_affirmation_choices_are_readable_topics() -> None:
    topics = default_topics()
    choices = affirmation_choices(unclear_message()["parse_data"])
    assert choices == [
        (topics["benefits_knees"].title, topics["benefits_knees"].question),
        (topics["benefits_hips"].title, topics["benefits_hips"].question),
        ("What can you do?", "/help"),
    ]


def test_affirmation_choices_offer_the_coaching_actions() -> None:
    message = user_event(
        "plan pls. 34, done it a few times, treadmill",
        "nlu_fallback",
        ranking=[
            {"name": "nlu_fallback", "confidence": 0.15},
            {"name": "start_plan", "confidence": 0.36},
            {"name": "inform", "confidence": 0.32},
            {"name": "show_plan", "confidence": 0.14},
        ],
    )
    assert affirmation_choices(message["parse_data"]) == [
        ("Make me a plan", "/start_plan"),
        ("Show my plan", "/show_plan"),
    ]


def test_ask_affirmation_offers_buttons_and_a_way_out() -> None:
    messages, _ = run(ActionAskAffirmation(), make_tracker(unclear_message()))
    buttons = messages[0]["buttons"]
    assert len(buttons) == 4
    assert buttons[-1] == {"title": "Something else", "payload": "/out_of_scope"}


def test_ask_affirmation_without_candidates_asks_to_rephrase() -> None:
    message = user_event(
        "???", "nlu_fallback", ranking=[{"name": "nlu_fallback", "confidence": 1.0}]
    )
    messages, _ = run(ActionAskAffirmation(), make_tracker(message))
    assert messages[0]["response"] == "utter_ask_rephrase"


def test_age_and_weight_stated_beside_a_question_are_kept() -> None:
    tracker = make_tracker(user_event("Is it safe for someone my age? I'm 71.", "faq"))
    _, events = run(ActionHealthMentions(), tracker)
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"} == {"age": 71}
    known = make_tracker(user_event("I'm 71, is it safe?", "faq"), slots={"age": 70})
    assert run(ActionHealthMentions(), known)[1] == []  # a form answer is not overwritten here
    other = make_tracker(user_event("is it safe for a 71 year old?", "faq"))
    assert run(ActionHealthMentions(), other)[1] == []  # not about the speaker
    told = make_tracker(
        user_event("Just so you know, I'm 55 and I've never done backwards walking", "faq")
    )
    slots = {e["name"]: e["value"] for e in run(ActionHealthMentions(), told)[1]}
    assert slots == {"age": 55, "experience": "none"}  # experience is a fact, not a wish
    wish = make_tracker(user_event("I'd like to walk in the park, is that safe?", "faq"))
    assert run(ActionHealthMentions(), wish)[1] == []  # a place said in a question: no answer


def test_a_feeling_the_coach_was_unsure_about_gets_its_answer() -> None:
    message = user_event("I'm just knackered in general this week to be honest", "nlu_fallback")
    messages, _ = run(ActionAskAffirmation(), make_tracker(message))
    assert [m.get("response") for m in messages] == ["utter_faq/rest_and_tiredness"]
