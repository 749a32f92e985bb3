"""The trained half of the safety assessment: how a message reads as a whole.

Two linear models over the message's sentence embedding (:mod:`bot.nlp.embedding`):
one for what the message is (``acute``: a warning sign now; ``question``; ``history``;
``negated``; ``mild``; ``condition``; ``other``: anything else the coach hears), one for the
kind of red flag (``chest``, ``stroke``...). They generalise to wording the lexicon has no
pattern for ("feels like drowning on dry land", "my heart is running like a horse"); the
lexicon's ConText reading (denied, asked, past) still overrules them in
:func:`bot.safety.assessment.assess`.

Trained by ``scripts/train_safety_classifier.py`` on the safety development set
(``tests/data/safety_dev/``) and the NLU training data, never on the held-out test set. The
weights live in ``bot/content/safety_classifier.npz`` with the fingerprint of what they were
trained on; at run time only numpy is needed besides the embedder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.nlp.embedding import SentenceEmbedder, default_embedder
from bot.nlp.linear_model import LinearModel

WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "content" / "safety_classifier.npz"
ACUTE = "acute"


@dataclass(frozen=True)
class Reading:
    """How the classifier reads one message.

    Attributes:
        acute: Probability that it reports a warning sign happening now.
        category: The most likely category.
        kind: The most likely red-flag kind, were it acute.
        kind_probability: That kind's probability.
    """

    acute: float
    category: str
    kind: str
    kind_probability: float


@dataclass(frozen=True)
class ClassifierWeights:
    """Both models, the decision thresholds and what they were trained on.

    Attributes:
        category: The category model.
        kind: The red-flag kind model.
        thresholds: By severity of the kind read (``emergency``, ``urgent``): the ``acute``
            probability from which the message counts as a report. Emergencies (chest,
            stroke, collapse, head injury, breathing) get the lower one: recall first.
        meta: Training facts (data fingerprint, counts, cross-validated figures).
    """

    category: LinearModel
    kind: LinearModel
    thresholds: dict[str, float]
    meta: dict[str, Any]

    def save(self, path: Path) -> None:
        """Write the weights as a numpy archive (no pickles)."""
        np.savez_compressed(
            path,
            **self.category.arrays("category_"),
            **self.kind.arrays("kind_"),
            thresholds=np.array(json.dumps(self.thresholds, sort_keys=True)),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
        )

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> ClassifierWeights:
        """Read weights written by :meth:`save`.

        Raises:
            ValueError: If the file lacks a model or its shapes do not fit together.
        """
        with np.load(path, allow_pickle=False) as data:
            try:
                category = LinearModel.from_arrays(data, "category_")
                kind = LinearModel.from_arrays(data, "kind_")
                thresholds = {
                    str(k): float(v) for k, v in json.loads(str(data["thresholds"])).items()
                }
                meta = json.loads(str(data["meta"]))
            except KeyError as error:
                raise ValueError(f"{path.name}: missing {error}") from None
        for model in (category, kind):
            if model.coef.shape != (len(model.labels), category.coef.shape[1]):
                raise ValueError(f"{path.name}: weights do not match their labels")
        if ACUTE not in category.labels:
            raise ValueError(f"{path.name}: no '{ACUTE}' category")
        if set(thresholds) != {"emergency", "urgent"}:
            raise ValueError(f"{path.name}: thresholds must be for emergency and urgent")
        return cls(category, kind, thresholds, meta)


class SafetyClassifier:
    """Reads messages with the trained models."""

    def __init__(self, embedder: SentenceEmbedder, weights: ClassifierWeights) -> None:
        """Use ``embedder`` for the vectors and ``weights`` for the models."""
        self.embedder = embedder
        self.weights = weights
        self._acute = weights.category.labels.index(ACUTE)

    @property
    def thresholds(self) -> dict[str, float]:
        """By severity: the ``acute`` probability from which a message counts as a report."""
        return self.weights.thresholds

    def read(self, text: str) -> Reading:
        """How ``text`` reads as a whole."""
        vector = self.embedder.embed([text])
        categories = self.weights.category.probabilities(vector)[0]
        kinds = self.weights.kind.probabilities(vector)[0]
        best_kind = int(kinds.argmax())
        return Reading(
            acute=float(categories[self._acute]),
            category=self.weights.category.labels[int(categories.argmax())],
            kind=self.weights.kind.labels[best_kind],
            kind_probability=float(kinds[best_kind]),
        )


@lru_cache(maxsize=1)
def default_classifier() -> SafetyClassifier:
    """The packaged classifier, loaded once per process on first use."""
    return SafetyClassifier(default_embedder(), ClassifierWeights.load())
