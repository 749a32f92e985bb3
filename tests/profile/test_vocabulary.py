"""The profile parser's vocabularies agree with the spaCy pattern files (bot/nlp/patterns).

The pattern files are the one source of place and condition names; the parser keeps, for
each, only what it adds: which location a place means, and the wording rules of free text.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.nlp.build import PATTERNS_DIR
from bot.profile import conditions, location

# Places the parser reads but does not turn into a location (a pool is no place to walk
# backwards on land).
UNUSED_PLACES = frozenset({"pool"})


def pattern_ids(label: str) -> set[str]:
    path = Path(PATTERNS_DIR) / f"{label}.jsonl"
    return {json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()}


def test_every_place_of_the_patterns_has_a_location() -> None:
    places = pattern_ids("place")
    assert places >= UNUSED_PLACES
    for place in places - UNUSED_PLACES:
        assert location.place_location(place) is not None, place
    for place in UNUSED_PLACES:
        assert location.place_location(place) is None


def test_named_conditions_use_the_pattern_names() -> None:
    names = pattern_ids("condition") | pattern_ids("symptom")
    for _pattern, name in conditions.NAMED_CONDITIONS:
        assert name in names, name
