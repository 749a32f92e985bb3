"""The profile parser's vocabularies agree with the spaCy pattern files (bot/nlp/patterns).

The pattern files are the one source of place and condition words; the parser keeps only
what it adds: which location a place means, and the wording rules around a body part.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.nlp.build import PATTERNS_DIR
from bot.profile import location
from bot.profile.parse import parse_answers

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


@pytest.mark.parametrize(
    ("text", "location", "conditions"),
    [
        ("I'll use a tread-mill at home, I have a bad knee", "treadmill", ("knee pain",)),
        ("in the woods near my house, runner's knee and asthma", "outdoor", None),
        ("keep track of my walks? I had a stroke", None, ("stroke",)),
        ("swimming stroke or walking on the track", "outdoor", None),
        ("pain on the inside of my knee, hip flexors tight", None, ("pain",)),
    ],
)
def test_raw_text_reads_the_pattern_words_with_their_ids(
    text: str, location: str | None, conditions: tuple[str, ...] | None
) -> None:
    """Without entities the parser reads the places and conditions of the pattern files
    (ids, not the words), and leaves the same idioms alone as the spaCy pipeline."""
    answers = {a.slot: a.value for a in parse_answers(text)[0]}
    assert answers.get("location") == location
    if conditions is not None:
        assert answers.get("conditions") == conditions
    elif "runner's" in text:
        assert answers.get("conditions") == ("patellofemoral pain syndrome", "asthma")
    else:
        assert "conditions" not in answers
