"""Someone typing for another walker: their words about that person read as the walker's."""

from __future__ import annotations

import pytest

from bot.profile.parse import parse_answers
from bot.profile.proxy import as_the_walker, speaks_for_someone


@pytest.mark.parametrize(
    "text",
    [
        "Hi, I'm typing this for my mother. She's 79",
        "Hi, this is the daughter typing for Mam. She did 10 minutes",
        "im typing for my mother shes eighty four",
        "I'm writing on behalf of my dad",
        "on behalf of my gran, can she do this?",
    ],
)
def test_who_types_for_someone(text: str) -> None:
    assert speaks_for_someone([text])


@pytest.mark.parametrize(
    "text",
    [
        "my mum is 95, can she do this?",  # a question about someone, not typing for them
        "I'm typing with one hand, I'm 70",
        "is it safe for my mother?",
    ],
)
def test_a_question_about_someone_is_not_typing_for_them(text: str) -> None:
    assert not speaks_for_someone([text])


@pytest.mark.parametrize(
    ("text", "walker"),
    [
        (
            "Hi, I'm typing this for my mother. She's 79 and wants it for her balance. "
            "Can you make her a plan?",
            "I'm 79 and wants it for my balance. Can you make me a plan?",
        ),
        ("10 minutes is plenty for her", "10 minutes is plenty for me"),
        ("she only started this week", "I only started this week"),
        ("Hi, this is the daughter typing for Mam. She did 10 minutes", "I did 10 minutes"),
        ("he has a bad knee", "I have a bad knee"),
        # told in the same sentence as who is typing
        (
            "Hi, I'm typing this for my mum, she is 82. She'd like a plan",
            "I am 82. I'd like a plan",
        ),
    ],
)
def test_what_is_told_about_the_walker_reads_as_their_own_words(text: str, walker: str) -> None:
    assert as_the_walker(text) == walker


def test_the_walker_s_answers_are_read_from_a_carer_s_words() -> None:
    words = as_the_walker("im typing for my mother shes eighty four she never tried it")
    answers = {a.slot: a.value for a in parse_answers(words)[0]}
    assert answers == {"age": 84, "experience": "none"}
