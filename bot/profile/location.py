"""Where the walker will walk: place entities and place words -> ``location``."""

from __future__ import annotations

import re
from typing import Final

from bot.nlp.idioms import idiom_in_text
from bot.nlp.negation import negated
from bot.nlp.vocabulary import phrase_matcher
from bot.profile.entities import Entity
from bot.profile.slots import EXPERIENCE, LOCATION
from bot.profile.text import FUTURE_WORDS, TAG_ACT, TAG_PLACE, Found, Results, Text

_PLACE_NEGATION_WINDOW: Final = 5
# What "no" is about in "no injuries treadmill at the gym": not the place that follows.
_HEALTH_NOUNS: Final = frozenset(
    {"injury", "injuries", "problems", "problem", "issues", "issue", "conditions", "condition"}
    | {"pain", "pains", "illness", "illnesses", "health"}
)

_OUTDOOR_PLACES: Final = frozenset(
    {
        "park",
        "track",
        "path",
        "trail",
        "road",
        "pavement",
        "beach",
        "grass",
        "outdoors",
        "outside",
        "garden",
        "field",
        "hill",
        "sand",
        "car park",
    }
)
_INDOOR_PLACES: Final = frozenset(
    {"hallway", "corridor", "indoors", "inside", "kitchen", "living room"}
)
_WEAK_PLACES: Final = frozenset(
    {"gym", "mall", "wall", "handrail", "chair", "stairs", "kitchen counter", "counter"}
)


def place_location(value: str) -> tuple[str, bool] | None:
    """Map a canonical place entity value to (location, weak); ``None`` for unusable places.

    Every place id of ``bot/nlp/patterns/place.jsonl`` but "pool" has a location here
    (tests/profile/test_vocabulary.py checks it).
    """
    if value == "treadmill":
        return "treadmill", False
    if value in _OUTDOOR_PLACES:
        return "outdoor", False
    if value in _INDOOR_PLACES:
        return "indoor_support", False
    if value in _WEAK_PLACES:
        return "indoor_support", True
    return None


def _read_place(t: Text, view: str, value: str, start: int, end: int, out: Results) -> None:
    """Claim the place and add its location unless it is negated."""
    t.claim(start, end, TAG_PLACE)
    mapped = place_location(value)
    if mapped is None:
        return
    if negated(view, start, _PLACE_NEGATION_WINDOW, _HEALTH_NOUNS):
        return
    weak = mapped[1] or _is_home(t.lower[start:end])
    out.add(LOCATION, mapped[0], t.source(start, end), start, weak)


def place_entities(t: Text, ents: list[Entity], out: Results) -> None:
    """Locations from ``place`` entities (negated ones are read but ignored)."""
    for ent in ents:
        if ent.label != "place":
            continue
        if ent.span is None:
            mapped = place_location(ent.value)
            if mapped:
                out.add(LOCATION, mapped[0], ent.value, len(t.lower), mapped[1])
            continue
        start, end = ent.span
        if t.is_free(start, end, TAG_PLACE, TAG_ACT):
            _read_place(t, t.lower, ent.value, start, end, out)


def _is_home(text: str) -> bool:
    return bool(re.search(r"\b(?:home|house|flat|apartment)\b", text))


def place_text(t: Text, out: Results) -> None:
    """Locations from the place words of ``bot/nlp/patterns/place.jsonl`` left unread.

    The same words, ids and idiom rule (:mod:`bot.nlp.idioms`) as the spaCy pipeline, so a
    caller without entities gets the same reading; with entities, this finds only what their
    spans missed.
    """
    view = t.view(TAG_PLACE, TAG_ACT)
    for phrase in phrase_matcher("place").finditer(view):
        if idiom_in_text("place", t.lower, phrase.start, phrase.end):
            continue
        _read_place(t, view, phrase.id, phrase.start, phrase.end, out)


# Said of the future: "never, but I'll use the treadmill" names where they will walk.
_FUTURE: Final = re.compile(
    rf"\b(?:{FUTURE_WORDS}|plan\s+to|planning\s+to|want\s+to|hope\s+to|from\s+now|next"
    r"|these\s+days|now)\b"
)


# Told of the past: "once on a hotel treadmill", "tried it at the gym years ago".
_PAST: Final = re.compile(
    r"\b(?:once|twice|did|tried|used\s+to|was|were|ago|last|back\s+when|went|years?)\b"
)


# A place judged right after it is named is a reason against it, not a choice: "on the
# treadmill probably, with the storms outside is a gamble", "the park's too busy".
_JUDGED: Final = re.compile(
    r"\s*(?:is|'s|are|would be|will be|gets|can be)\s+(?:a\s+|too\s+|so\s+|very\s+|really\s+"
    r"|way too\s+|a bit\s+|far too\s+|not\s+|all\s+|full of\s+|covered in\s+)?(?:gamble|risk"
    r"|risky|dangerous|cold|freezing|hot|wet|busy|crowded|dark|icy|ice|slippery|slippy|unsafe"
    r"|muddy|mud|muck|mucky|puddles|flooded|waterlogged|bumpy|uneven|rough|packed|closed|broken"
    r"|windy|boring|far|out of the question)\b"
    r"|\s*(?:isn't|aren't|is not|are not|'s not)\s+(?:an option|safe|possible)\b"
)


def judged_places(t: Text, out: Results) -> None:
    """Of two places named, drop one judged against ("outside is a gamble") beside another."""
    places = out.of(LOCATION)
    if len({f.value for f in places}) < 2:
        return
    judged = [f for f in places if _JUDGED.match(t.lower, f.start + len(f.text))]
    if judged and len(judged) < len(places):
        out.found = [f for f in out.found if f not in judged]


# A clause about something that happened: "I had a wobble in the garden last spring", "I
# have done backward walking some few times in the colony park"; or an exception told of
# it: "never, unless you count backing out of the kitchen with a tea tray".
_PAST_EVENT: Final = re.compile(
    r"\b(?:unless\s+you\s+count|(?:if|except)\s+(?:you\s+count|for)|apart\s+from|other\s+than"
    r"|had|have\s+done|'ve\s+done|done\s+it|did|tried|used\s+to|ago|last\s+(?:year|month|week"
    r"|spring|summer|autumn|fall|winter|time|christmas)|back\s+when|went|fell|once|(?:few|couple"
    r"|some|several|many)\s+times|in\s+(?:19|20)\d\d)\b"
)
_CLAUSE: Final = re.compile(r"[^.!?;,]+")
# Said of now between the past event and the place: "ive done it a few times before i use
# the tread mill" names where they walk now.
_NOW: Final = re.compile(r"\bi(?:'m| am| use| walk| go| have| can| will|'ll| want| do)\b")


def past_places(t: Text, asked: str | None, out: Results) -> None:
    """Drop a place told as where one walked backwards before, in answer to the experience
    question ("once on a hotel treadmill"), or told in a clause about the past when the
    place was not asked ("I had a wobble in the garden last spring"): it says nothing of
    where the plan's walks go."""
    if not out.has(LOCATION) or asked == LOCATION:
        return
    if asked == EXPERIENCE and _PAST.search(t.lower) and not _FUTURE.search(t.lower):
        out.drop(LOCATION)
        return
    events = [
        (m.start(), m.end(), event)
        for m in _CLAUSE.finditer(t.lower)
        if not _FUTURE.search(m.group())
        for event in [_PAST_EVENT.search(t.lower, m.start(), m.end())]
        if event is not None
    ]
    out.found = [
        f
        for f in out.found
        if f.slot != LOCATION
        or not _told_of_the_past(t.lower, f, events)
        or _in_a_list_of_answers(t.lower, f, out)
    ]


# Other answers in the place's clause that make it a run-on list of answers, as a speech
# recogniser writes it: "im forty one ive done it a few times before no injuries treadmill goal
# is fitness thirty minutes three days a week".
_LIST_ANSWERS: Final = 3


def _in_a_list_of_answers(text: str, place: Found, out: Results) -> bool:
    clause = next(m for m in _CLAUSE.finditer(text) if m.start() <= place.start < m.end())
    others = {
        f.slot for f in out.found if f.slot != LOCATION and clause.start() <= f.start < clause.end()
    }
    return len(others) >= _LIST_ANSWERS


def _told_of_the_past(
    text: str, place: Found, events: list[tuple[int, int, re.Match[str]]]
) -> bool:
    """Whether the place is in a clause about the past, with nothing said of now between the
    event and the place."""
    for start, end, event in events:
        if not start <= place.start < end:
            continue
        between = (
            (event.end(), place.start)
            if event.start() < place.start
            else (place.start + len(place.text), event.start())
        )
        if not _NOW.search(text, *between):
            return True
    return False
