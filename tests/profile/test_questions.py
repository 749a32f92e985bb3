"""Unit tests of bot.profile.questions."""

from __future__ import annotations

import pytest

from bot.profile.questions import looks_like_question, statements, trailing_question


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
        # A modal with no subject is an answer, with one a question.
        ("Can do 20 minutes before work", False),
        ("could manage 3 days, maybe", False),
        ("did 12 minutes this morning", False),
        ("can I do 20 minutes", True),
        ("did it hurt your knees", True),
        # A statement with a tag asking to confirm it says what it says.
        ("Half an hour each time, 5 days a week can?", False),
        ("20 mins ok?", False),
        ("3 days a week, would that be enough?", False),
        ("Tuesdays and Fridays, 3 days yeah?", False),
        ("my knee hurts, is that ok?", True),
        ("is it ok?", True),
        ("fitness. does it help my back?", True),
        ("oh, about 20 minutes?", True),
    ],
)
def test_looks_like_question(text: str, question: bool) -> None:
    assert looks_like_question(text) is question


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "No health issues. Quick one though, should I be looking over my shoulder?",
            "should I be looking over my shoulder?",
        ),
        ("im 60 by the way what shoes should i wear for this", "what shoes should i wear for this"),
        ("I'm 71. Is it safe for someone my age?", "Is it safe for someone my age?"),
        ("20 mins but how often should I do it", "how often should I do it"),
        ("Before I answer, which shoes are best for this?", "which shoes are best for this?"),
        ("what shoes should I wear?", None),  # only a question: the intent reads it
        ("Is it safe? I am 71.", None),
        ("I know what I want", None),  # a clause, not a question
        ("20 minutes, 3 days a week", None),
        ("", None),
    ],
)
def test_the_question_asked_besides_an_answer(text: str, question: str | None) -> None:
    assert trailing_question(text) == question


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        (
            "Hmm, is that walking? Well, once on a hotel treadmill. So I guess a little.",
            "Well, once on a hotel treadmill. So I guess a little.",
        ),
        # a question mark without a question's words is a rising voice, not a question
        (
            "lowkey done it like twice? idk if that counts",
            "lowkey done it like twice? idk if that counts",
        ),
        ("is it alright on the pavement or should I stick to the park?", ""),
        ("20 minutes. Is that enough?", "20 minutes."),
        ("", ""),
    ],
)
def test_the_statements_beside_a_question(text: str, stated: str) -> None:
    assert statements(text) == stated
