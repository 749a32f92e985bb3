"""Unit tests of bot.safety.conditions: condition labels and who to consult."""

from __future__ import annotations

import pytest

from bot.safety.conditions import (
    advice_for_condition,
    condition_disclaimer,
    label_conditions,
    label_disclaimer,
)
from bot.safety.content import default_content


@pytest.mark.parametrize(
    ("value", "labels"),
    [
        ("heatstroke last summer", ("other",)),
        ("hip arthritis", ("arthritis",)),
        ("rheumatoid arthritis", ("arthritis",)),
        ("knee osteoarthritis", ("knee_arthritis",)),
        ("diabetes", ("diabetes",)),
        ("low blood pressure", ("low_blood_pressure",)),
        ("high blood pressure", ("high_blood_pressure",)),
        ("heartburn", ("other",)),
        ("kidney disease, on dialysis", ("kidney_liver",)),
        ("leg pain on walking that eases with rest", ("claudication",)),
        ("a DVT two years ago", ("blood_clot",)),
        ("an aneurysm", ("aneurysm",)),
        ("POTS", ("low_blood_pressure",)),
        ("lupus", ("lupus",)),
        ("an amputation", ("mobility_aid",)),
        ("hearing loss", ("hearing",)),
        ("epilepsy", ("epilepsy",)),
        ("dementia", ("dementia",)),
        ("a recent concussion", ("concussion",)),
        ("insulin", ("diabetes",)),
        ("long-term steroids", ("medication",)),
        ("history of falls", ("balance",)),
        ("I have atrial fibrillation and take Eliquis", ("heart", "blood_thinners")),
        ("no heart problems", ()),
        ("family history of heart disease", ()),
    ],
)
def test_condition_labels(value: str, labels: tuple[str, ...]) -> None:
    assert label_conditions(value) == labels


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
