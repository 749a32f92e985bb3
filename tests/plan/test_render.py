"""The plan's chat text (bot.plan.model methods over bot.plan.render)."""

from __future__ import annotations

import pytest

from bot.plan.generate import generate_plan
from bot.profile.model import Profile


def test_summary_and_week_text() -> None:
    plan = generate_plan(Profile(location="treadmill"), weeks=8)
    lines = plan.summary().splitlines()
    assert 3 <= len(lines) <= 6
    assert lines[0].startswith("Your 8-week retro-walking plan")
    text = plan.week_text(1)
    assert text.startswith("Week 1 of 8")
    assert "warm-up" in text and "cool-down" in text and "Treadmill: 0.5 mph" in text
    with pytest.raises(ValueError):
        plan.week_text(9)
    with pytest.raises(ValueError):
        plan.week_text(0)
