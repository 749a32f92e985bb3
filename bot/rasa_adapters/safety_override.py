"""Rasa NLU component: a red-flag symptom always yields the ``red_flag`` intent.

The learned classifier may miss an urgent message phrased in a new way, or call it
ambiguous. This component runs last in the NLU pipeline and, when the safety rules in
:mod:`bot.safety` find a red flag the person reports now, sets the intent to
``red_flag`` with confidence 1.0 (erring on the side of safety).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety import detect_red_flag

RED_FLAG_INTENT = "red_flag"
NLU_FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyIntentOverride(GraphComponent):
    """Override the intent with ``red_flag`` when a red-flag phrase is found."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No options."""
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyIntentOverride:
        """Create the component."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the intent of messages that report a red-flag symptom."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or detect_red_flag(text) is None:
                continue
            top = {"name": RED_FLAG_INTENT, "confidence": 1.0}
            ranking = [
                item
                for item in message.get(INTENT_RANKING_KEY) or []
                if item.get("name") not in (RED_FLAG_INTENT, NLU_FALLBACK_INTENT)
            ]
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
        return messages
