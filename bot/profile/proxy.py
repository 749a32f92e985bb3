"""Someone typing for another person: "I'm typing this for my mother. She's 79".

Carers and grown-up children often type for an older walker. Once a message says so, what
they tell about that person ("she's 79", "she did 10 minutes", "her knees") is the walker's
profile and walks, read as if the walker said it ("I'm 79", "I did 10 minutes", "my knees").
Plain Python with no Rasa import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

_PERSON: Final = (
    r"(?:mum|mom|mam|mammy|mummy|mother|dad|daddy|father|gran|granny|grandma|grandmother|nan"
    r"|nana|grandad|granddad|grandpa|grandfather|husband|wife|partner|aunt|auntie|uncle"
    r"|sister|brother|client|patient|neighbou?r|friend)"
)
# "I'm typing (this) for my mother", "this is the daughter typing for Mam", "writing on
# behalf of my dad", "my mum asked me to message you for her".
_SPEAKS_FOR: Final = re.compile(
    r"\b(?:typing|writing|texting|messaging|asking|chatting|doing\s+this|on\s+here)\s+"
    r"(?:this\s+|these\s+|it\s+)?(?:for|on\s+behalf\s+of)\s+(?:my\s+|our\s+)?"
    + _PERSON
    + r"\b|\bon\s+behalf\s+of\s+(?:my\s+|our\s+)?"
    + _PERSON
    + r"\b",
    re.IGNORECASE,
)
# Third person -> first person; "her" before a word that can follow a possessive is "my".
_REWRITES: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern, re.IGNORECASE), first)
    for pattern, first in (
        (r"\b(?:she|he)'s\b|\bshes\b|\bhes\b(?=\s+(?:\d|a|an|in|got|never|been|done|had))", "I'm"),
        (r"\b(?:she|he)\s+is\b", "I am"),
        (r"\b(?:she|he)\s+has\b", "I have"),
        (r"\b(?:she|he)\s+was\b", "I was"),
        (r"\b(?:she|he)\s+says\b", "I say"),  # "he says 81": what the walker settles on
        (r"\b(?:she|he)\s+does(?:n't|\s+not)\b", "I don't"),
        (r"\b(?:she|he)\s+does\b", "I do"),
        (r"\b(?:she|he)'d\b", "I'd"),
        (r"\b(?:she|he)'ll\b", "I'll"),
        (r"\b(?:she|he)\s+(?=\w)", "I "),
        (r"\b(?:her|his)\s+own\b", "my own"),
        (
            r"\b(?:her|his)\b(?=\s+(?!a\b|an\b|the\b|to\b|and\b|if\b|so\b|or\b|please\b|"
            r"for\b|with\b|on\b|at\b|in\b|up\b|out\b|now\b|too\b|then\b|that\b|this\b)[a-z])",
            "my",
        ),
        (r"\b(?:her|him)\b", "me"),
    )
)


_GREETING: Final = re.compile(
    r"^\W*(?:hi|hello|hey|hiya|good\s+(?:morning|afternoon|evening))\W*$", re.I
)


def speaks_for_someone(texts: Iterable[str]) -> bool:
    """Whether any of the messages says the writer types for another person.

    Args:
        texts: The conversation's messages, in any order.
    """
    return any(_SPEAKS_FOR.search(text) for text in texts)


def as_the_walker(text: str) -> str:
    """The message as the walker would say it: third person made first person.

    The clause that says who is typing is left out ("Hi, this is the daughter typing for
    Mam."), so "typing for Mam" is not read as the walker's words.

    Args:
        text: A message from someone typing for the walker.

    Returns:
        "She's 79 and wants to try it for her balance" -> "I'm 79 and wants to try it for
        my balance". Grammar is left as it falls (the profile readers do not need it).
    """
    kept = " ".join(
        part
        for sentence in re.split(r"(?<=[.!?])\s+", text)
        # "Hi, I'm typing this for my mum, she is 82.": the age is said beside who types
        for part in re.split(r"(?<=[,;])\s+", sentence)
        if not _SPEAKS_FOR.search(part) and not _GREETING.match(part)
    )
    if not kept.strip():
        kept = _SPEAKS_FOR.sub(" ", text)
    for pattern, first in _REWRITES:
        kept = pattern.sub(first, kept)
    return kept.strip()
