"""The profile form's validation: several answers at once, corrections, bad values, skip."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.profile_form import ValidateProfileForm
from tests.actions.conftest import user_event

DOMAIN: dict[str, Any] = {
    "forms": {
        "profile_form": {
            "required_slots": [
                "experience",
                "age",
                "conditions",
                "location",
                "goal",
                "minutes_per_session",
                "days_per_week",
            ]
        }
    },
    "slots": {},
}


def run_form(
    event: dict[str, Any],
    requested: str | None,
    slots: dict[str, Any] | None = None,
    before: list[dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run the form's validation on one user event: the messages and the slot events."""
    tracker = Tracker(
        "ann",
        {"requested_slot": requested, **(slots or {})},
        event["parse_data"],
        [*(before or []), event],
        False,
        None,
        {"name": "profile_form", "validate": True},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateProfileForm().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, [e for e in events if e["event"] == "slot"]


def validate(
    text: str,
    intent: str = "inform",
    requested: str | None = "experience",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    before: list[dict[str, Any]] | None = None,
) -> tuple[list[str], dict[str, Any]]:
    messages, events = run_form(
        user_event(text, intent, entities=entities), requested, slots, before
    )
    texts = [m.get("text") or m.get("response") for m in messages]
    return texts, {e["name"]: e["value"] for e in events}


def validate_event(
    event: dict[str, Any], requested: str, slots: dict[str, Any] | None = None
) -> tuple[list[str | None], list[dict[str, Any]]]:
    """The responses named and the slot events for one prepared user event."""
    messages, events = run_form(event, requested, slots)
    return [m.get("response") for m in messages], events


def test_several_answers_at_once() -> None:
    _, slots = validate("I'm 70, I walk in the park 3 days a week")
    assert slots["age"] == 70
    assert slots["location"] == "outdoor"
    assert slots["days_per_week"] == 3


def test_answer_to_the_requested_slot() -> None:
    _, slots = validate("never tried it")
    assert slots["experience"] == "none"


def test_correction_of_an_earlier_answer() -> None:
    _, slots = validate("actually I'm 72", requested="conditions", slots={"age": 70})
    assert slots["age"] == 72


def test_a_correction_of_another_answer_is_acknowledged_not_a_failure() -> None:
    texts, slots = validate("sorry, I'm 72 not 70", intent="edit_profile", requested="location")
    assert slots["age"] == 72
    assert texts == ["Got it: age: 72."]
    assert "profile_failures" not in slots or not slots["profile_failures"]


def test_a_correction_in_number_words_changes_the_earlier_answer() -> None:
    texts, slots = validate(
        "sorry im actually forty four not forty",
        intent="edit_profile",
        requested="location",
        slots={"age": 40},
    )
    assert slots["age"] == 44
    assert texts == ["Got it: age: 44."]
    # The old value first, read as out of scope, the conditions asked: still the age.
    texts, slots = validate(
        "no not sixty sixty six", intent="out_of_scope", requested="conditions", slots={"age": 60}
    )
    assert slots["age"] == 66 and slots.get("conditions") is None  # asked again


def test_a_plan_request_asked_again_mid_form_keeps_its_answers() -> None:
    _, slots = validate("plan please: 20 minutes, 3 days", intent="start_plan", requested="goal")
    assert slots["minutes_per_session"] == 20 and slots["days_per_week"] == 3
    _, slots = validate("make me a plan", intent="start_plan", requested="goal")
    assert set(slots) <= {"goal"}  # nothing new: the question is asked again


def test_a_plan_request_keeps_every_answer_in_it() -> None:
    _, slots = validate(
        "can you make me a plan? I'm 35 and I'll walk in the park",
        intent="start_plan",
        requested=None,
    )
    assert slots["age"] == 35 and slots["location"] == "outdoor"


def test_an_interjection_before_a_short_answer() -> None:
    _, slots = validate("Oh heavens, never.")
    assert slots["experience"] == "none"


def test_impossible_value_is_explained_and_not_stored() -> None:
    texts, slots = validate("200", requested="age")
    assert any("isn't an age" in t for t in texts)
    assert slots.get("age") is None


def test_repeated_failures_offer_skip_or_stop() -> None:
    texts, slots = validate("purple", requested="goal")
    assert "Sorry, I didn't catch an answer to that." in texts
    texts, slots = validate(
        "purple", requested="goal", slots={"profile_failures": slots["profile_failures"]}
    )
    assert any('"skip"' in t and '"stop"' in t for t in texts)


def test_skip_uses_a_cautious_default() -> None:
    texts, slots = validate("skip", intent="skip", requested="location")
    assert slots["location"] == "skipped"
    assert any("indoors" in t for t in texts)


def test_conditions_cannot_be_skipped() -> None:
    texts, slots = validate("skip", intent="skip", requested="conditions")
    assert slots["conditions"] is None
    assert any("keeps you safe" in t for t in texts)


def test_a_condition_answer_gets_a_disclaimer() -> None:
    texts, slots = validate(
        "I have osteoporosis",
        intent="mention_condition",
        requested="conditions",
        entities=[{"entity": "condition", "value": "osteoporosis", "raw": "osteoporosis"}],
    )
    assert "osteoporosis" in slots["conditions"]
    assert any("With osteoporosis" in t for t in texts)


def test_an_unknown_condition_is_kept_in_the_persons_words_but_not_another_answer() -> None:
    _, slots = validate("a dodgy ticker they keep an eye on", requested="conditions")
    assert slots["conditions"] == ("a dodgy ticker they keep an eye on",)
    # "General fitness" answers the goal question, not the conditions one: asked again.
    texts, slots = validate("General fitness", requested="conditions")
    assert slots.get("conditions") is None
    assert "Sorry, I didn't catch an answer to that." in texts


def test_weight_given_in_passing_is_kept() -> None:
    _, slots = validate("I'm 70 and weigh 80 kg", requested="age")
    assert slots["age"] == 70 and slots["weight_kg"] == 80


def test_questions_and_red_flags_are_left_to_the_rules() -> None:
    assert validate("what shoes should I wear?", intent="faq")[1] == {}
    assert validate("I have chest pain", intent="red_flag", requested="conditions")[1] == {}
    assert validate("stop", intent="cancel")[1] == {}
    # "actually no, delete all my data": the delete question, not "no" to the conditions.
    assert validate("actually no delete all my data", "delete_data", "conditions")[1] == {}
    # ...and its answer, even unsure, is not an answer to the conditions question.
    confirm = validate(
        "Ja, yes, delete it", "nlu_fallback", "conditions", {"awaiting": "delete_data"}
    )
    assert confirm == ([], {})


def test_a_button_answer_classified_as_a_question_intent_still_answers() -> None:
    # "Knees and joints" sends "Knee and joint comfort", which NLU may take for the knee FAQ.
    _, slots = validate("Knee and joint comfort", intent="faq", requested="goal")
    assert slots["goal"] == "joints"
    _, slots = validate("Better balance", intent="faq", requested="goal")
    assert slots["goal"] == "balance"


def test_a_real_question_under_another_intent_is_not_taken_as_an_answer() -> None:
    assert validate("is it good for my knees?", intent="faq", requested="goal")[1] == {}
    assert validate("does it help knee pain", intent="faq", requested="goal")[1] == {}
    # An answer to another slot than the one asked is not taken from a non-answer intent.
    assert validate("knee comfort", intent="faq", requested="age")[1] == {}


def test_an_unsure_question_is_not_taken_as_an_answer() -> None:
    question = "Is it alright on the pavement near my house or should I stick to the park?"
    assert validate(question, intent="nlu_fallback", requested="location")[1] == {}
    # A hedged answer may end with a question mark and is still the answer.
    _, slots = validate("About 15 minutes?", intent="nlu_fallback", requested="minutes_per_session")
    assert slots["minutes_per_session"] == 15
    # A question mark in the middle, and the answer stated after it.
    hedged = "Hmm, not really? Well, once on a hotel treadmill. So I guess a little."
    _, slots = validate(hedged, intent="nlu_fallback", requested="experience")
    assert slots["experience"] == "some"
    assert "location" not in slots  # where they walked once, not where they will


def test_a_plan_request_keeps_what_was_said_about_oneself_before() -> None:
    before = [
        user_event("Is backwards running a thing? I'm 39 and I've never tried it", "faq"),
        user_event("is it ok for my mum, she is 84?", "faq"),  # not about the speaker
    ]
    _, slots = validate(
        "Make me a plan then. No injuries.", "start_plan", requested=None, before=before
    )
    assert slots["age"] == 39
    assert slots["experience"] == "none"
    assert slots["conditions"] == ()


def test_a_walk_told_before_gives_facts_not_the_session_length() -> None:
    walk = {"entity": "duration", "value": 20.0, "start": 12, "end": 22}
    before = [user_event("I'm 69, did 20 minutes walking backwards today", "log_walk", [walk])]
    _, slots = validate("make me a plan", "start_plan", requested=None, before=before)
    assert slots["age"] == 69
    assert "minutes_per_session" not in slots


def test_what_was_said_before_is_read_with_its_entities() -> None:
    """An earlier message is read as it was when it came, with its entities: "MS" is an
    entity of the pipeline (case-sensitive) that the raw words alone cannot give."""
    ms = {"entity": "condition", "value": "multiple sclerosis", "start": 7, "end": 9}
    before = [user_event("I have MS and I'm 52", "inform", entities=[ms])]
    _, slots = validate("make me a plan", "start_plan", requested=None, before=before)
    assert slots["conditions"] == ("multiple sclerosis",)
    assert slots["age"] == 52


def test_nothing_said_before_a_restart_is_kept() -> None:
    before = [user_event("I'm 39 and I've never tried it", "inform"), {"event": "restart"}]
    _, slots = validate("make me a plan", "start_plan", requested=None, before=before)
    assert "age" not in slots and "experience" not in slots


def test_the_plan_request_wins_over_what_was_said_before() -> None:
    before = [user_event("I'm 39", "inform")]
    _, slots = validate("make me a plan, I'm 40", "start_plan", requested=None, before=before)
    assert slots["age"] == 40


def test_a_question_asked_besides_the_answer_is_answered_too() -> None:
    event = user_event("No health issues. Should I look over my shoulder?", "deny")
    event["parse_data"]["asked_too"] = {
        "intent_response_key": "faq/technique_looking_back",
        "confidence": 0.6,
    }
    responses, events = validate_event(event, "conditions")
    slots = {e["name"]: e["value"] for e in events}
    assert "conditions" in slots and not slots["conditions"]
    assert "utter_faq/technique_looking_back" in responses


def test_without_a_question_nothing_else_is_said() -> None:
    texts, _ = validate("No health issues", "deny", requested="conditions")
    assert not any(str(t).startswith("utter_faq") for t in texts)


def test_an_answer_inside_a_question_is_kept_and_the_question_answered() -> None:
    event = user_event("im 55 by the way what shoes should i wear", "faq", faq_key="faq/footwear")
    responses, events = validate_event(event, "age")
    assert {e["name"]: e["value"] for e in events}["age"] == 55
    assert "utter_faq/footwear" in responses


def test_an_unsure_message_whose_question_is_clear_gets_that_answer_and_the_question_again() -> (
    None
):
    event = user_event("Before I answer, which shoes are best for this?", "nlu_fallback")
    event["parse_data"]["asked_too"] = {"intent_response_key": "faq/footwear", "confidence": 0.5}
    responses, events = validate_event(event, "location", {"location": None})
    assert responses == ["utter_faq/footwear"]
    assert events == [{"event": "slot", "timestamp": None, "name": "location", "value": None}]


def test_an_answer_read_as_another_intent_keeps_the_answers_beside_it() -> None:
    _, slots = validate("Good stuff. 15 minutes, 4 days", "log_walk", "minutes_per_session")
    assert slots["minutes_per_session"] == 15 and slots["days_per_week"] == 4


def test_an_answer_read_as_a_question_topic_gets_no_answer_it_did_not_ask_for() -> None:
    event = user_event("10 minutes a day, 5 days a week", "faq", faq_key="faq/duration_frequency")
    responses, events = validate_event(event, "minutes_per_session")
    slots = {e["name"]: e["value"] for e in events}
    assert slots["minutes_per_session"] == 10 and slots["days_per_week"] == 5
    assert not any(responses)


def test_an_answer_before_a_question_is_read_without_the_question() -> None:
    # The back in the question is neither a goal nor a condition; the answer is fitness.
    event = user_event(
        "Fitness. Random q, does it help with a sore lower back?",
        "faq",
        faq_key="faq/benefits_back",
    )
    responses, events = validate_event(event, "goal")
    slots = {e["name"]: e["value"] for e in events}
    assert slots["goal"] == "fitness"
    assert "conditions" not in slots
    assert "utter_faq/benefits_back" in responses
    # Where they might wear slippers is no answer about where they will walk.
    _, slots = validate(
        "None. Here, should I wear my good runners or just go in the slippers around the house?",
        "deny",
        requested="conditions",
    )
    assert slots["conditions"] == () and "location" not in slots


def test_a_correction_under_another_intent_changes_the_earlier_answer() -> None:
    texts, slots = validate(
        "Actually no, make that indoors, the wind would knock you over out there",
        intent="faq",
        requested="goal",
        slots={"location": "outdoor"},
    )
    assert slots["location"] == "indoor_support"
    assert texts == ["Got it: where: indoors, next to a wall or rail for support."]
    assert slots["goal"] is None  # the goal question is asked again
    # Without a correction word a question about another place is left to the rules.
    assert validate("the wind out there is awful", "faq", "goal", {"location": "outdoor"})[1] == {}
    # The same value again is no correction.
    assert validate("actually indoors", "faq", "goal", {"location": "indoor_support"})[1] == {}


def test_a_carer_s_answers_about_the_walker_are_the_walker_s() -> None:
    before = [
        user_event(
            "Hi, I'm typing this for my mother. She's 79 and wants to try walking backwards for "
            "her balance. Can you make her a plan?",
            "start_plan",
        )
    ]
    _, slots = validate(
        "10 minutes is plenty for her", requested="minutes_per_session", before=before
    )
    assert slots["minutes_per_session"] == 10
    _, slots = validate("she only started this week", requested="experience", before=before)
    assert slots["experience"] == "some"
    # The plan request itself keeps her age and goal.
    _, slots = validate(before[0]["text"], "start_plan", requested=None, before=before)
    assert (slots["age"], slots["goal"]) == (79, "balance")
    _, slots = validate("she's 84 actually", requested="age", before=before)
    assert slots["age"] == 84
    # Without anyone saying they type for someone, "she" is someone else.
    _, slots = validate("my mum is 84 and I want a plan", "start_plan", requested=None)
    assert slots.get("age") is None


def test_an_answer_with_a_question_in_the_middle_is_kept_and_the_question_answered() -> None:
    # The knee replacement is asked about for a friend: no condition of the walker's.
    event = user_event(
        "None. Quick question though - is backwards walking recommended after a knee "
        "replacement? Asking for a friend.",
        "faq",
        faq_key="faq/safety_who_should_check",
    )
    responses, events = validate_event(event, "conditions")
    slots = {e["name"]: e["value"] for e in events}
    assert slots["conditions"] == ()
    assert "utter_faq/safety_who_should_check" in responses


def test_another_answer_given_to_the_conditions_question_is_no_condition() -> None:
    from actions.profile_form import conditions_read_safely

    assert conditions_read_safely("Maybe 3 or 4 days, depends on the weather", []) == []
    assert [a.value for a in conditions_read_safely("gout", [])] == [("gout",)]
