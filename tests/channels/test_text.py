"""Splitting replies at the platforms' length limits (every channel splits with this)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.text import split_text, utf16_len


def test_split_text_prefers_paragraphs_then_lines_then_words() -> None:
    text = "a" * 10 + "\n\n" + "bbbbb ccccccc"
    assert split_text(text, 12) == ["a" * 10, "bbbbb", "ccccccc"]
    assert split_text("one\ntwo three", 9) == ["one", "two three"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("   ", 10) == []
    assert split_text("short", 1600) == ["short"]
    assert split_text("exactly ten and more", 10) == ["exactly", "ten and", "more"]


def test_a_limit_below_one_is_an_error() -> None:
    with pytest.raises(ValueError):
        split_text("text", 0)


def test_utf16_counts_emoji_twice() -> None:
    assert utf16_len("walk") == 4
    assert utf16_len("🚶") == 2
    text = "🚶" * 3000  # 3,000 characters, 6,000 UTF-16 units
    parts = split_text(text, 4096, utf16_len)
    assert len(parts) == 2 and all(utf16_len(p) <= 4096 for p in parts)
    assert "".join(parts) == text


def test_a_measure_that_counts_escaping() -> None:
    def escaped(text: str) -> int:
        return len(text.replace("&", "&amp;"))

    parts = split_text("a&b " * 10, 12, escaped)  # 40 characters, 80 once escaped
    assert all(escaped(part) <= 12 for part in parts)
    assert " ".join(parts) == ("a&b " * 10).strip()


@given(
    words=st.lists(st.text("abcdefghij", min_size=1, max_size=30), min_size=1, max_size=80),
    separators=st.lists(st.sampled_from([" ", "\n", "\n\n"]), min_size=80, max_size=80),
    limit=st.integers(min_value=5, max_value=200),
)
def test_split_text_keeps_every_word_within_the_limit(
    words: list[str], separators: list[str], limit: int
) -> None:
    text = "".join(word + separator for word, separator in zip(words, separators, strict=False))
    parts = split_text(text, limit)
    assert all(0 < len(part) <= limit for part in parts)
    if all(len(word) <= limit for word in words):  # no word had to be cut
        assert " ".join(parts).split() == text.split()
    assert "".join("".join(parts).split()) == "".join(text.split())


@given(st.text(min_size=0, max_size=400), st.integers(min_value=2, max_value=60))
def test_split_parts_respect_the_limit_and_keep_every_character(text: str, limit: int) -> None:
    parts = split_text(text, limit, utf16_len)
    assert all(part.strip() and utf16_len(part) <= limit for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())
