"""The technique cues of bot.plan.cues, one focus a week."""

from __future__ import annotations

from bot.plan.generate import generate_plan
from bot.profile.model import Profile


def test_technique_focus_changes_and_comes_from_cues() -> None:
    plan = generate_plan(Profile(), weeks=8)
    focuses = [w.technique_focus for w in plan.weeks]
    assert len(set(focuses)) == 8
    assert "toes back first" in focuses[0]
