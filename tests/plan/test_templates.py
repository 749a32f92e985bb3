"""Which template a profile gets (bot.plan.templates), and sessions per week."""

from __future__ import annotations

import pytest

from bot.plan.generate import generate_plan
from bot.plan.templates import TEMPLATE_A, TEMPLATE_B, TEMPLATE_C, TEMPLATE_D, choose_template
from bot.profile.model import Profile

# --- Template choice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "template"),
    [
        (Profile(), TEMPLATE_B),
        (Profile(age=65), TEMPLATE_A),
        (Profile(age=64, experience="some"), TEMPLATE_B),
        (Profile(experience="none", goal="balance"), TEMPLATE_A),
        (Profile(experience="some", goal="balance"), TEMPLATE_B),
        (Profile(location="indoor_support"), TEMPLATE_A),
        (Profile(conditions=("vertigo",)), TEMPLATE_A),
        (Profile(conditions=("knee osteoarthritis",)), TEMPLATE_C),
        (Profile(conditions=("bad knee",), goal="joints"), TEMPLATE_C),
        (Profile(conditions=("knee pain",), goal="rehab"), TEMPLATE_C),
        (Profile(conditions=("bad knee",), goal="fitness"), TEMPLATE_B),
        (Profile(conditions=("knee osteoarthritis",), age=70), TEMPLATE_A),
        (Profile(experience="regular", goal="fitness", age=30), TEMPLATE_D),
        (Profile(experience="regular", goal="fitness", age=50), TEMPLATE_B),
        (Profile(experience="regular", goal="fitness", age=None), TEMPLATE_B),
        (Profile(experience="regular", goal="fitness", age=15), TEMPLATE_B),
        (Profile(experience="some", goal="fitness", age=30), TEMPLATE_B),
    ],
)
def test_template_choice(profile: Profile, template: str) -> None:
    assert choose_template(profile).template == template
    assert generate_plan(profile).template == template


def test_conservative_flag_forces_template_a() -> None:
    profile = Profile(experience="regular", goal="fitness", age=30)
    plan = generate_plan(profile, conservative=True)
    assert plan.template == TEMPLATE_A and plan.conservative


@pytest.mark.parametrize("condition", ["parkinson's", "had a stroke", "knee replacement surgery"])
def test_some_conditions_force_supervision(condition: str) -> None:
    plan = generate_plan(Profile(conditions=(condition,)))
    assert plan.supervised
    assert all(any("physical therapist" in n for n in w.notes) for w in plan.weeks)


def test_supervised_flag_is_kept() -> None:
    assert generate_plan(Profile(), supervised=True).supervised
    assert not generate_plan(Profile()).supervised


@pytest.mark.parametrize(
    ("profile", "sessions"),
    [
        (Profile(days_per_week=7), 3),
        (Profile(days_per_week=7, experience="some"), 4),
        (Profile(days_per_week=2, experience="some"), 2),
        (Profile(days_per_week=1), 1),
        (Profile(days_per_week=7, experience="regular", age=80), 3),
    ],
)
def test_sessions_per_week(profile: Profile, sessions: int) -> None:
    assert {w.sessions for w in generate_plan(profile).weeks} == {sessions}
