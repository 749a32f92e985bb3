"""Rule-based spaCy pipeline of RetroWalk Coach (no statistical model, no download).

The pipeline is ``spacy.blank("en")`` + ``entity_ruler`` (patterns in ``patterns/*.jsonl``) +
``retrowalk_quantities`` (:mod:`bot.nlp.components`). ``python -m bot.nlp.build`` packages it
and installs it into the running interpreter, after which ``spacy.load("en_retrowalk")``
works from any working directory (Rasa: ``model: en_retrowalk`` under ``SpacyNLP``).

Entity conventions (read ``doc.ents``):

* Vocabulary labels ``body_part``, ``condition``, ``symptom``, ``place``: ``ent.ent_id_`` is
  the canonical value ("knee", "knee osteoarthritis", "dizziness", "treadmill");
  ``ent._.side`` gives "left"/"right"/"both" when the span names a side ("left knee").
* Quantity labels ``duration``, ``weight``, ``age``, ``speed``, ``incline``:
  ``ent._.quantity`` is a :class:`bot.nlp.quantities.kinds.Quantity` (value in min, kg, years, mph,
  % grade) and ``ent.ent_id_`` its canonical string ("30 min").

Importing this package does not import spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.nlp.quantities.kinds import KINDS

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["PACKAGE_NAME", "QUANTITY_LABELS", "VOCAB_LABELS", "load"]

#: The installed spaCy package name (``spacy.load(PACKAGE_NAME)``).
PACKAGE_NAME = "en_retrowalk"
#: Labels set by the entity ruler from ``patterns/*.jsonl``.
VOCAB_LABELS: tuple[str, ...] = ("body_part", "condition", "symptom", "place")
#: Labels set by the ``retrowalk_quantities`` component.
QUANTITY_LABELS: tuple[str, ...] = KINDS


def load() -> Language:
    """Load the installed pipeline (build it first with ``python -m bot.nlp.build``).

    Returns:
        The loaded ``en_retrowalk`` pipeline.
    """
    import spacy

    return spacy.load(PACKAGE_NAME)
