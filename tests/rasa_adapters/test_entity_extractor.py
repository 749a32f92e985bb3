"""RetroWalkEntityExtractor's conversion of spaCy entities to Rasa entities (real pipeline)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.rasa_adapters.entity_extractor import entity_from_span


@pytest.fixture(scope="module")
def nlp() -> Any:
    import spacy

    from bot.nlp import PACKAGE_NAME
    from bot.nlp.build import ensure_installed

    ensure_installed()
    return spacy.load(PACKAGE_NAME)


def entities(nlp: Any, text: str) -> list[dict[str, Any]]:
    return [entity_from_span(span) for span in nlp(text).ents]


def test_body_part_has_canonical_value_and_side(nlp: Any) -> None:
    (knee,) = entities(nlp, "my left knee")
    assert (knee["entity"], knee["value"], knee["side"], knee["raw"]) == (
        "body_part",
        "knee",
        "left",
        "left knee",
    )


def test_quantities_are_normalised(nlp: Any) -> None:
    found = {e["entity"]: e for e in entities(nlp, "I'm 65, 176 lbs, 10 minutes at 2.5 mph")}
    assert found["age"]["value"] == 65 and found["age"]["unit"] == "years"
    assert found["weight"]["value"] == pytest.approx(79.83) and found["weight"]["unit"] == "kg"
    assert found["duration"]["value"] == 10 and found["duration"]["unit"] == "min"
    assert found["speed"]["value"] == 2.5 and found["speed"]["unit"] == "mph"
    assert "side" not in found["age"]


def test_offsets_match_the_original_text(nlp: Any) -> None:
    text = "I walk on a Treadmill"
    (place,) = entities(nlp, text)
    assert text[place["start"] : place["end"]] == "Treadmill"
    assert place["value"] == "treadmill"
