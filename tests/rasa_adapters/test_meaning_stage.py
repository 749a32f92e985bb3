"""The meaning stage's reading of messages that carry plan answers (read_plan_answers)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_adapters.meaning_stage import read_plan_answers, read_walk_told


def reading(text: str, intent: str, confidence: float = 0.46) -> tuple[str, float, list[str]]:
    message = Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [
                {"name": intent, "confidence": confidence},
                {"name": "start_plan", "confidence": 0.2},
            ],
        }
    )
    read_plan_answers(message, text)
    top = message.get("intent")
    return top["name"], top["confidence"], [i["name"] for i in message.get("intent_ranking")]


def test_a_plan_request_heard_as_a_question_topic_is_a_plan_request() -> None:
    text = "Plan. Now. 38, never done it, no injuries, treadmill, fitness, 20 min, 4 days. Go."
    name, confidence, ranking = reading(text, "faq")
    assert name == "start_plan"
    assert confidence == 0.46  # no more sure than the reading it replaces
    assert ranking == ["start_plan", "faq"]  # listed once


@pytest.mark.parametrize("intent", ["nlu_fallback", "out_of_scope", "log_walk"])
def test_a_change_of_an_answer_is_an_edit_whatever_it_was_heard_as(intent: str) -> None:
    assert reading("Actually make that 4 days, not 3. Rest days bore me.", intent)[0] == (
        "edit_profile"
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # Other readings are never replaced: safety, a calorie question, help.
        ("38, never done it, no injuries, my chest hurts", "red_flag"),
        ("38, never done it, no injuries, 20 min: how many calories", "ask_calories"),
        # Nothing to replace it with: an ordinary question.
        ("is walking backwards good for my knees", "faq"),
    ],
)
def test_other_readings_stay(text: str, intent: str) -> None:
    assert reading(text, intent)[0] == intent


def walk_reading(text: str, intent: str) -> str:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.6}})
    read_walk_told(message, text)
    return str(message.get("intent")["name"])


@pytest.mark.parametrize("intent", ["thanks", "greet", "out_of_scope"])
def test_a_walk_told_among_pleasantries_is_a_walk_log(intent: str) -> None:
    text = "Evening! Finished my backwards walk on the treadmill just now, thanks for the tips."
    assert walk_reading(text, intent) == "log_walk"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("thanks, I did my shopping first", "thanks"),  # no walk
        ("did 20 minutes, is that enough?", "thanks"),  # a question
        ("walked 20 minutes and my chest hurts", "red_flag"),  # never over safety
    ],
)
def test_no_walk_or_another_reading_stays(text: str, intent: str) -> None:
    assert walk_reading(text, intent) == intent


def test_a_walk_just_done_read_as_a_question_topic_is_a_walk_log() -> None:
    done = "Evening. I completed my backward walking on the treadmill just now."
    assert walk_reading(done, "faq") == "log_walk"
    story = "I did retro walking at school years ago and loved it"  # no walk just done
    assert walk_reading(story, "faq") == "faq"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Kia ora! Keen to get a plan sorted. I'm 52, never walked backwards.", "greet"),
        ("Hello! I walked 20 minutes, now make me a plan", "greet"),
        ("my calves are so stiff today, did the backwards thing yesterday with my mum", "faq"),
    ],
)
def test_a_plan_request_or_a_soreness_story_is_no_walk_log(text: str, intent: str) -> None:
    assert walk_reading(text, intent) == intent
