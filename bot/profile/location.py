"""Where the walker will walk: place entities and place words -> ``location``."""

from __future__ import annotations

import re
from typing import Final

from bot.nlp.negation import negated
from bot.profile.entities import Entity
from bot.profile.slots import LOCATION
from bot.profile.text import TAG_ACT, TAG_PLACE, Results, Text, rx, unmasked

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

_PLACE_RULES: Final[tuple[tuple[re.Pattern[str], str, bool], ...]] = (
    (rx(r"\btread\s*-?\s*mills?\b|\b(?:walking|running)\s+machines?\b"), "treadmill", False),
    (
        rx(
            r"(?:^\W*|\b(?:running|athletics|race|school|walking|indoor|outdoor|the|a|an|my|our"
            r"|local)\s+)tracks?\b(?!\s+(?:my|your|his|her|our|of|it|this|that|how)\b)"
        ),
        "outdoor",
        False,
    ),
    (
        rx(
            r"\b(?:car\s+)?parks?\b|\b(?:foot|tow|bike|cycle)?paths?\b|\btrails?\b|\broads?\b"
            r"|\bstreets?\b|\bpavements?\b|\bsidewalks?\b|\bbeach(?:es)?\b|\bpromenade\b"
            r"|\bseafront\b|\bgrass(?:y)?\b|\blawns?\b|\bfields?\b|\bpitch\b|\bout\s*doors\b"
            r"|\boutside\b(?!\s+(?:of\s+)?my\s+comfort)|\bgardens?\b|\b(?:back)?yard\b|\bhills?\b"
            r"|\bsand\b|\baround\s+the\s+block\b|\bneighbou?rhood\b|\bparking\s+lot\b"
            r"|\bwoods\b|\bforest\b|\bcountryside\b|\bcanal\b|\bplayground\b|\bin\s+the\s+open\b"
        ),
        "outdoor",
        False,
    ),
    (
        rx(
            r"\bhall(?:way)?s?\b|\bcorridors?\b|\bin\s*doors\b|\binside\b(?!\s+(?:of\b|my\s+(?:knee|hip|leg|head|body)))"
            r"|\bkitchen\b(?!\s+(?:counter|worktop|bench|table))|\bliving\s*room\b|\blounge\b"
            r"|\bbedroom\b"
        ),
        "indoor_support",
        False,
    ),
    (
        rx(
            r"\bgyms?\b|\bgymnasium\b|\b(?:leisure|fitness|sports|rec|recreation)\s+cent(?:re|er)\b"
            r"|\bhealth\s+club\b|\b(?:at|around|in)\s+(?:my\s+|the\s+)?(?:home|house|flat|apartment)\b"
            r"|\bmalls?\b|\bshopping\s+cent(?:re|er)\b"
            r"|\b(?:kitchen\s+)?(?:counter|worktop)s?\b|\bwalls?\b|\b(?:hand\s*)?rails?\b"
            r"|\brailings?\b|\bbann?isters?\b|\bchairs?\b|\bstairs\b|\bgrab\s+bars?\b"
        ),
        "indoor_support",
        True,
    ),
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


def place_entities(t: Text, ents: list[Entity], out: Results) -> None:
    """Locations from ``place`` entities (negated ones are read but ignored)."""
    for ent in ents:
        if ent.label != "place":
            continue
        mapped = place_location(ent.value)
        if ent.span is None:
            if mapped:
                out.add(LOCATION, mapped[0], ent.value, len(t.lower), mapped[1])
            continue
        start, end = ent.span
        if not t.is_free(start, end, TAG_PLACE, TAG_ACT):
            continue
        t.claim(start, end, TAG_PLACE)
        weak = mapped is not None and (mapped[1] or _is_home(t.lower[start:end]))
        if mapped and not negated(t.lower, start, _PLACE_NEGATION_WINDOW, _HEALTH_NOUNS):
            out.add(LOCATION, mapped[0], t.source(start, end), start, weak)


def _is_home(text: str) -> bool:
    return bool(re.search(r"\b(?:home|house|flat|apartment)\b", text))


def place_text(t: Text, out: Results) -> None:
    """Locations from place words in the text."""
    for pattern, location, weak in _PLACE_RULES:
        view = t.view(TAG_PLACE, TAG_ACT)
        for m in unmasked(pattern, view):
            t.claim(m.start(), m.end(), TAG_PLACE)
            if not negated(view, m.start(), _PLACE_NEGATION_WINDOW, _HEALTH_NOUNS):
                out.add(LOCATION, location, t.source(m.start(), m.end()), m.start(), weak)


# --------------------------------------------------------------------------------------------
