"""Screening levels: red (no plan), clearance (no plan until a clinician clears), yellow
(conservative or supervised only), green."""

from __future__ import annotations

import pytest

from bot.profile.model import Profile
from bot.safety.screening import screen


def test_healthy_adult_is_green() -> None:
    result = screen(Profile(age=40, conditions=()))
    assert result.level == "green"
    assert result.plan_allowed and not result.conservative
    assert "not medical advice" in result.message


@pytest.mark.parametrize("symptom", ["chest pain", "I fainted on my last walk", "dizziness"])
def test_red_flag_symptom_blocks_the_plan(symptom: str) -> None:
    result = screen(Profile(age=50, conditions=(symptom,)))
    assert result.level == "red"
    assert not result.plan_allowed
    assert "won't make a plan yet" in result.message
    assert "911" in result.message


def test_red_flag_with_clinician_clearance_gets_a_conservative_plan() -> None:
    result = screen(Profile(age=50, conditions=("chest pain",), clinician_cleared=True))
    assert result.level == "yellow"
    assert result.plan_allowed and result.conservative


@pytest.mark.parametrize(
    ("condition", "consult"),
    [
        ("osteoporosis", "doctor or a physical therapist"),
        ("heart disease", "cardiologist"),
        ("hip replacement", "surgeon"),
        ("pregnancy", "midwife"),
        ("warfarin", "doctor"),
    ],
)
def test_par_q_yes_needs_clearance_first_then_gets_a_gentle_plan(
    condition: str, consult: str
) -> None:
    result = screen(Profile(age=50, conditions=(condition,)))
    assert result.level == "clearance"
    assert not result.plan_allowed
    assert consult in result.message
    assert "won't make a plan until a clinician has cleared you" in result.message
    assert "my doctor cleared me" in result.message
    cleared = screen(Profile(age=50, conditions=(condition,), clinician_cleared=True))
    assert cleared.level == "yellow"
    assert cleared.plan_allowed and cleared.conservative
    assert consult in cleared.message and "gentle" in cleared.message


@pytest.mark.parametrize(
    "condition",
    ["I had my gallbladder out in march", "I fell twice last winter", "on dialysis"],
)
def test_unrecognised_or_past_conditions_need_clearance(condition: str) -> None:
    result = screen(Profile(age=50, conditions=(condition,)))
    assert result.level == "clearance" and not result.plan_allowed


@pytest.mark.parametrize("condition", ["macular degeneration", "hearing aids"])
def test_conditions_without_clearance_get_a_plan_with_advice(condition: str) -> None:
    result = screen(Profile(age=50, conditions=(condition,)))
    assert result.level == "yellow" and result.plan_allowed and result.conservative


def test_parkinsons_is_supervised_only() -> None:
    result = screen(Profile(age=66, conditions=("parkinson's disease",)))
    assert result.level == "yellow"
    assert result.supervised_only and not result.plan_allowed
    assert "physical therapist who can supervise you" in result.message


def test_over_69_and_inactive_is_yellow() -> None:
    result = screen(Profile(age=74, regularly_active=False))
    assert result.level == "yellow"
    assert "74" in result.message and "check with your doctor" in result.message


def test_over_69_and_active_is_green() -> None:
    assert screen(Profile(age=74, regularly_active=True)).level == "green"
