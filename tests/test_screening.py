"""Screening levels: red (no plan), yellow (conservative or supervised only), green."""

from __future__ import annotations

import pytest

from bot.profile import Profile
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
def test_yellow_conditions_get_a_named_disclaimer_and_a_gentle_plan(
    condition: str, consult: str
) -> None:
    result = screen(Profile(age=50, conditions=(condition,)))
    assert result.level == "yellow"
    assert result.plan_allowed and result.conservative
    assert consult in result.message
    assert "gentle" in result.message


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
