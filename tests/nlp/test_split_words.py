"""bot.nlp.split_words: the one joiner of words a recogniser split in two."""

from __future__ import annotations

import pytest

from bot.nlp.split_words import join_split_words

KNOWN = {"treadmill": "treadmill", "indoors": "indoors", "backwords": "backwards"}


def test_known_pairs_are_joined_and_others_left_alone() -> None:
    assert join_split_words("walk on a tread mill in doors", KNOWN.get) == (
        "walk on a treadmill indoors"
    )
    assert join_split_words("the war film", KNOWN.get) == "the war film"


@pytest.mark.parametrize("text", ["on tread mill", "walk on tread mill", "so on tread mill"])
def test_a_pair_after_a_failed_pair_is_still_tried(text: str) -> None:
    assert join_split_words(text, KNOWN.get).endswith("treadmill")


def test_keep_length_moves_the_space_after_the_word() -> None:
    text = "on tread mill now"
    joined = join_split_words(text, KNOWN.get, keep_length=True)
    assert joined == "on treadmill  now" and len(joined) == len(text)
    assert join_split_words("walk back words", KNOWN.get, keep_length=True) == ("walk backwards ")


def test_keep_length_refuses_a_replacement_that_moves_offsets() -> None:
    with pytest.raises(ValueError, match="offsets"):
        join_split_words("tread mill", {"treadmill": "mill"}.get, keep_length=True)
