"""The coaching features over REST, including a restart of both servers mid-plan."""

from __future__ import annotations

import pytest

from tests.conftest import LiveCoach
from tests.integration.rest_client import Conversation

pytestmark = pytest.mark.integration


def fill_profile(chat: Conversation) -> str:
    """Answer the profile questions; returns the final reply (the plan)."""
    assert "walked backwards for exercise before" in chat.say("make me a plan please")
    assert "How old are you" in chat.say("never tried it")
    assert "injuries or health conditions" in chat.say("I'm 52")
    replies = [
        chat.say("no injuries, nothing"),
        chat.say("outdoors on a track"),
        chat.say("better balance"),
        chat.say("30 minutes"),
    ]
    assert all(replies)
    return chat.say("3 days a week")


def test_profile_form_builds_a_plan_that_survives_a_restart(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hi")
    plan_reply = fill_profile(chat)
    assert "not medical advice" in plan_reply
    assert "Week 1" in plan_reply or "week 1" in plan_reply

    today = chat.send("what's my session today?")
    custom = next(m["custom"] for m in today if m.get("custom"))
    assert custom["type"] == "retrowalk_session" and custom["week"] == 1
    assert custom["total_minutes"] <= 30

    logged = chat.say("did 5 minutes backwards today, felt easy")
    assert logged.startswith("Logged 5 minutes")

    live_coach.restart()

    profile = chat.say("what do you know about me?")
    assert "52" in profile
    after = chat.send("what's my workout today?")
    assert any(m.get("custom", {}).get("type") == "retrowalk_session" for m in after)
    progress = chat.send("how am I doing?")
    assert "1" in progress[0]["text"]
    assert progress[1]["image"].startswith("data:image/png;base64,")


def test_several_answers_at_once_and_a_question_mid_form(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hello")
    chat.say("I want a backward walking plan")
    reply = chat.say("I'm 70, I walk in the park 3 days a week")
    # Age, place and days were all taken: the next question is not about them.
    assert "How old are you" not in reply and "days a week" not in reply
    answer = chat.say("what shoes should I wear?")
    assert "shoes" in answer.lower()
    assert "?" in answer  # the form asks its next question again


def test_red_flag_mid_form_stops_it(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hi")
    chat.say("make me a plan")
    reply = chat.say("hold on, I have chest pain")
    assert "stop what you're doing" in reply and "911" in reply
    assert "Chest pain" in reply
    # The form is no longer active: a new question gets a normal answer.
    assert "shoes" in chat.say("what shoes should I wear?").lower()


def test_cancel_the_form(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hi")
    chat.say("make me a plan")
    assert "we can stop here" in chat.say("cancel, I'll do this later")


def test_calories_in_one_turn_and_weight_asked_when_missing(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hi")
    reply = chat.say("How many calories for 30 minutes at 80 kg?")
    assert reply.startswith("About ") and "kcal" in reply and "estimate" in reply
    chat2 = Conversation(live_coach)
    chat2.send("hi")
    assert "weight" in chat2.say("how many calories would 20 minutes burn?")
    assert chat2.say("70 kg").startswith("About ")


def test_delete_my_data(live_coach: LiveCoach) -> None:
    chat = Conversation(live_coach)
    chat.send("hi")
    fill_profile(chat)
    assert "Are you sure" in chat.say("delete my data")
    assert "deleted your profile" in chat.say("yes")
    assert "don't have a profile" in chat.say("what do you know about me?")
