"""Rasa NLU component: the meaning stage decides the intent and the FAQ answer.

Runs after the intent classifier and the response selector, in place of Rasa's
``FallbackClassifier``. It trains a label model on the sentence embeddings of the training
examples (:mod:`bot.nlp.meaning`), mixes it with the classifier's reading, and sets:

- ``intent`` and ``intent_ranking`` from the mixed reading (``faq`` for an FAQ answer);
- ``response_selector.faq`` with the chosen answer and the ranking of answers, so the
  ``utter_faq`` rule says the answer the mixed reading chose;
- ``nlu_fallback`` when the top label is not clear (the same output as Rasa's
  ``FallbackClassifier``); the fallback then offers the closest topics as buttons;
- ``asked_too`` when a message that is not a question asks one besides ("No injuries. Should
  I look over my shoulder?"): the FAQ answer its question part asks for, read by meaning
  alone (``intent_response_key``, ``confidence``); the plan questions answer it too.

Messages that are intent payloads ("/log_walk{...}") are left alone.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp import meaning
from bot.nlp.embedding import default_embedder
from bot.profile.questions import trailing_question
from bot.profile.statement import plan_answers_reading
from bot.profile.text import PLAN_WORD
from bot.walk_report import parse_walk_report, tells_a_walk

logger = logging.getLogger(__name__)

NLU_FALLBACK = "nlu_fallback"
RETRIEVAL_INTENT = "faq"
SELECTOR = "response_selector"
MODEL_FILE = "meaning.npz"
# The FAQ answer a message asks for besides its answer ("No injuries. Should I look back?").
ASKED_TOO = "asked_too"
# Readings a message carrying plan answers overrides ("Plan. Now. 38, never done it, no
# injuries, treadmill, fitness, 20 min, 4 days" is no question about running).
_ANSWERS_OVERRIDE = frozenset({NLU_FALLBACK, RETRIEVAL_INTENT, "out_of_scope", "log_walk"})
LOG_WALK = "log_walk"
# Readings a walk told overrides: the pleasantries around it, or "not about walking"; a
# question's topic only when the walk was just now ("I completed my backward walking on the
# treadmill just now").
_WALK_OVERRIDE = frozenset({"greet", "thanks", "goodbye", "out_of_scope"})
_JUST_NOW = re.compile(
    r"\bjust now\b|\bjust (?:done|finished|completed|got back|back from|did|walked)\b", re.I
)


def _label(message: Message) -> str | None:
    key = message.get(INTENT_RESPONSE_KEY)
    return str(key) if key else message.get(INTENT)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class MeaningStage(GraphComponent):
    """Decide intent and FAQ answer from meaning and the classifier, or say "not sure"."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Options (calibrated by ``scripts/calibrate_meaning.py``; see docs/nlu-taxonomy.md).

        - ``c``: inverse regularisation of the label model;
        - ``classifier_weight``: the intent classifier's share of the mixed reading;
        - ``threshold``: least mixed probability of the label acted on;
        - ``margin``: least lead of that label over the next;
        - ``clause_threshold``: least probability of a request read in one clause of an
          unclear message (:func:`bot.nlp.meaning.request_in_clauses`).
        """
        return {
            "c": 10.0,
            "classifier_weight": 0.3,
            "threshold": 0.5,
            "margin": 0.1,
            "clause_threshold": 0.6,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: meaning.MeaningModel | None = None,
    ) -> None:
        """Keep the options and the trained model (None before training)."""
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MeaningStage:
        """A component to train."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MeaningStage:
        """The trained component (a component without a model passes messages on)."""
        try:
            with model_storage.read_from(resource) as directory:
                model = meaning.MeaningModel.load(Path(directory) / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("meaning stage: no trained model; passing messages on")
            model = None
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the label model on the intent examples' embeddings and store it."""
        examples = [
            (str(m.get(TEXT)), label)
            for m in training_data.intent_examples
            if (label := _label(m)) and m.get(TEXT)
        ]
        x = default_embedder().embed([text for text, _ in examples])
        self._model = meaning.fit(x, [label for _, label in examples], float(self._config["c"]))
        with self._storage.write_to(self._resource) as directory:
            self._model.save(Path(directory) / MODEL_FILE)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to the training data."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Decide each message's intent and FAQ answer."""
        if self._model is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text.strip() and not text.startswith("/"):
                self._decide(message, text)
        return messages

    def _decide(self, message: Message, text: str) -> None:
        assert self._model is not None
        probabilities = self._model.probabilities(default_embedder().embed([text]))[0]
        by_meaning = dict(zip(self._model.labels, (float(p) for p in probabilities), strict=True))
        intents = [
            (str(item["name"]), float(item["confidence"]))
            for item in message.get(INTENT_RANKING_KEY) or []
            if item.get("name") != NLU_FALLBACK
        ]
        selector = (message.get(SELECTOR) or {}).get(RETRIEVAL_INTENT) or {}
        answers = [
            (str(item[INTENT_RESPONSE_KEY]), float(item["confidence"]))
            for item in selector.get("ranking") or []
        ]
        classifier = meaning.classifier_distribution(intents, answers, by_meaning)
        ranking = meaning.combine(classifier, by_meaning, float(self._config["classifier_weight"]))
        threshold, margin = float(self._config["threshold"]), float(self._config["margin"])
        decision = meaning.decide(ranking, threshold, margin)
        if decision.label is None:
            decision = self._request_in_clauses(text, decision)
        self._write(message, decision, selector)
        read_plan_answers(message, text)
        read_walk_told(message, text)
        if decision.label is None or not decision.label.startswith(meaning.FAQ_PREFIX):
            question = trailing_question(text)
            if question:
                vector = default_embedder().embed([question])[0]
                asked = meaning.faq_asked(self._model, vector, threshold, margin)
                if asked is not None:
                    found = {INTENT_RESPONSE_KEY: asked[0], "confidence": asked[1]}
                    message.set(ASKED_TOO, found, add_to_output=True)

    def _request_in_clauses(self, text: str, decision: meaning.Decision) -> meaning.Decision:
        """An unclear message one of whose clauses clearly makes a request: that request."""
        assert self._model is not None
        parts = meaning.clauses(text)
        if not parts:
            return decision
        vectors = default_embedder().embed(parts)
        threshold = float(self._config["clause_threshold"])
        request = meaning.request_in_clauses(
            self._model, parts, vectors, decision.ranking, threshold
        )
        if request is None:
            return decision
        chosen = [item for item in decision.ranking if item[0] == request]
        rest = [item for item in decision.ranking if item[0] != request]
        return meaning.Decision(request, (*chosen, *rest))

    def _write(
        self, message: Message, decision: meaning.Decision, selector: dict[str, Any]
    ) -> None:
        intent_ranking: dict[str, float] = {}
        faq_ranking: list[dict[str, Any]] = []
        for label, p in decision.ranking:
            intent = RETRIEVAL_INTENT if label.startswith(meaning.FAQ_PREFIX) else label
            intent_ranking[intent] = intent_ranking.get(intent, 0.0) + p
            if intent == RETRIEVAL_INTENT:
                faq_ranking.append({"confidence": p, INTENT_RESPONSE_KEY: label})
        ranked = [
            {"name": name, "confidence": p}
            for name, p in sorted(intent_ranking.items(), key=lambda item: -item[1])[:10]
        ]
        top_label, top_p = decision.ranking[0]
        answering = decision.label is None or top_label.startswith(meaning.FAQ_PREFIX)
        if faq_ranking and answering:  # an answer, or the topics to offer when not sure
            best = faq_ranking[0][INTENT_RESPONSE_KEY]
            previous = selector.get("response") or {}
            responses = (
                previous.get("responses")
                if previous.get(INTENT_RESPONSE_KEY) == best
                else [{"text": best}]
            )
            properties = dict(message.get(SELECTOR) or {})
            properties.setdefault("all_retrieval_intents", [RETRIEVAL_INTENT])
            properties[RETRIEVAL_INTENT] = {
                "response": {
                    "responses": responses,
                    "confidence": faq_ranking[0]["confidence"],
                    INTENT_RESPONSE_KEY: best,
                    "utter_action": f"utter_{best}",
                },
                "ranking": faq_ranking[:10],
            }
            message.set(SELECTOR, properties, add_to_output=True)
        if decision.label is None:
            top = {"name": NLU_FALLBACK, "confidence": float(self._config["threshold"])}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *ranked], add_to_output=True)
            return
        intent = RETRIEVAL_INTENT if top_label.startswith(meaning.FAQ_PREFIX) else top_label
        message.set(INTENT, {"name": intent, "confidence": top_p}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranked, add_to_output=True)


def read_walk_told(message: Message, text: str) -> None:
    """Read a message that tells a walk done as a walk log (:func:`bot.walk_report.tells_a_walk`)
    when it was read as a greeting, thanks or out of scope, or as a question's topic when the
    walk was just now ("Good evening. I completed my backward walking on the treadmill just
    now, thank you") (in place)."""
    current = str((message.get(INTENT) or {}).get("name") or "")
    if current not in {*_WALK_OVERRIDE, RETRIEVAL_INTENT} or PLAN_WORD.search(text.lower()):
        return  # a plan request tells no walk ("keen to get a plan sorted, never walked")
    if not tells_a_walk(parse_walk_report(text, message.get(ENTITIES) or [])):
        return
    if current == RETRIEVAL_INTENT and not _JUST_NOW.search(text):
        return  # "I did retro walking at school and loved it": a story before a question
    _read_as(message, LOG_WALK)


def read_plan_answers(message: Message, text: str) -> None:
    """Read a message that carries plan answers as such (:mod:`bot.profile.statement`) when
    it was read as a question's topic, out of scope, a walk log or not sure (in place)."""
    current = str((message.get(INTENT) or {}).get("name") or "")
    if current not in _ANSWERS_OVERRIDE:
        return
    reading = plan_answers_reading(text, message.get(ENTITIES) or [])
    if reading is not None:
        _read_as(message, reading)


def _read_as(message: Message, intent: str) -> None:
    """Put ``intent`` first, no surer than the reading it replaces, listed once."""
    confidence = float((message.get(INTENT) or {}).get("confidence") or 0.0)
    others = [item for item in message.get(INTENT_RANKING_KEY) or [] if item["name"] != intent]
    top = {"name": intent, "confidence": confidence}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *others], add_to_output=True)


__all__ = ["MeaningStage", "read_plan_answers", "read_walk_told"]
