"""Coaching actions with tracker fixtures and a real SQLite database; assertions on events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import store
from actions.calories import ActionCalorieFollowUp, ActionCalories
from actions.dialogue import ActionHandleAffirm, ActionHandleDeny, ActionHandleInform
from actions.fallback import ActionAskAffirmation
from actions.plan import (
    PLAN_BUTTONS,
    ActionBuildPlan,
    ActionClinicianCleared,
    ActionShowPlan,
    ActionTodaysSession,
)
from actions.privacy import ActionAskDeleteConfirmation
from actions.profile import ActionShowProfile, ActionUpdateProfile
from actions.session import ActionSessionStart
from actions.walks import ActionLogWalk, ActionProgress
from bot.plan.model import Plan
from bot.profile.model import Profile, WalkLog
from bot.protocol.plan_sessions import starter_session
from tests.actions.conftest import user_event

DOMAIN: dict[str, Any] = {"session_config": {"carry_over_slots_to_new_session": True}}
PROFILE_SLOTS = {
    "experience": "none",
    "age": 45,
    "conditions": [],
    "location": "outdoor",
    "goal": "fitness",
    "minutes_per_session": 30,
    "days_per_week": 3,
}


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "coach.db"
    monkeypatch.setenv("RETROWALK_DATABASE_URL", f"sqlite:///{path}")
    store.storage.cache_clear()
    yield path
    store.storage.cache_clear()


def tracker(
    *events: dict[str, Any], slots: dict[str, Any] | None = None, sender: str = "ann"
) -> Tracker:
    latest = next((e["parse_data"] for e in reversed(events) if e["event"] == "user"), {})
    return Tracker(
        sender, dict(slots or {}), latest, list(events), False, None, {}, "action_listen"
    )


def run(action: Action, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_build_plan_saves_profile_and_plan() -> None:
    messages, events = run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    saved = store.storage().get_profile("ann")
    assert saved is not None and saved.age == 45 and saved.goal == "fitness"
    record = store.storage().active_plan("ann")
    assert record is not None and record["current_week"] == 1
    assert "not medical advice" in messages[0]["text"]
    assert messages[1]["buttons"][0]["payload"] == "/show_plan"
    assert slot_events(events) == {"awaiting": None}


def test_red_flag_profile_gets_no_plan_until_cleared() -> None:
    slots = {**PROFILE_SLOTS, "conditions": ["chest pain"]}
    messages, events = run(ActionBuildPlan(), tracker(slots=slots))
    assert store.storage().active_plan("ann") is None
    assert "won't make a plan yet" in messages[0]["text"]
    assert slot_events(events) == {"awaiting": "clearance"}

    messages, events = run(ActionClinicianCleared(), tracker(slots=slots))
    assert store.storage().active_plan("ann") is not None
    stored = store.storage().get_profile("ann")
    assert stored is not None and stored.clinician_cleared


def test_yes_to_the_clearance_question_builds_the_plan() -> None:
    slots = {**PROFILE_SLOTS, "conditions": ["chest pain"]}
    run(ActionBuildPlan(), tracker(slots=slots))
    run(
        ActionHandleAffirm(),
        tracker(user_event("yes", "affirm"), slots={**slots, "awaiting": "clearance"}),
    )
    assert store.storage().active_plan("ann") is not None


def test_parkinsons_gets_supervised_only_answer() -> None:
    slots = {**PROFILE_SLOTS, "conditions": ["parkinson's disease"]}
    messages, _ = run(ActionBuildPlan(), tracker(slots=slots))
    assert store.storage().active_plan("ann") is None
    assert "supervise" in messages[0]["text"]


def test_show_plan_without_a_plan_starts_the_questions() -> None:
    messages, events = run(ActionShowPlan(), tracker())
    assert messages[0]["text"] == "You don't have a plan yet, so let's make one."
    assert events == [{"event": "followup", "name": "profile_form", "timestamp": None}]


def test_show_plan_and_todays_session_payload() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    messages, _ = run(ActionShowPlan(), tracker())
    assert "week 1" in messages[0]["text"]
    messages, _ = run(ActionTodaysSession(), tracker())
    payload = messages[1]["custom"]
    assert payload["type"] == "retrowalk_session" and payload["week"] == 1
    kinds = [s["kind"] for s in payload["segments"]]
    assert kinds[0] == "warmup" and kinds[-1] == "cooldown" and "backward" in kinds
    assert payload["total_minutes"] <= PROFILE_SLOTS["minutes_per_session"]


def test_no_plan_yet() -> None:
    messages, _ = run(ActionTodaysSession(), tracker())
    assert "don't have a plan yet" in messages[0]["text"]


def test_calories_in_one_turn() -> None:
    message = user_event(
        "how many calories for 30 minutes at 80 kg?",
        "ask_calories",
        entities=[{"entity": "duration", "value": 30.0}, {"entity": "weight", "value": 80.0}],
    )
    messages, events = run(ActionCalories(), tracker(message))
    assert messages[0]["text"].startswith("About ")
    assert "estimate" in messages[0]["text"]
    assert slot_events(events)["weight_kg"] == 80.0


def test_a_weight_read_as_out_of_scope_answers_the_open_calorie_question() -> None:
    slots = {"awaiting": "calories", "pending": {"duration": 40.0}}
    joke = user_event(
        "Twelve and a half stone. Don't tell the wife.",
        "out_of_scope",
        entities=[{"entity": "weight", "value": 79.4}],
    )
    messages, _ = run(ActionHandleInform(), tracker(joke, slots=slots))
    assert messages[1]["custom"]["weight_kg"] == 79.4
    # Something else altogether is said to be out of scope; the question stays open.
    other = user_event("who won the match last night", "out_of_scope")
    messages, events = run(ActionHandleInform(), tracker(other, slots=slots))
    assert messages[0]["response"] == "utter_out_of_scope"
    assert "awaiting" not in slot_events(events)


def test_calories_ask_for_weight_then_answer() -> None:
    ask = user_event(
        "calories for 30 minutes?", "ask_calories", entities=[{"entity": "duration", "value": 30.0}]
    )
    messages, events = run(ActionCalories(), tracker(ask))
    assert "weight" in messages[0]["text"]
    slots = slot_events(events)
    assert slots["awaiting"] == "calories" and slots["pending"] == {"duration": 30.0}

    answer = user_event("80 kg", "inform", entities=[{"entity": "weight", "value": 80.0}])
    messages, events = run(ActionHandleInform(), tracker(answer, slots=slots))
    assert messages[0]["text"].startswith("About ")
    slots = slot_events(events)
    assert slots["awaiting"] == "calories_followup"
    assert slots["pending"] == {"last": {"duration": 30.0, "weight": 80.0}}
    # The coach then waits: the rule that ran the answer was for the open question.
    assert events[-1]["event"] == "followup" and events[-1]["name"] == "action_listen"

    follow_up = user_event(
        "and on a 5% incline?", "faq", entities=[{"entity": "incline", "value": 5.0}]
    )
    messages, events = run(ActionCalorieFollowUp(), tracker(follow_up, slots=slots))
    payload = messages[1]["custom"]
    assert (payload["minutes"], payload["weight_kg"], payload["incline_pct"]) == (30.0, 80.0, 5.0)

    someone_else = user_event(
        "what about my wife, she's 60 kg",
        "out_of_scope",
        entities=[{"entity": "weight", "value": 60.0}],
    )
    messages, _ = run(ActionCalorieFollowUp(), tracker(someone_else, slots=slot_events(events)))
    assert messages[1]["custom"]["weight_kg"] == 60.0
    # Told in dialect, and not understood as a whole ("wor lass": my wife)
    geordie = user_event(
        "An wor lass, she's 9 stone 2",
        "nlu_fallback",
        entities=[{"entity": "weight", "value": 58.1}],
    )
    messages, _ = run(ActionCalorieFollowUp(), tracker(geordie, slots=slot_events(events)))
    assert messages[1]["custom"]["weight_kg"] == 58.1


def test_a_follow_up_on_the_flat_drops_the_incline() -> None:
    last = {"duration": 45.0, "weight": 80.0, "incline": 10.0}
    slots = {"awaiting": "calories_followup", "pending": {"last": last}}
    wife = user_event(
        "and my wife, she's 130 pounds, same 45 minutes but flat",
        "ask_calories",
        entities=[{"entity": "weight", "value": 59.0}, {"entity": "duration", "value": 45.0}],
    )
    messages, _ = run(ActionCalorieFollowUp(), tracker(wife, slots=slots))
    payload = messages[1]["custom"]
    assert (payload["weight_kg"], payload["incline_pct"]) == (59.0, 0.0)
    on_the_flat = user_event("and on the flat?", "faq")
    messages, _ = run(ActionCalorieFollowUp(), tracker(on_the_flat, slots=slots))
    assert messages[1]["custom"]["incline_pct"] == 0.0


def test_a_slope_without_a_number_is_taken_as_the_gentlest_incline_and_said_so() -> None:
    slots = {
        "awaiting": "calories_followup",
        "pending": {"last": {"duration": 30.0, "weight": 68.0}},
    }
    slight = user_event("and if i did it on a slight incline", "faq", faq_key="faq/hills_incline")
    messages, events = run(ActionCalorieFollowUp(), tracker(slight, slots=slots))
    payload = messages[1]["custom"]
    assert (payload["minutes"], payload["weight_kg"], payload["incline_pct"]) == (30.0, 68.0, 2.0)
    assert "took the slope as 2%" in messages[0]["text"]
    # A number given next replaces the assumption, and the reply no longer mentions it.
    four = user_event("it's 4%", "inform", entities=[{"entity": "incline", "value": 4.0}])
    messages, _ = run(ActionCalorieFollowUp(), tracker(four, slots=slot_events(events)))
    assert messages[1]["custom"]["incline_pct"] == 4.0
    assert "took the slope" not in messages[0]["text"]
    # A steep slope is taken as 5%, the steepest measured value, and said to be low.
    steep = user_event(
        "And if I go up the hill field instead, it's fierce steep",
        "faq",
        faq_key="faq/hills_incline",
    )
    messages, _ = run(ActionCalorieFollowUp(), tracker(steep, slots=slots))
    assert messages[1]["custom"]["incline_pct"] == 5.0
    assert "took the slope as 5%" in messages[0]["text"] and "likely low" in messages[0]["text"]


def test_after_an_estimate_other_messages_are_answered_as_usual() -> None:
    slots = {"awaiting": "calories_followup", "pending": {"last": {"duration": 30.0}}}
    question = user_event("what shoes should I wear", "faq", faq_key="faq/footwear")
    messages, events = run(ActionCalorieFollowUp(), tracker(question, slots=slots))
    assert [m.get("response") for m in messages] == ["utter_faq/footwear"]
    assert slot_events(events) == {"awaiting": None, "pending": None}
    # The coach then waits: no rule is written for the closed follow-up.
    assert events[-1]["event"] == "followup" and events[-1]["name"] == "action_listen"
    change = user_event("I'm 80 kg now", "inform", entities=[{"entity": "weight", "value": 80.0}])
    _, events = run(ActionCalorieFollowUp(), tracker(change, slots=slots))
    assert slot_events(events)["weight_kg"] == 80.0


def test_a_follow_up_after_thanks_is_still_a_follow_up() -> None:
    # The last estimate was for someone else (60 kg); the speaker weighs 85 kg.
    last = {"duration": 30.0, "weight": 60.0}
    slots = {"awaiting": "calories_followup", "pending": {"last": last}, "weight_kg": 85.0}
    message = user_event(
        "thanks coach and what about me if i only do 20 minutes",
        "edit_profile",
        entities=[{"entity": "duration", "value": 20.0}],
    )
    messages, _ = run(ActionCalorieFollowUp(), tracker(message, slots=slots))
    payload = messages[1]["custom"]
    assert (payload["minutes"], payload["weight_kg"]) == (20.0, 85.0)
    # Without "me", the follow-up keeps the last estimate's weight.
    message = user_event(
        "and what about 20 minutes", "faq", entities=[{"entity": "duration", "value": 20.0}]
    )
    messages, _ = run(ActionCalorieFollowUp(), tracker(message, slots=slots))
    assert messages[1]["custom"]["weight_kg"] == 60.0


def test_calories_payload_carries_the_inputs() -> None:
    message = user_event(
        "calories for 20 minutes at 68 kg on a 5% incline",
        "ask_calories",
        entities=[
            {"entity": "duration", "value": 20.0},
            {"entity": "weight", "value": 68.0},
            {"entity": "incline", "value": 5.0},
        ],
    )
    messages, _ = run(ActionCalories(), tracker(message))
    payload = messages[1]["custom"]
    assert payload["type"] == "retrowalk_calories"
    assert (payload["minutes"], payload["weight_kg"], payload["incline_pct"]) == (20.0, 68.0, 5.0)
    assert payload["kcal"] > 0


def test_calories_with_nothing_known_give_an_example_then_ask() -> None:
    messages, events = run(
        ActionCalories(), tracker(user_event("how many calories would I burn?", "ask_calories"))
    )
    assert "kcal" in messages[0]["text"] and "how many minutes" in messages[0]["text"]
    assert slot_events(events)["awaiting"] == "calories"


def test_a_plan_request_with_every_answer_makes_the_plan() -> None:
    text = (
        "Make me a plan. I'm 45, no health problems, never done it before, I'll use a "
        "treadmill, goal is general fitness, 30 minutes, 3 days a week"
    )
    messages, events = run(ActionUpdateProfile(), tracker(user_event(text, "inform")))
    assert messages[0]["text"].startswith("Got it: experience: new to backward walking, age: 45")
    assert "3 days a week" in messages[0]["text"] and "I'm 45" not in messages[0]["text"]
    assert store.storage().active_plan("ann") is not None
    assert slot_events(events)["days_per_week"] == 3


def test_a_plan_request_with_some_answers_starts_the_questions() -> None:
    message = user_event("can you set me up with a plan, I'm 35 and walk in the park", "inform")
    messages, events = run(ActionUpdateProfile(), tracker(message))
    assert messages == []
    assert {"event": "followup", "name": "profile_form", "timestamp": None} in events
    assert slot_events(events) == {"age": 35, "location": "outdoor"}
    assert store.storage().active_plan("ann") is None


def test_answers_without_a_plan_request_are_kept_for_later() -> None:
    messages, events = run(ActionUpdateProfile(), tracker(user_event("I'm 72", "inform")))
    assert messages[0]["text"].startswith("Got it: age: 72.")
    assert slot_events(events) == {"age": 72}


def test_show_profile_after_stop_shows_the_answers_so_far() -> None:
    slots = {"experience": "none", "age": 72, "conditions": []}
    messages, _ = run(ActionShowProfile(), tracker(slots=slots))
    text = messages[0]["text"]
    assert "told me so far" in text and "- Age: 72" in text and "- Health: none" in text
    assert "make me a plan" in text


def test_calories_absurd_weight_is_explained() -> None:
    message = user_event(
        "calories for 30 minutes at 5 kg",
        "ask_calories",
        entities=[{"entity": "duration", "value": 30.0}, {"entity": "weight", "value": 5.0}],
    )
    messages, _ = run(ActionCalories(), tracker(message))
    assert "weight" in messages[0]["text"].lower()


def test_log_walk_stores_and_adapts() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    message = user_event(
        "did 5 minutes backwards today, felt easy",
        "log_walk",
        entities=[{"entity": "duration", "value": 5.0}],
    )
    messages, events = run(ActionLogWalk(), tracker(message))
    logs = store.storage().walk_logs("ann")
    assert len(logs) == 1 and logs[0].backward_minutes == 5 and logs[0].feel == "easy"
    assert logs[0].plan_week == 1
    assert messages[0]["text"].startswith("Logged 5 minutes")
    assert slot_events(events) == {"awaiting": None, "pending": None}


def test_a_walk_imagined_after_an_estimate_is_a_follow_up_not_a_log() -> None:
    slots = {
        "awaiting": "calories_followup",
        "pending": {"last": {"duration": 40.0, "weight": 75.0}},
    }
    imagined = user_event(
        "what if I'd done 60 min?", "log_walk", entities=[{"entity": "duration", "value": 60.0}]
    )
    messages, events = run(ActionLogWalk(), tracker(imagined, slots=slots))
    assert messages == [] and events == [
        {"event": "followup", "timestamp": None, "name": "action_calorie_followup"}
    ]
    assert store.storage().walk_logs("ann") == []
    messages, _ = run(ActionCalorieFollowUp(), tracker(imagined, slots=slots))
    assert (messages[1]["custom"]["minutes"], messages[1]["custom"]["weight_kg"]) == (60.0, 75.0)
    # A walk told as done is logged, estimate or not.
    done = user_event("I did 60 min", "log_walk", entities=[{"entity": "duration", "value": 60.0}])
    run(ActionLogWalk(), tracker(done, slots=slots))
    assert len(store.storage().walk_logs("ann")) == 1


def test_minutes_or_a_weight_answer_an_open_calorie_question_not_a_log() -> None:
    slots = {"awaiting": "calories", "pending": {"weight": 80.0}}
    answer = user_event(
        "About 35 minutes round the block",
        "log_walk",
        entities=[{"entity": "duration", "value": 35.0}],
    )
    messages, events = run(ActionLogWalk(), tracker(answer, slots=slots))
    assert messages == [] and events == [
        {"event": "followup", "timestamp": None, "name": "action_handle_inform"}
    ]
    assert store.storage().walk_logs("ann") == []


def test_minutes_during_the_plan_questions_are_no_log_unless_a_walk_is_told() -> None:
    def in_form(text: str) -> Tracker:
        message = user_event(text, "log_walk", entities=[{"entity": "duration", "value": 20.0}])
        t = tracker(message, slots={"requested_slot": "minutes_per_session"})
        t.active_loop = {"name": "profile_form"}
        return t

    messages, events = run(ActionLogWalk(), in_form("Can do 20 minutes before work"))
    assert (messages, events) == ([], [])
    assert store.storage().walk_logs("ann") == []
    run(ActionLogWalk(), in_form("just walked 20 minutes backwards"))
    assert len(store.storage().walk_logs("ann")) == 1


def test_calories_for_the_walk_just_logged() -> None:
    logged = user_event(
        "did 10 minutes in the hallway",
        "log_walk",
        entities=[{"entity": "duration", "value": 10.0}],
    )
    run(ActionLogWalk(), tracker(logged))
    walk = {"event": "action", "name": "action_log_walk"}
    question = user_event(
        "How many calories was that? I'm 11 stone.",
        "ask_calories",
        entities=[{"entity": "weight", "value": 69.9}],
    )
    messages, _ = run(ActionCalories(), tracker(logged, walk, question))
    assert messages[1]["custom"]["minutes"] == 10.0
    # Without a walk logged in this conversation, the minutes are asked for.
    messages, _ = run(ActionCalories(), tracker(question))
    assert messages[0]["text"].startswith("For how long?")


def test_log_walk_asks_for_minutes_and_feel() -> None:
    messages, events = run(ActionLogWalk(), tracker(user_event("done with my walk!", "log_walk")))
    assert "How many minutes" in messages[0]["text"]
    slots = slot_events(events)
    answer = user_event("12 minutes", "inform", entities=[{"entity": "duration", "value": 12.0}])
    messages, events = run(ActionHandleInform(), tracker(answer, slots=slots))
    assert messages[0]["text"] == "Logged 12 minutes of backward walking."
    assert messages[1]["text"] == "How did it feel?"
    logs = store.storage().walk_logs("ann")
    assert [(w.backward_minutes, w.feel) for w in logs] == [(12.0, "ok")]  # kept if unanswered
    slots = slot_events(events)
    messages, events = run(
        ActionLogWalk(), tracker(user_event("It felt hard", "log_walk"), slots=slots)
    )
    logs = store.storage().walk_logs("ann")
    assert [(w.backward_minutes, w.feel) for w in logs] == [(12.0, "hard")]


def test_a_bare_number_answers_how_many_minutes() -> None:
    messages, events = run(
        ActionLogWalk(), tracker(user_event("did another one this afternoon", "log_walk"))
    )
    assert "How many minutes" in messages[0]["text"]
    messages, _ = run(
        ActionHandleInform(), tracker(user_event("15", "inform"), slots=slot_events(events))
    )
    assert messages[0]["text"] == "Logged 15 minutes of backward walking."
    assert [w.backward_minutes for w in store.storage().walk_logs("ann")] == [15.0]


def test_a_feeling_without_a_walk_gets_advice_and_logs_nothing() -> None:
    for text, response in [
        ("my legs are a little sore the day after", "utter_faq/soreness"),
        ("I'm so tired today", "utter_faq/rest_and_tiredness"),
        ("I'm nervous about falling over", "utter_faq/safety_falls"),
    ]:
        messages, events = run(ActionLogWalk(), tracker(user_event(text, "log_walk")))
        assert [m.get("response") for m in messages] == [response]
        assert events == []
    assert store.storage().walk_logs("ann") == []


def test_a_walk_with_a_feeling_is_still_a_walk() -> None:
    message = user_event("just did 15 minutes, legs are sore", "log_walk")
    run(ActionLogWalk(), tracker(message))
    logs = store.storage().walk_logs("ann")
    assert [(w.backward_minutes, w.pain) for w in logs] == [(15.0, True)]


def test_pain_pauses_progression() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    message = user_event("10 minutes, easy, but my knee hurts", "log_walk")
    messages, _ = run(ActionLogWalk(), tracker(message))
    assert store.storage().walk_logs("ann")[0].pain
    record = store.storage().active_plan("ann")
    assert record is not None and record["current_week"] == 1
    assert "pain" in messages[0]["text"].lower()


def test_progress_summary_and_chart() -> None:
    store.storage().log_walk("ann", WalkLog(day="2026-11-20", backward_minutes=8))
    store.storage().log_walk("ann", WalkLog(day="2026-11-22", backward_minutes=10))
    messages, _ = run(ActionProgress(), tracker())
    assert "2" in messages[0]["text"]
    assert messages[1]["image"].startswith("data:image/png;base64,")


def test_delete_asks_then_deletes_everything() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    store.storage().log_walk("ann", WalkLog(day="2026-11-20", backward_minutes=8))
    messages, events = run(ActionAskDeleteConfirmation(), tracker())
    assert messages[0]["response"] == "utter_confirm_delete"
    assert store.storage().get_profile("ann") is not None

    messages, events = run(ActionHandleAffirm(), tracker(slots={"awaiting": "delete_data"}))
    assert store.storage().get_profile("ann") is None
    assert store.storage().active_plan("ann") is None
    assert store.storage().walk_logs("ann") == []
    assert events[-1]["event"] == "restart"


def test_no_to_delete_keeps_everything() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    messages, events = run(ActionHandleDeny(), tracker(slots={"awaiting": "delete_data"}))
    assert messages[0]["response"] == "utter_delete_cancelled"
    assert store.storage().get_profile("ann") is not None
    assert slot_events(events) == {"awaiting": None, "pending": None}


def test_session_start_loads_the_stored_profile() -> None:
    store.storage().save_profile("ann", Profile(age=66, goal="balance", location="treadmill"))
    messages, events = run(ActionSessionStart(), tracker())
    slots = slot_events(events)
    assert slots["age"] == 66 and slots["goal"] == "balance" and slots["location"] == "treadmill"
    assert messages[0]["response"] == "utter_session_notice"


def test_plan_length_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_PLAN_WEEKS", "4")
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    record = store.storage().active_plan("ann")
    assert record is not None and len(record["plan"]["weeks"]) == 4


def test_profile_is_shown_and_updated() -> None:
    messages, _ = run(ActionShowProfile(), tracker())
    assert "don't have a profile" in messages[0]["text"]
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    messages, _ = run(ActionShowProfile(), tracker())
    assert "45" in messages[0]["text"]

    before = store.storage().active_plan("ann")
    assert before is not None
    store.storage().save_plan("ann", {**before, "current_week": 3})
    update = user_event("I'm 46 now and can do 45 minutes 4 days a week", "edit_profile")
    messages, events = run(ActionUpdateProfile(), tracker(update, slots=PROFILE_SLOTS))
    stored = store.storage().get_profile("ann")
    assert stored is not None and (stored.age, stored.days_per_week) == (46, 4)
    assert slot_events(events)["minutes_per_session"] == 45
    assert messages[0]["text"].startswith("Updated your profile")
    # The plan is rebuilt with the change, from the week the walker had reached.
    after = store.storage().active_plan("ann")
    assert after is not None and after["current_week"] == 3
    assert after["plan"] != before["plan"]
    assert any("Week 1" in (m.get("text") or "") for m in messages)


def test_a_bare_number_correction_changes_the_stored_answer() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    days = PROFILE_SLOTS["days_per_week"]
    update = user_event(f"actually can we do {days - 1} days not {days}", "edit_profile")
    _, events = run(ActionUpdateProfile(), tracker(update, slots=PROFILE_SLOTS))
    assert slot_events(events)["days_per_week"] == days - 1
    stored = store.storage().get_profile("ann")
    assert stored is not None and stored.days_per_week == days - 1


def test_a_weight_change_keeps_the_plan() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    before = store.storage().active_plan("ann")
    update = user_event("I weigh 80 kg now", "edit_profile")
    messages, _ = run(ActionUpdateProfile(), tracker(update, slots=PROFILE_SLOTS))
    assert store.storage().active_plan("ann") == before
    assert "make me a plan" in messages[0]["text"]


def test_update_with_an_impossible_value_keeps_the_stored_one() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    messages, events = run(
        ActionUpdateProfile(),
        tracker(user_event("I'm 200 now", "edit_profile"), slots=PROFILE_SLOTS),
    )
    stored = store.storage().get_profile("ann")
    assert stored is not None and stored.age == 45
    assert events == [] and "200" in messages[0]["text"]


# -- the voice coach's structured requests ---------------------------------------------------


def payload_event(intent: str, **entities: Any) -> dict[str, Any]:
    """A ``/intent{...}`` payload as Rasa parses it (entities keep their JSON types)."""
    text = f"/{intent}" + (json.dumps(entities) if entities else "")
    return user_event(
        text, intent, entities=[{"entity": k, "value": v} for k, v in entities.items()]
    )


def custom_of(messages: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next(
        (m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind), None
    )


def test_todays_session_by_week_and_day() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    record = store.storage().active_plan("ann")
    assert record is not None
    plan = Plan.from_dict(record["plan"])
    messages, events = run(
        ActionTodaysSession(), tracker(payload_event("todays_session", week=3, day=2))
    )
    assert messages[0]["text"].startswith("Week 3, session 2 of 3:")
    payload = custom_of(messages, "retrowalk_session")
    assert payload is not None
    assert (payload["week"], payload["day"], payload["plan_weeks"]) == (3, 2, 8)
    assert payload["sessions"] == plan.weeks[2].sessions
    assert payload["segments"] == [
        {"kind": s.kind, "minutes": s.minutes, "cue": s.cue, "steps": s.steps}
        for s in plan.weeks[2].session.segments
    ]
    assert payload["total_minutes"] == plan.weeks[2].session.total_minutes
    assert events == []
    # The week alone: session 1 of that week.
    messages, _ = run(ActionTodaysSession(), tracker(payload_event("todays_session", week=8)))
    payload = custom_of(messages, "retrowalk_session")
    assert payload is not None and (payload["week"], payload["day"]) == (8, 1)


def test_todays_session_day_follows_the_walks_logged_this_week() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    messages, _ = run(
        ActionTodaysSession(), tracker(user_event("today's session?", "todays_session"))
    )
    payload = custom_of(messages, "retrowalk_session")
    assert payload is not None and (payload["week"], payload["day"]) == (1, 1)
    store.storage().log_walk("ann", WalkLog(day="2026-11-20", backward_minutes=5, plan_week=1))
    messages, _ = run(
        ActionTodaysSession(), tracker(user_event("today's session?", "todays_session"))
    )
    payload = custom_of(messages, "retrowalk_session")
    assert payload is not None and (payload["week"], payload["day"]) == (1, 2)
    assert "session 2 of 3" in messages[0]["text"]


@pytest.mark.parametrize(
    ("entities", "reason", "words"),
    [
        ({"week": 9}, "bad_week", "weeks 1 to 8, so there's no week 9"),
        ({"week": 0}, "bad_week", "no week 0"),
        ({"week": "soon"}, "bad_week", "no week soon"),
        ({"week": 2, "day": 4}, "bad_day", "pick a day from 1 to 3, not 4"),
        ({"day": True}, "bad_day", "not True"),
    ],
)
def test_todays_session_out_of_range_is_explained(
    entities: dict[str, Any], reason: str, words: str
) -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    messages, _ = run(ActionTodaysSession(), tracker(payload_event("todays_session", **entities)))
    assert words in messages[0]["text"]
    assert custom_of(messages, "retrowalk_session") is None
    refusal = custom_of(messages, "retrowalk_no_session")
    assert refusal is not None and refusal["reason"] == reason


def test_todays_session_without_a_plan_is_the_bots_starter_session() -> None:
    messages, _ = run(ActionTodaysSession(), tracker(payload_event("todays_session", week=2)))
    assert "don't have a plan yet" in messages[0]["text"]
    assert "short starter session of about 10 minutes" in messages[0]["text"]
    assert custom_of(messages, "retrowalk_no_session") is None
    assert custom_of(messages, "retrowalk_session") == starter_session().to_payload()


@pytest.mark.parametrize(
    ("conditions", "reason", "level", "words"),
    [
        (("a heart condition",), "needs_clearance", "clearance", "until a clinician has cleared"),
        (("chest pain when I walk",), "needs_clearance", "red", "warning sign"),
        (("parkinson's",), "supervised_only", "yellow", "physical therapist who can supervise"),
    ],
)
def test_todays_session_is_refused_to_whom_screening_refuses_a_plan(
    conditions: tuple[str, ...], reason: str, level: str, words: str
) -> None:
    store.storage().save_profile("ann", Profile(conditions=conditions))
    messages, _ = run(ActionTodaysSession(), tracker(payload_event("todays_session")))
    assert words in messages[0]["text"]
    assert custom_of(messages, "retrowalk_session") is None
    assert custom_of(messages, "retrowalk_no_session") == {
        "type": "retrowalk_no_session",
        "reason": reason,
        "level": level,
    }


def test_structured_log_is_stored_exactly_then_asks_how_it_felt() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    message = payload_event("log_walk", minutes=12.5, completed=False, source="voice")
    messages, events = run(ActionLogWalk(), tracker(message))
    logs = store.storage().walk_logs("ann")
    assert [(w.backward_minutes, w.completed, w.feel, w.plan_week) for w in logs] == [
        (12.5, False, "ok", 1)
    ]
    assert messages[0]["text"] == ("Logged 12.5 minutes of backward walking, not the full session.")
    assert messages[1]["text"] == "How did it feel?"
    assert [b["title"] for b in messages[1]["buttons"]] == ["Easy", "OK", "Hard"]
    slots = slot_events(events)
    assert slots["awaiting"] == "log_walk" and slots["pending"]["walk_id"] >= 1

    answer = user_event("It felt hard", "inform")
    messages, events = run(ActionHandleInform(), tracker(answer, slots=slots))
    logs = store.storage().walk_logs("ann")
    assert [(w.backward_minutes, w.completed, w.feel) for w in logs] == [(12.5, False, "hard")]
    assert messages[0]["text"].startswith("Thanks, noted: it felt hard.")
    assert "repeat week 1" in messages[0]["text"]
    assert slot_events(events) == {"awaiting": None, "pending": None}


@pytest.mark.parametrize("text", ["hard", "it was tough"])
def test_a_feel_answer_taken_for_a_no_is_still_the_answer(text: str) -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    message = payload_event("log_walk", minutes=8, completed=True, source="voice")
    _, events = run(ActionLogWalk(), tracker(message))
    messages, events = run(
        ActionHandleDeny(), tracker(user_event(text, "deny"), slots=slot_events(events))
    )
    assert [w.feel for w in store.storage().walk_logs("ann")] == ["hard"]
    assert messages[0]["text"].startswith("Thanks, noted: it felt hard.")
    assert slot_events(events) == {"awaiting": None, "pending": None}


def test_a_real_no_after_how_did_it_feel_keeps_the_walk_as_ok() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    message = payload_event("log_walk", minutes=8, completed=True, source="voice")
    _, events = run(ActionLogWalk(), tracker(message))
    messages, _ = run(
        ActionHandleDeny(), tracker(user_event("no", "deny"), slots=slot_events(events))
    )
    assert [w.feel for w in store.storage().walk_logs("ann")] == ["ok"]
    assert messages[0]["response"] == "utter_deny_ack"


def test_structured_log_reads_no_text_and_takes_zero_minutes() -> None:
    message = user_event(
        "did 30 minutes, my knee hurts",
        "log_walk",
        entities=[
            {"entity": "duration", "value": 30.0},
            {"entity": "minutes", "value": 0},
            {"entity": "completed", "value": False},
            {"entity": "source", "value": "voice"},
        ],
    )
    messages, _ = run(ActionLogWalk(), tracker(message))
    logs = store.storage().walk_logs("ann")
    assert [(w.backward_minutes, w.pain, w.plan_week) for w in logs] == [(0.0, False, None)]
    assert messages[0]["text"].startswith("Logged 0 minutes")


def test_pain_in_the_feel_answer_pauses_the_plan() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    message = payload_event("log_walk", minutes=5, completed=True, source="voice")
    _, events = run(ActionLogWalk(), tracker(message))
    answer = user_event("ok but my knee hurts", "log_walk")
    messages, _ = run(ActionLogWalk(), tracker(answer, slots=slot_events(events)))
    logs = store.storage().walk_logs("ann")
    assert len(logs) == 1 and logs[0].pain and logs[0].feel == "ok"
    assert "pain" in messages[0]["text"].lower()
    record = store.storage().active_plan("ann")
    assert record is not None and record["current_week"] == 1


def test_a_new_report_instead_of_the_feel_answer_is_a_new_walk() -> None:
    message = payload_event("log_walk", minutes=4.0, completed=True, source="voice")
    _, events = run(ActionLogWalk(), tracker(message))
    report = user_event(
        "did 10 minutes yesterday, felt easy",
        "log_walk",
        entities=[{"entity": "duration", "value": 10.0}],
    )
    messages, _ = run(ActionLogWalk(), tracker(report, slots=slot_events(events)))
    logs = store.storage().walk_logs("ann")
    assert [(w.backward_minutes, w.feel) for w in logs] == [(4.0, "ok"), (10.0, "easy")]
    assert messages[0]["text"].startswith("Logged 10 minutes")


def test_another_walk_told_instead_of_the_feel_answer_asks_its_minutes() -> None:
    first = user_event(
        "did 10 minutes this morning", "log_walk", entities=[{"entity": "duration", "value": 10.0}]
    )
    _, events = run(ActionLogWalk(), tracker(first))
    again = user_event("I also walked backwards in the hallway after lunch.", "log_walk")
    messages, events = run(ActionLogWalk(), tracker(again, slots=slot_events(events)))
    assert messages[0]["text"].startswith("Well done! How many minutes")
    assert [w.feel for w in store.storage().walk_logs("ann")] == ["ok"]  # the first kept as is
    minutes = user_event("about 5", "inform", entities=[{"entity": "duration", "value": 5.0}])
    run(ActionLogWalk(), tracker(minutes, slots=slot_events(events)))
    assert [w.backward_minutes for w in store.storage().walk_logs("ann")] == [10.0, 5.0]


@pytest.mark.parametrize(
    ("entities", "problem"),
    [
        ({"minutes": "lots", "completed": True}, "minutes must be a number"),
        ({"minutes": -1, "completed": True}, "minutes must be a number"),
        ({"minutes": 500, "completed": True}, "minutes must be a number"),
        ({"minutes": True}, "minutes must be a number"),
        ({"completed": True, "source": "voice"}, "minutes must be a number"),
        ({"minutes": 5, "completed": "no"}, "completed must be true or false"),
        ({"minutes": 5, "source": "radio"}, "source must be one of voice, app"),
    ],
)
def test_malformed_structured_log_is_refused(entities: dict[str, Any], problem: str) -> None:
    messages, events = run(ActionLogWalk(), tracker(payload_event("log_walk", **entities)))
    assert messages[0]["text"].startswith("I couldn't log that walk: " + problem)
    assert store.storage().walk_logs("ann") == []
    assert slot_events(events) == {"awaiting": None, "pending": None}


def test_a_delete_request_repeated_after_the_question_confirms_it() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    asked = {"awaiting": "delete_data"}
    request = user_event("delete my data", "delete_data")
    question = {"event": "action", "name": "action_ask_delete_confirmation"}
    messages, _ = run(
        ActionAskDeleteConfirmation(),
        tracker(
            request, question, user_event("wait, what gets deleted?", "delete_data"), slots=asked
        ),
    )
    assert messages[0]["response"] == "utter_confirm_delete"  # a question: asked again
    assert store.storage().get_profile("ann") is not None
    later = tracker(
        request,
        question,
        user_event("no keep it", "deny"),
        user_event("delete it", "delete_data"),
        slots=asked,
    )
    messages, _ = run(ActionAskDeleteConfirmation(), later)
    assert messages[0]["response"] == "utter_confirm_delete"  # not right after the question
    assert store.storage().get_profile("ann") is not None
    _, events = run(
        ActionAskDeleteConfirmation(),
        tracker(request, question, user_event("yes delete it", "delete_data"), slots=asked),
    )
    assert store.storage().get_profile("ann") is None and events[-1]["event"] == "restart"


def test_a_delete_request_called_off_answers_the_question_with_no() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    request = user_event("delete my data", "delete_data")
    question = {"event": "action", "name": "action_ask_delete_confirmation"}
    off = user_event("no no wait dont delete", "delete_data")
    messages, events = run(
        ActionAskDeleteConfirmation(),
        tracker(request, question, off, slots={"awaiting": "delete_data"}),
    )
    assert messages[0]["response"] == "utter_delete_cancelled"
    assert slot_events(events) == {"awaiting": None}
    assert store.storage().get_profile("ann") is not None
    # With no question open, the same words ask first (nothing is deleted either way).
    messages, _ = run(ActionAskDeleteConfirmation(), tracker(off))
    assert messages[0]["response"] == "utter_confirm_delete"


def test_an_unsure_message_that_changes_the_stored_profile_is_applied() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    message = user_event("actually scratch that i can only do 4 days a week", "nlu_fallback")
    messages, _ = run(ActionAskAffirmation(), tracker(message, slots=PROFILE_SLOTS))
    stored = store.storage().get_profile("ann")
    assert stored is not None and stored.days_per_week == 4
    # no "did you mean" for a clear change (the rebuilt plan comes with its own buttons)
    assert all(m["buttons"] == PLAN_BUTTONS for m in messages if m.get("buttons"))


def test_an_unsure_message_that_tells_a_walk_logs_it() -> None:
    told = user_event("back from my backwards walk round the green", "nlu_fallback")
    messages, events = run(ActionAskAffirmation(), tracker(told))
    assert slot_events(events)["awaiting"] == "log_walk"  # its minutes are asked
    assert not any(m.get("buttons") for m in messages)
    with_minutes = user_event("Did it! Fourteen minutes up and down the landing", "nlu_fallback")
    run(ActionAskAffirmation(), tracker(with_minutes))
    assert [log.backward_minutes for log in store.storage().walk_logs("ann")] == [14.0]


def test_an_unsure_yes_or_no_to_the_deletion_question_answers_it() -> None:
    run(ActionBuildPlan(), tracker(slots=PROFILE_SLOTS))
    keep = user_event("nope, keep it all", "nlu_fallback")
    messages, events = run(ActionAskAffirmation(), tracker(keep, slots={"awaiting": "delete_data"}))
    assert messages[0]["response"] == "utter_delete_cancelled"
    assert slot_events(events)["awaiting"] is None
    assert store.storage().get_profile("ann") is not None
    yes = user_event("Ja, yes, delete it", "nlu_fallback")
    run(ActionAskAffirmation(), tracker(yes, slots={"awaiting": "delete_data"}))
    assert store.storage().get_profile("ann") is None


def test_a_walk_with_its_minutes_read_as_an_answer_is_logged_not_a_profile_change() -> None:
    told = user_event(
        "Well, I did it! Eleven minutes along the hallway holding the rail",
        "inform",
        entities=[{"entity": "duration", "value": 11.0}],
    )
    messages, events = run(ActionHandleInform(), tracker(told))
    assert messages[0]["text"].startswith("Logged 11 minutes")
    assert [log.backward_minutes for log in store.storage().walk_logs("ann")] == [11.0]
    assert store.storage().get_profile("ann") is None
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "action_listen"}
