"""The disclaimers shown with a plan (bot.plan.disclaimers)."""

from __future__ import annotations

from bot.plan.generate import generate_plan
from bot.profile.model import Profile


def test_disclaimers() -> None:
    plain = generate_plan(Profile())
    assert any("not a medical professional" in d for d in plain.disclaimers)
    heart = generate_plan(Profile(conditions=("heart condition",)))
    assert any("cardiologist" in d for d in heart.disclaimers)
    older = generate_plan(Profile(age=75, regularly_active=False))
    assert any("over 69" in d for d in older.disclaimers)
    cleared = generate_plan(Profile(age=75, regularly_active=False, clinician_cleared=True))
    assert not any("over 69" in d for d in cleared.disclaimers)
