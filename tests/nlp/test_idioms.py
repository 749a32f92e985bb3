"""One idiom rule for the vocabulary (bot/nlp/idioms.py), on raw text as the parser uses it."""

from __future__ import annotations

import pytest

from bot.nlp.idioms import WordContext, context_in_text, idiom_in_text


def idiom_in(text: str, word: str, label: str) -> bool:
    start = text.index(word)
    return idiom_in_text(label, text, start, start + len(word))


def test_a_match_of_several_words_is_no_idiom() -> None:
    text = "keep track of my walks"  # "track" alone is the verb here
    assert idiom_in(text, "track", "place")
    assert not idiom_in(text, "track of", "place")


def test_context_reads_the_words_around_like_spacy_tokens() -> None:
    text = "i can't keep track, of 100 yards"
    start = text.index("track")
    assert context_in_text(text, start, start + 5) == WordContext("keep", "can't", ",", False)
    start = text.index("yards")
    assert context_in_text(text, start, start + 5).before_is_number
    assert context_in_text("track", 0, 5) == WordContext("", "", "", False)


@pytest.mark.parametrize(
    ("text", "word", "label"),
    [
        ("i like to keep track of my walks", "track", "place"),
        ("a watch that tracks heart rate", "tracks", "place"),
        ("i park my car at the gym", "park", "place"),
        ("a pain on the inside of my knee", "inside", "place"),
        ("another 100 yards", "yards", "place"),
        ("i fell asleep", "fell", "symptom"),
        ("best swimming stroke", "stroke", "condition"),
        ("come back later", "back", "body_part"),
        ("i'm 5 foot 10", "foot", "body_part"),
        ("my gym teacher said it's good", "gym", "place"),
        ("ask the park ranger", "park", "place"),
    ],
)
def test_idioms(text: str, word: str, label: str) -> None:
    assert idiom_in(text, word, label)


@pytest.mark.parametrize(
    ("text", "word", "label"),
    [
        ("on the running track", "track", "place"),
        ("track at the high school", "track", "place"),
        ("halfway round the park my legs ache", "park", "place"),
        ("i walk outside", "outside", "place"),
        ("i fell on the path", "fell", "symptom"),
        ("i had a stroke last year", "stroke", "condition"),
        ("my back hurts", "back", "body_part"),
        ("at the gym with a friend", "gym", "place"),
        ("i'll walk in the park mate", "park", "place"),  # said to someone
    ],
)
def test_not_idioms(text: str, word: str, label: str) -> None:
    assert not idiom_in(text, word, label)
