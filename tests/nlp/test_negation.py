"""Unit tests of bot.nlp.negation, the negation helper of the profile parser and plan adaptation."""

from __future__ import annotations

import re

import pytest

from bot.nlp.negation import clause_before, clause_start, negated, words_before


def at(text: str, word: str) -> int:
    return text.index(word)


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("no treadmill for me", "treadmill", True),
        ("i never had knee pain", "knee", True),
        ("i don't have a bad knee", "bad", True),
        ("instead of the park i use the treadmill", "treadmill", False),  # too far back
        ("instead of the treadmill", "treadmill", True),
        ("i can't go outside so the treadmill", "treadmill", False),  # "so" ends the scope
        ("not the park, the treadmill", "treadmill", False),  # a new clause
        ("no knee pain but my hip hurts", "hip", False),
        ("a bad knee", "bad", False),
    ],
)
def test_profile_negation(text: str, word: str, expected: bool) -> None:
    assert negated(text, at(text, word)) is expected


def test_objects_take_the_negation() -> None:
    text = "no injuries treadmill at the gym"
    assert negated(text, at(text, "treadmill"), 5)
    assert not negated(text, at(text, "treadmill"), 5, frozenset({"injuries"}))


def test_window_counts_words() -> None:
    text = "never had any real knee trouble"
    assert not negated(text, at(text, "knee"), 3)
    assert negated(text, at(text, "knee"), 4)


def test_own_negators_scope_and_words() -> None:
    negators = frozenset({"no", "didn't"})
    breaks = re.compile(r"[^\w\s']|(?<!\bdidn)'|'(?!t\b)")
    words = re.compile(r"[\w']+")
    options = {"negators": negators, "scope_ends": frozenset(), "breaks": breaks, "word_re": words}
    text = "didn't wobble"
    assert negated(text, at(text, "wobble"), 3, **options)
    text = "no i wasn't wobbly"  # the apostrophe of "wasn't" ends this scope
    assert not negated(text, at(text, "wobbly"), 3, **options)
    text = "never wobbled"
    assert not negated(text, at(text, "wobbled"), 3, **options)
    assert negated(text, at(text, "wobbled"))


def test_clause_helpers() -> None:
    text = "i like parks, but not the treadmill"
    pos = at(text, "treadmill")
    assert text[clause_start(text, pos) :].startswith(" not the")
    assert clause_before(text, pos) == " not the "
    assert words_before(text, pos, 1) == ["the"]
