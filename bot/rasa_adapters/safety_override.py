"""Rasa NLU component: the safety assessment decides the ``red_flag`` intent.

Runs last in the NLU pipeline, after the learned classifier and the fallback:

- when :func:`bot.safety.assessment.assess` finds a warning sign happening now, the intent
  becomes ``red_flag`` at confidence 1.0 (recall first: it wins over the classifier and the
  fallback);
- when the classifier says ``red_flag`` but the assessment read every symptom it found as
  asked about, denied, past, habitual or mild ("is chest pain a reason to stop?", "I fell
  twice last winter"), the classifier's next intent is used, so the question is answered or
  the form goes on;
- when the classifier says ``red_flag`` and the assessment found no symptom at all, the
  classifier's reading stands (a phrasing the lexicon does not know).

The assessment runs without the dialogue state (NLU cannot see slots); the red-flag action
reads the message again with its context.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety.assessment import assess

RED_FLAG_INTENT = "red_flag"
NLU_FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyIntentOverride(GraphComponent):
    """Set or withdraw the ``red_flag`` intent from the safety assessment."""

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
        """Decide the red-flag intent of each message."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue
            assessment = assess(text)
            ranking = [
                item
                for item in message.get(INTENT_RANKING_KEY) or []
                if item.get("name") not in (RED_FLAG_INTENT, NLU_FALLBACK_INTENT)
            ]
            if assessment.stop:
                top = {"name": RED_FLAG_INTENT, "confidence": 1.0}
                message.set(INTENT, top, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
                continue
            intent = (message.get(INTENT) or {}).get("name")
            if intent == RED_FLAG_INTENT and assessment.mentions and ranking:
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
