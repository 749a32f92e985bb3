"""Rasa NLU component: entities from the rule-based spaCy pipeline, with normalised values.

Reads the entities that ``en_retrowalk`` (see :mod:`bot.nlp`) finds and turns them into
Rasa entities. Vocabulary entities (body_part, condition, symptom, place) get their
canonical value; quantities (duration, weight, age, speed, incline) get a number in a
canonical unit (minutes, kg, years, mph, percent grade) plus ``unit`` and the ``raw`` text.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message


def entity_from_span(span: Any) -> dict[str, Any]:
    """Convert one spaCy entity span into a Rasa entity dict.

    Args:
        span: A ``spacy.tokens.Span`` from ``doc.ents``.

    Returns:
        The Rasa entity: ``entity``, ``value``, ``start``, ``end``, ``raw`` and, for
        quantities, ``unit``; for body parts, ``side`` when the text names one.
    """
    entity: dict[str, Any] = {
        "entity": span.label_,
        "start": span.start_char,
        "end": span.end_char,
        "raw": span.text,
    }
    quantity = span._.quantity if span.has_extension("quantity") else None
    if quantity is not None:
        entity["value"] = round(float(quantity.value), 2)
        entity["unit"] = quantity.unit
    else:
        entity["value"] = span.ent_id_ or span.text.lower()
    side = span._.side if span.has_extension("side") else None
    if span.label_ == "body_part" and side:
        entity["side"] = side
    return entity


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class RetroWalkEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Entity extractor over the ``en_retrowalk`` spaCy pipeline."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Needs the spaCy model loaded by SpacyNLP."""
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``dimensions``: entity labels to keep (default: all)."""
        return {"dimensions": None}

    def __init__(self, config: dict[str, Any]) -> None:
        """Create the extractor."""
        self._config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RetroWalkEntityExtractor:
        """Create the component."""
        return cls(config)

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        """Add normalised entities to each message."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            # The message's own doc is lower-cased; run the (rule-only, fast) pipeline on
            # the original text so offsets and raw text match what the user typed.
            doc = model.model(text)
            extracted = self.add_extractor_name([entity_from_span(ent) for ent in doc.ents])
            extracted = self.filter_irrelevant_entities(extracted, self._config["dimensions"])
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages
