"""Words of the place, body-part, symptom and condition lists that are idioms in context.

The entity ruler matches words without their context, so "come back", "keep track of",
"fell asleep" and "breast stroke" would be read as a body part, a place, a symptom and a
condition. :func:`is_idiom` is the one rule for that, over the words around a single-word
match: the spaCy pipeline's component calls it with its tokens, and readers of raw text
(the profile parser) through :func:`idiom_in_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.nlp.quantities.tokens import is_number_token

_POSSESSIVE_OR_ADJ: Final = frozenset(
    {
        "my",
        "your",
        "his",
        "her",
        "their",
        "our",
        "the",
        "a",
        "bad",
        "sore",
        "stiff",
        "painful",
        "aching",
        "achy",
        "whole",
        "weak",
        "injured",
        "dodgy",
        "hurt",
        "strong",
        "straight",
        "flat",
        "upright",
    }
)
_BACK_OK_NEXT: Final = frozenset(
    {
        "pain",
        "pains",
        "ache",
        "aches",
        "muscle",
        "muscles",
        "problem",
        "problems",
        "injury",
        "spasm",
        "spasms",
        "hurts",
        "hurt",
        "feels",
        "straight",
    }
)
_TRACK_OK_PREV: Final = _POSSESSIVE_OR_ADJ | {
    "an",
    "this",
    "that",
    "running",
    "athletics",
    "local",
    "school",
    "indoor",
    "outdoor",
    "race",
    "sports",
    "jogging",
    "walking",
    "oval",
    "dirt",
}
_VERB_NEXT: Final = frozenset({"my", "your", "his", "her", "our", "their", "it", "up", "the"})
_FELL_IDIOMS: Final = frozenset({"asleep", "apart", "through", "behind", "short", "silent", "for"})
_STROKE_IDIOM_PREV: Final = frozenset(
    {"breast", "back", "swimming", "swim", "brush", "master", "paddle", "golf", "single"}
)


@dataclass(frozen=True)
class WordContext:
    """The words around a one-word match, lower case ("" beyond the text)."""

    before: str
    before2: str
    after: str
    before_is_number: bool


# A place word naming someone or something, not where one walks: "my gym teacher said...".
# (Not "mate" or "bro": "in the park mate" is said to someone.)
_PERSON_OR_THING_AFTER_PLACE: Final = frozenset(
    {
        "teacher",
        "teachers",
        "instructor",
        "coach",
        "buddy",
        "buddies",
        "friend",
        "friends",
        "trainer",
        "ranger",
        "membership",
        "bag",
        "kit",
        "clothes",
        "owner",
        "staff",
        "rat",
    }
)


def is_idiom(label: str, word: str, context: WordContext) -> bool:
    """Whether the one-word ``label`` match ``word`` is an idiom here, not the thing.

    Args:
        label: ``body_part``, ``place``, ``symptom`` or ``condition``.
        word: The matched word, lower case.
        context: The words around it.

    Returns:
        True for "come back", "keep track", "track my steps", "I park my car", "my gym
        teacher", "the inside of my knee", "100 yards", "over the counter", "hall of fame",
        "fell asleep", "weak signal", "breast stroke", "5 foot 10", "on foot", "a joint
        effort".
    """
    prev, nxt = context.before, context.after
    if label == "body_part":
        if word in ("back", "backs"):  # "walk back", "come back", "back then"
            return prev not in _POSSESSIVE_OR_ADJ and nxt not in _BACK_OK_NEXT
        if word in ("foot", "feet"):  # "5 foot 10", "on foot", "a few feet behind"
            return prev in ("on", "few") or context.before_is_number
        if word in ("joint", "joints"):  # "a joint effort"
            return prev == "a"
    if label == "place":
        if nxt in _PERSON_OR_THING_AFTER_PLACE:  # "my gym teacher", "the park ranger"
            return True
        if word in ("track", "tracks"):  # "keep track", "on track", "track my steps"
            if nxt in ("of", "my", "your", "it"):
                return True
            if word == "tracks" and prev in ("that", "which", "it", "this"):
                return True  # "a watch that tracks heart rate"
            # "Track at the high school", a list's "No conditions. Track. Fitness."
            return prev[:1].isalnum() and prev not in _TRACK_OK_PREV
        if word in ("park", "parks"):  # "I park my car", not "round the park my legs ache"
            return nxt in _VERB_NEXT and prev not in _POSSESSIVE_OR_ADJ
        if word in ("inside", "outside"):  # "the inside of my knee"
            return nxt in ("of", "my", "your", "the") or prev in ("the", "on", "an")
        if word in ("yard", "yards"):  # "100 yards"
            return context.before_is_number
        if word in ("counter", "counters"):  # "over the counter"
            return prev == "the" and context.before2 == "over"
        if word in ("hall", "halls"):  # "hall of fame"
            return nxt == "of"
    if label == "symptom":
        if word in ("fell", "fallen"):  # "fell asleep"
            return nxt in _FELL_IDIOMS
        if word in ("weak", "hurt"):  # "weak signal", "hurt feelings"
            return nxt in ("signal", "spot", "point", "link", "feelings", "wifi")
    if label == "condition" and word in ("stroke", "strokes"):  # "breast stroke"
        return prev in _STROKE_IDIOM_PREV or nxt == "of"
    return False


# Words as spaCy's English tokenizer splits them for these rules: a word with an inner
# apostrophe ("don't" is near enough: no rule looks at it), else one punctuation mark.
_TOKEN: Final = re.compile(r"\w+(?:'\w+)?|[^\w\s]")


def context_in_text(text: str, start: int, end: int) -> WordContext:
    """The words around ``text[start:end]``, for :func:`is_idiom` on raw (lower-case) text."""
    before = _TOKEN.findall(text, 0, start)
    after = _TOKEN.findall(text, end)
    prev = before[-1] if before else ""
    return WordContext(
        before=prev,
        before2=before[-2] if len(before) > 1 else "",
        after=after[0] if after else "",
        before_is_number=bool(prev) and is_number_token(prev),
    )


def idiom_in_text(label: str, text: str, start: int, end: int) -> bool:
    """:func:`is_idiom` for the match ``text[start:end]`` of raw (lower-case) text.

    Only a one-word match can be an idiom, as in the pipeline (a one-token entity).
    """
    word = text[start:end]
    return " " not in word and is_idiom(label, word, context_in_text(text, start, end))
