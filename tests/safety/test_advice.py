"""Unit tests of bot.safety.advice: what a stored condition means and who to consult."""

from __future__ import annotations

import pytest

from bot.safety.advice import (
    advice_for_condition,
    condition_disclaimer,
    condition_labels,
    stored_labels,
)
from bot.safety.conditions import label_disclaimer
from bot.safety.content import default_content


@pytest.mark.parametrize(
    ("value", "labels"),
    [
        # Past symptoms count as the condition they point to.
        ("I fell twice last winter and I'm nervous now", ("balance",)),
        ("fainted once ten years ago", ("balance",)),
        ("had a DVT two years ago", ("blood_clot",)),
        # Named conditions as before.
        ("osteoporosis and a bad back", ("osteoporosis", "joint_pain")),
        ("no heart problems", ()),
    ],
)
def test_stored_labels(value: str, labels: tuple[str, ...]) -> None:
    assert stored_labels(value) == labels


def test_unknown_condition_is_other() -> None:
    assert condition_labels("had my gallbladder out") == ("other",)
    advice = advice_for_condition("had my gallbladder out")
    assert advice.id == "other" and advice.name == "had my gallbladder out" and advice.clearance


@pytest.mark.parametrize(
    ("value", "label", "consult"),
    [
        ("parkinson's disease", "parkinsons", "neurologist"),
        ("heart disease", "heart", "cardiologist"),
        ("osteoporosis", "osteoporosis", "doctor"),
        ("ACL reconstruction", "surgery", "surgeon"),
        ("pregnancy", "pregnancy", "midwife"),
        ("warfarin", "blood_thinners", "doctor"),
        ("vertigo", "balance", "doctor"),
    ],
)
def test_conditions_map_to_who_to_consult(value: str, label: str, consult: str) -> None:
    advice = advice_for_condition(value)
    assert advice.id == label and consult in advice.consult


def test_disclaimer_names_the_condition_and_who_to_consult() -> None:
    text = condition_disclaimer(["osteoporosis"])
    assert "With osteoporosis, please talk to your doctor or a physical therapist" in text
    assert default_content().general_disclaimer in text


def test_supervised_only_conditions_say_so() -> None:
    text = condition_disclaimer(["parkinson's"])
    assert "only practise walking backwards with" in text and "supervising" in text


def test_unknown_condition_is_named_back() -> None:
    assert "Because you mentioned a rare thing" in condition_disclaimer(["a rare thing"])


def test_labels_give_the_same_disclaimer_as_words() -> None:
    assert label_disclaimer(["osteoporosis"]) == condition_disclaimer(["osteoporosis"])


def test_duplicate_labels_are_merged() -> None:
    assert condition_disclaimer(["heart disease", "heart failure"]).count("cardiologist") == 1
