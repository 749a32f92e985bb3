"""Rasa NLU component: the response selector, run only for its retrieval intent.

Rasa's ``ResponseSelector`` runs its TensorFlow model on every message, although its choice
is only used when the message's intent is the retrieval intent (``faq``: the ``utter_faq``
rule). This subclass runs it for those messages only; every other message is passed on
without a ``response_selector`` entry, and no answer changes. It saved about a tenth of a
Rasa process's CPU time per message in the benchmark's conversations, most of whose
messages are not questions (docs/benchmarks.md).

It must come after the intent classifier in the pipeline, as Rasa's selector does.
Training is Rasa's own.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RetrievalIntentResponseSelector(ResponseSelector):
    """``ResponseSelector`` that skips messages not classified as its retrieval intent."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Select a response for the messages of the retrieval intent; pass on the rest."""
        if not self.retrieval_intent:
            return super().process(messages)
        wanted = [
            message
            for message in messages
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == self.retrieval_intent
        ]
        if wanted:
            super().process(wanted)
        return messages
