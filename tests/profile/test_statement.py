"""What a whole message does with the plan's answers (bot.profile.statement)."""

from __future__ import annotations

import pytest

from bot.profile.statement import plan_answers_reading


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        # A plan request with its answers, however it is worded around them.
        ("Plan pls. 61, done it twice, dodgy hip, indoors, balance, 15 min, 2 days", "start_plan"),
        ("need a programme: I'm 29, never tried it, treadmill, fitness", "start_plan"),
        # Answers with no request: three of them, or two about the walker.
        ("I'm 58, walk in the park, maybe 20 minutes a go", "inform"),
        ("For the record I'm 66 and I have never walked backwards", "inform"),
        # A change of an answer, whatever else the message talks about.
        ("actually make it 25 minutes, my lunch break is longer now", "edit_profile"),
        ("change that to 4 days, my shifts have changed", "edit_profile"),
        ("And actually let's bump it to 30 minutes a session", "edit_profile"),
    ],
)
def test_messages_carrying_plan_answers(text: str, reading: str) -> None:
    assert plan_answers_reading(text) == reading


@pytest.mark.parametrize(
    "text",
    [
        # Questions keep their reading, whatever answers they carry.
        "I'm 70 with bad knees, is 20 minutes 3 days a week too much?",
        "how many days a week should a 45 year old beginner do",
        # A walk told is a walk log, not profile answers.
        "walked 25 minutes on the treadmill, 4 days this week",
        "did 20 min in the park this morning",
        # One fact with no change word; a plain remark.
        "I'm 45",
        "sorry, I was out walking the dog",
        "no, that's fine thanks",
    ],
)
def test_questions_walks_and_remarks_keep_their_reading(text: str) -> None:
    assert plan_answers_reading(text) is None


def test_a_question_without_a_question_mark_keeps_its_reading() -> None:
    assert (
        plan_answers_reading("bad hip for years, 20 min a day, would walking backwards help")
        is None
    )
    assert plan_answers_reading("I'm 45 and never done it how long should I go for") is None
