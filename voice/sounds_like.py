"""Words a speech recogniser heard in place of a walk-command word ("paws", "thyme", "re zoom").

A recogniser turns a word it did not expect into one that sounds alike, or splits it in two.
:func:`respell` puts back the command word when a heard word, or two neighbours together,
are pronounced within one phone of it (CMU pronouncing dictionary, stress ignored). It only
proposes a reading: :mod:`voice.commands` still decides whether that reading is a command.
:func:`first_sound_dropped` serves the wake phrase's verification: whisper often writes an
unstressed "hey" as "a".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import lru_cache

from voice.listen.pronunciations import cmudict_path, read_pronunciations

logger = logging.getLogger(__name__)

# Words of the command phrases a recogniser may mishear (at least three phones each).
COMMAND_WORDS: tuple[str, ...] = (
    "pause",
    "resume",
    "continue",
    "carry",
    "ready",
    "skip",
    "next",
    "ahead",
    "repeat",
    "again",
    "pardon",
    "come",
    "catch",
    "that",
    "stop",
    "end",
    "finish",
    "done",
    "time",
    "left",
    "long",
    "have",
    "till",
    "walk",
    "workout",
    "session",
    "interval",
    "segment",
    "part",
    "bit",
    "second",
    "moment",
    "minutes",
    "more",
    "said",
    "call",
    "break",
)
# Everyday words that are never taken for a command word ("and" is one phone from "end").
_KEEP: frozenset[str] = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "did",
        "do",
        "does",
        "for",
        "from",
        "go",
        "had",
        "has",
        "he",
        "her",
        "him",
        "coach",
        "his",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "just",
        "me",
        "my",
        "no",
        "not",
        "now",
        "of",
        "off",
        "on",
        "one",
        "or",
        "our",
        "out",
        "own",
        "she",
        "so",
        "than",
        "the",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "too",
        "up",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "yes",
        "yeah",
        "well",
        "all",
        "any",
        "get",
        "got",
        "let",
        "lets",
        "like",
        "more",
        "much",
        "need",
        "see",
        "some",
        "tell",
        "want",
        "way",
        "thank",
        "thanks",
        "please",
        "sorry",
        "okay",
        "ok",
        "oh",
        "um",
        "uh",
        "er",
        "still",
    }
)
_MIN_PHONES = 3


def _phones(pronunciation: str) -> tuple[str, ...]:
    return tuple(phone.rstrip("012") for phone in pronunciation.split())


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Every cmudict word's pronunciations; empty (nothing respelled) without pocketsphinx."""
    try:
        entries = read_pronunciations(cmudict_path())
    except (ImportError, OSError) as error:
        logger.warning("no pronouncing dictionary, misheard commands are not respelled: %s", error)
        return {}
    return {word: tuple(_phones(p) for p in prons) for word, prons in entries.items()}


def _one_phone_away(a: Sequence[str], b: Sequence[str]) -> bool:
    """Equal, or one phone substituted, inserted or deleted."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(tuple(long_[:i]) + tuple(long_[i + 1 :]) == tuple(short) for i in range(len(long_)))


@lru_cache(maxsize=1)
def _targets() -> tuple[tuple[str, tuple[str, ...]], ...]:
    dictionary = _dictionary()
    return tuple(
        (word, phones)
        for word in COMMAND_WORDS
        for phones in dictionary.get(word, ())
        if len(phones) >= _MIN_PHONES
    )


def _sounds_like(pronunciations: Iterable[tuple[str, ...]], heard: str = "") -> str | None:
    for phones in pronunciations:
        if len(phones) < _MIN_PHONES:
            continue
        for word, target in _targets():
            # "stopped", "walking": a form of the word, not a mishearing of it.
            if not (heard and heard.startswith(word)) and _one_phone_away(phones, target):
                return word
    return None


def first_sound_dropped(heard: str, word: str) -> bool:
    """Whether ``heard`` is pronounced as ``word`` without its first sound ("a" for "hey").

    An unstressed initial /h/ is often dropped, and recognisers then write the vowel alone.
    False when either word is not in the dictionary (or there is no dictionary).
    """
    dictionary = _dictionary()
    return any(
        len(b) >= 2 and a == b[1:]
        for a in dictionary.get(heard, ())
        for b in dictionary.get(word, ())
    )


def warm() -> None:
    """Read the dictionary now (about a second), so the first walk command does not wait."""
    _targets()


def respell(words: Sequence[str]) -> list[str]:
    """``words`` with every misheard command word put back.

    Args:
        words: Lower-case words of one utterance.

    Returns:
        The words, each replaced by the command word it sounds like, and two neighbours
        joined when together they sound like one ("re zoom" -> "resume"). Words that are
        command words or everyday words are kept as they are.
    """
    dictionary = _dictionary()
    out: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in COMMAND_WORDS or word in _KEEP:
            out.append(word)
            index += 1
            continue
        if index + 1 < len(words) and words[index + 1] not in _KEEP:
            pair = [
                first + second
                for first in dictionary.get(word, ())
                for second in dictionary.get(words[index + 1], ())
            ]
            joined = _sounds_like(pair)
            if joined is not None:
                out.append(joined)
                index += 2
                continue
        out.append(_sounds_like(dictionary.get(word, ()), word) or word)
        index += 1
    return out
