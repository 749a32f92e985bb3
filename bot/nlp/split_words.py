"""Words a speech recogniser split in two ("tread mill", "war farin"), joined again.

One joiner for every reader of messages: the profile parser (with a table of place words, and
its offsets kept) and the safety lexicon (with its medical words, spelling slips forgiven).
Every pair of neighbouring words is tried, overlapping ones included: in "on tread mill" the
pair "on tread" fails and "tread mill" is tried next.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SPLIT_PAIR = re.compile(r"\b([a-z]{2,}) ([a-z]{2,})\b")


def join_split_words(
    text: str, lookup: Callable[[str], str | None], *, keep_length: bool = False
) -> str:
    """``text`` with each pair of neighbouring words that ``lookup`` knows joined as one.

    Args:
        text: Lower-case text.
        lookup: The two words written together ("treadmill") -> the word to put in their
            place, or None to leave them apart.
        keep_length: Put the space after the joined word instead of dropping it, so that
            offsets into ``text`` stay valid (``lookup`` must then keep the joined word's
            length).

    Returns:
        The text with the pairs joined.
    """
    position = 0
    while True:
        match = _SPLIT_PAIR.search(text, position)
        if match is None:
            return text
        word = lookup(match.group(1) + match.group(2))
        if word is None:
            position = match.start(2)  # the second word may start the next pair
            continue
        if keep_length and len(word) != match.end() - match.start() - 1:
            raise ValueError(f"{word!r} would move the offsets of {match.group()!r}")
        text = text[: match.start()] + word + (" " if keep_length else "") + text[match.end() :]
        position = match.start() + len(word)
