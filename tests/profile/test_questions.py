"""Unit tests of bot.profile.questions."""

from __future__ import annotations

import pytest

from bot.profile.questions import looks_like_question


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("is it good for my knees", True),
        ("What shoes should I wear", True),
        ("knees?", True),
        ("Can't I just walk", True),
        ("Knee and joint comfort", False),
        ("I'm 70", False),
        ("whatever works", False),
        ("Fitness and calories", False),
    ],
)
def test_looks_like_question(text: str, question: bool) -> None:
    assert looks_like_question(text) is question
