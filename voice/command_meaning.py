"""Walk commands read by meaning: for wording the command grammar has no phrase for.

"Hang fire a sec, I'm grabbing some water", "let's crack on", "give this one a miss", "what's
left on the clock": the grammar of :mod:`voice.commands` cannot list every idiom. This reader
embeds the utterance (:mod:`bot.nlp.embedding`, the bot's own sentence embedder) and reads it
with a linear model over the six commands and ``none`` (anything else: questions, remarks,
talk to companions), trained by ``scripts/train_command_meaning.py`` on the command phrases,
the command development sets, the NLU training data (all ``none``) and
``voice/content/not_commands.yml``. A command is taken only when its probability reaches the
trained threshold; :func:`voice.commands.parse_command` asks this reader only when the
grammar found nothing, and still sends questions and symptoms to the bot.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.nlp.embedding import EmbeddingModelError, SentenceEmbedder, default_embedder
from bot.nlp.linear_model import LinearModel

logger = logging.getLogger(__name__)
WEIGHTS_PATH = Path(__file__).resolve().parent / "content" / "command_meaning.npz"
NONE = "none"


@dataclass(frozen=True)
class CommandWeights:
    """The model, its threshold and what it was trained on.

    Attributes:
        model: The linear model over the commands' values and ``none``.
        threshold: The probability from which a command is taken.
        meta: Training facts (data fingerprint, counts).
    """

    model: LinearModel
    threshold: float
    meta: dict[str, Any]

    def save(self, path: Path) -> None:
        """Write the weights as a numpy archive (no pickles)."""
        np.savez_compressed(
            path,
            **self.model.arrays(),
            threshold=np.array(self.threshold),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
        )

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> CommandWeights:
        """Read weights written by :meth:`save`.

        Raises:
            ValueError: If a part is missing, the shapes do not fit or ``none`` is no label.
        """
        with np.load(path, allow_pickle=False) as data:
            try:
                model = LinearModel.from_arrays(data)
                threshold = float(data["threshold"])
                meta = json.loads(str(data["meta"]))
            except KeyError as error:
                raise ValueError(f"{path.name}: missing {error}") from None
        if model.coef.shape[0] != len(model.labels) or model.intercept.shape != (
            len(model.labels),
        ):
            raise ValueError(f"{path.name}: weights do not match their labels")
        if NONE not in model.labels:
            raise ValueError(f"{path.name}: no '{NONE}' label")
        return cls(model, threshold, meta)


class CommandMeaning:
    """Reads an utterance as one of the commands' values, or None."""

    def __init__(self, embedder: SentenceEmbedder, weights: CommandWeights) -> None:
        """Use ``embedder`` for the vectors and ``weights`` for the model."""
        self._embedder = embedder
        self._weights = weights

    def read(self, text: str) -> str | None:
        """The command value (``"pause"``...) ``text`` means, or None when unsure or none."""
        if not text.strip():
            return None
        probabilities = self._weights.model.probabilities(self._embedder.embed([text]))[0]
        best = int(probabilities.argmax())
        label = self._weights.model.labels[best]
        if label == NONE or probabilities[best] < self._weights.threshold:
            return None
        return label


@lru_cache(maxsize=1)
def default_command_meaning() -> CommandMeaning | None:
    """The packaged reader, loaded once per process (the embedder takes about a second).

    None, logged once, when the embedding model or the weights cannot be loaded (a broken
    install): the walk goes on and the grammar alone reads commands.
    """
    try:
        return CommandMeaning(default_embedder(), CommandWeights.load(WEIGHTS_PATH))
    except (ImportError, OSError, ValueError, EmbeddingModelError) as error:
        logger.warning("walk commands are read by their phrases only: %s", error)
        return None
