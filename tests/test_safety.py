"""Unit tests of bot.safety: red flags, condition advice and disclaimers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.safety import (
    advice_for_condition,
    condition_disclaimer,
    default_content,
    detect_red_flag,
    red_flag_message,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I have chest pain", "chest"),
        ("my chest feels really tight", "chest"),
        ("there's pressure in my chest", "chest"),
        ("I fell and hit my head", "head_injury"),
        ("just banged my head on the door frame", "head_injury"),
        ("I think I'm going to faint", "fainting"),
        ("I passed out for a second", "fainting"),
        ("I feel dizzy", "dizziness"),
        ("feeling light-headed", "dizziness"),
        ("i can't catch my breath", "breathing"),
        ("my heart is racing and skipping", "heart_rhythm"),
        ("her face is drooping and her speech is slurred", "stroke"),
        ("suddenly my arm went numb", "stroke"),
        ("help i fell", "fall"),
        ("I've fallen and can't get up", "fall"),
        ("my knee just gave way and it's swollen", "acute_joint"),
        ("heard a pop in my ankle", "acute_joint"),
        ("I'm pregnant and I'm bleeding", "pregnancy"),
        ("I'M HAVING CHEST PAIN", "chest"),
        ("chest hurts", "chest"),
    ],
)
def test_red_flags_are_detected(text: str, kind: str) -> None:
    flag = detect_red_flag(text)
    assert flag is not None and flag.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "I don't have any chest pain",
        "no dizziness at all",
        "what if I feel dizzy?",
        "what should I do if I get chest pain?",
        "I have a history of fainting",
        "I fell asleep after my walk",
        "does it help quad contractions?",
        "Is walking backwards good for balance?",
        "How do I avoid falling when walking backwards?",
        "what are the warning signs to stop?",
        "",
    ],
)
def test_non_current_or_negated_mentions_are_not_red_flags(text: str) -> None:
    assert detect_red_flag(text) is None


def test_red_flag_message_says_stop_get_help_and_emergency_numbers() -> None:
    message = red_flag_message(detect_red_flag("I have chest pain"))
    assert message.startswith("Please stop walking now")
    assert "Chest pain during exercise is never normal" in message
    for number in ("911", "999", "112", "000"):
        assert number in message


def test_red_flag_message_without_a_recognised_phrase_is_still_safe() -> None:
    message = red_flag_message(None)
    assert "stop walking now" in message and "911" in message


@pytest.mark.parametrize(
    ("value", "category", "consult"),
    [
        ("parkinson's disease", "parkinsons", "neurologist"),
        ("heart disease", "heart", "cardiologist"),
        ("high blood pressure", "heart", "cardiologist"),
        ("knee osteoarthritis", "knee_oa", "physical therapist"),
        ("osteoporosis", "osteoporosis", "doctor"),
        ("ACL reconstruction", "surgery", "surgeon"),
        ("hip replacement", "surgery", "surgeon"),
        ("pregnancy", "pregnancy", "midwife"),
        ("warfarin", "blood_thinners", "doctor"),
        ("vertigo", "balance", "doctor"),
        ("sprained ankle", "joint_pain", "physical therapist"),
        ("gout of the big toe", "other", "doctor"),
    ],
)
def test_conditions_map_to_who_to_consult(value: str, category: str, consult: str) -> None:
    advice = advice_for_condition(value)
    assert advice.id == category
    assert consult in advice.consult


def test_disclaimer_names_the_condition_and_who_to_consult() -> None:
    text = condition_disclaimer(["osteoporosis"])
    assert "With osteoporosis, please talk to your doctor or a physical therapist" in text
    assert default_content().general_disclaimer in text


def test_supervised_only_conditions_say_so() -> None:
    text = condition_disclaimer(["parkinson's"])
    assert "only practise walking backwards with" in text and "supervising" in text


def test_unknown_condition_is_named_back() -> None:
    assert "Because you mentioned gout" in condition_disclaimer(["gout"])


def test_no_recognised_condition_still_gets_a_disclaimer() -> None:
    text = condition_disclaimer([])
    assert "check with your doctor or a physical therapist" in text
    assert "not medical advice" in text


def test_duplicate_categories_are_merged() -> None:
    text = condition_disclaimer(["heart disease", "heart failure"])
    assert text.count("cardiologist") == 1


@given(st.text(max_size=300))
def test_detect_red_flag_never_raises(text: str) -> None:
    detect_red_flag(text)
