"""bot.profile.parse with entities from the real spaCy pipeline (built and installed if needed)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.profile.answers import parsed


@pytest.fixture(scope="module")
def nlp() -> Any:
    import spacy

    from bot.nlp import PACKAGE_NAME
    from bot.nlp.build import ensure_installed

    ensure_installed()
    return spacy.load(PACKAGE_NAME)


def rasa_entities(nlp: Any, text: str) -> list[dict[str, Any]]:
    """The entity dicts RetroWalkEntityExtractor builds for ``text``."""
    from bot.rasa_adapters.entity_extractor import entity_from_span

    return [entity_from_span(span) for span in nlp(text).ents]


@pytest.mark.parametrize(
    ("text", "asked", "answers"),
    [
        (
            "I'm 70, I walk in the park 3 days a week",
            None,
            {"age": 70, "location": "outdoor", "days_per_week": 3},
        ),
        (
            "I have a bad knee and arthritis, no treadmill, I'll use the corridor",
            None,
            {"conditions": ("knee pain", "arthritis"), "location": "indoor_support"},
        ),
        (
            "treadmill at the gym, 45 mins, twice a week, I weigh 12 stone",
            None,
            {
                "location": "treadmill",
                "minutes_per_session": 45,
                "days_per_week": 2,
                "weight_kg": 76.2,
            },
        ),
        ("in my late sixties, to prevent falls", None, {"age": 68, "goal": "balance"}),
        ("no injuries tread mill at the gym", None, {"conditions": (), "location": "treadmill"}),
        ("20-30 minutes", "minutes_per_session", {"minutes_per_session": 20}),
        ("no injuries", "conditions", {"conditions": ()}),
    ],
)
def test_with_pipeline_entities(
    nlp: Any, text: str, asked: str | None, answers: dict[str, Any]
) -> None:
    got, reasons = parsed(text, rasa_entities(nlp, text), asked)
    assert got == answers
    assert reasons == {}
