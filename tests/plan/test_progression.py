"""The weekly allowance of bot.plan.progression (hard rule 3)."""

from __future__ import annotations

from bot.plan.progression import allowed_next_backward


def test_allowance_rule() -> None:
    assert allowed_next_backward(0) == 3
    assert allowed_next_backward(5) == 8
    assert allowed_next_backward(14) == 17
    assert allowed_next_backward(15) == 18
    assert allowed_next_backward(20) == 24
    assert allowed_next_backward(28) == 30
