"""The meaning stage of understanding: what a message asks for, read from its sentence
embedding, combined with the learned intent classifier, with an honest "not sure".

Plain Python with no Rasa import (the Rasa component is
:mod:`bot.rasa_adapters.meaning_stage`).

Labels are intents ("start_plan", "log_walk") and FAQ answers ("faq/treadmill"). A softmax
linear model over the MiniLM sentence embedding (:mod:`bot.nlp.embedding`) gives each label a
probability; it generalises to wording the training data never had, where the intent
classifier (DIET, word and character n-grams) is sure of itself on wrong answers. The two
are mixed, the classifier with a small weight (``classifier_weight``), and the top label is
used only when it is clear enough (``threshold`` and ``margin``, calibrated on the
development sets by ``scripts/calibrate_meaning.py``); otherwise the coach says it is not
sure and offers the closest labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.nlp.linear_model import LinearModel

FAQ_PREFIX = "faq/"
# Intents whose messages go to the same reading of the profile: the plan request, an answer
# to a plan question and a change of the profile all parse the message's answers, and a
# plan request among them starts the questions (actions.profile.wants_plan).
SAME_HANDLING: tuple[frozenset[str], ...] = (frozenset({"start_plan", "inform", "edit_profile"}),)


@dataclass(frozen=True)
class MeaningModel(LinearModel):
    """The label model: one softmax row per label, saved as ``.npz``."""

    def save(self, path: Path) -> None:
        """Write the model as a NumPy ``.npz`` file."""
        np.savez(path, **self.arrays())

    @classmethod
    def load(cls, path: Path) -> MeaningModel:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            return cls.from_arrays(data)


def fit(x: npt.NDArray[np.float32], labels: Sequence[str], c: float) -> MeaningModel:
    """Train the label model: an L2-regularised multinomial logistic regression.

    Args:
        x: One unit-length embedding per training example.
        labels: Each example's label.
        c: Inverse regularisation strength (larger: fits the training data more closely).
    """
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(x, list(labels))
    return MeaningModel(
        tuple(str(label) for label in model.classes_),
        np.asarray(model.coef_, dtype=np.float64),
        np.asarray(model.intercept_, dtype=np.float64),
    )


def classifier_distribution(
    intents: Iterable[tuple[str, float]],
    faq_answers: Iterable[tuple[str, float]],
    meaning: Mapping[str, float],
) -> dict[str, float]:
    """The intent classifier's reading as a distribution over labels.

    Args:
        intents: (intent, confidence) from the intent classifier; ``faq`` is split over
            the answers.
        faq_answers: ("faq/<key>", confidence) from the response selector, when it ran.
        meaning: The meaning model's label probabilities, used to split ``faq`` over its
            answers when the response selector did not run.
    """
    answers = list(faq_answers)
    if not answers:
        faq_total = sum(p for label, p in meaning.items() if label.startswith(FAQ_PREFIX))
        answers = [
            (label, p / faq_total)
            for label, p in meaning.items()
            if label.startswith(FAQ_PREFIX) and faq_total > 0
        ]
    result: dict[str, float] = {}
    for intent, confidence in intents:
        if intent == "faq":
            for answer, share in answers:
                result[answer] = result.get(answer, 0.0) + confidence * share
        else:
            result[intent] = result.get(intent, 0.0) + confidence
    return result


def combine(
    classifier: Mapping[str, float], meaning: Mapping[str, float], classifier_weight: float
) -> list[tuple[str, float]]:
    """Mix the two readings; labels ranked best first.

    Args:
        classifier: :func:`classifier_distribution`'s result.
        meaning: The meaning model's label probabilities.
        classifier_weight: The classifier's share, 0 to 1.
    """
    labels = set(classifier) | set(meaning)
    mixed = {
        label: classifier_weight * classifier.get(label, 0.0)
        + (1.0 - classifier_weight) * meaning.get(label, 0.0)
        for label in labels
    }
    return sorted(mixed.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class Decision:
    """What to act on.

    Attributes:
        label: The label to act on, or None when the coach should say it is not sure.
        ranking: Every label with its mixed probability, best first.
    """

    label: str | None
    ranking: tuple[tuple[str, float], ...]

    @property
    def confidence(self) -> float:
        """The top label's mixed probability."""
        return self.ranking[0][1] if self.ranking else 0.0


def decide(ranking: Sequence[tuple[str, float]], threshold: float, margin: float) -> Decision:
    """Act on the top label only when it is clear: probability and lead over the next.

    When the top two labels are ones the coach handles the same way (:data:`SAME_HANDLING`),
    they count together against the next: torn between a plan request and a plan answer
    ("plan pls. 34, done it a few times"), the message is about the profile and the plan
    either way, and the action that runs reads it whole.

    Args:
        ranking: :func:`combine`'s result.
        threshold: Least probability of the top label.
        margin: Least lead of the top label over the second.
    """
    if not ranking:
        return Decision(None, ())
    label = ranking[0][0]
    runner_up = ranking[1][0] if len(ranking) > 1 else None
    kin = next(
        (group for group in SAME_HANDLING if label in group and runner_up in group),
        frozenset({label}),
    )
    top = sum(p for other, p in ranking if other in kin)
    second = next((p for other, p in ranking if other not in kin), 0.0)
    clear = top >= threshold and top - second >= margin
    return Decision(label if clear else None, tuple(ranking))


# What a user asks the coach to do, as opposed to asking about retro walking.
REQUESTS: frozenset[str] = frozenset(
    {"start_plan", "show_plan", "todays_session", "show_profile", "ask_calories", "ask_progress"}
    # a yes or no with a remark: "Yes. I said all of it."
    | {"affirm", "deny"}
)
# Sentence ends, and ", so" / ", but" before a new clause ("..., so fine, I'd like a plan").
_CLAUSE_BREAK = re.compile(r"(?<=[.!;?])\s+|,\s+(?=(?:so|but|anyway)\b)", re.IGNORECASE)


_YES_WORDS = r"(?:yes|yeah|yep|yup|aye|ja|sure|ok(?:ay)?)"
_YES_NO_WORDS = rf"(?:{_YES_WORDS}|no|nope|nah)"
# A one-word answer is a clause of its own: "Yes. I said all of it."
_YES_OR_NO = re.compile(rf"^{_YES_NO_WORDS}\W*$", re.IGNORECASE)
# A clause that answers yes or no opens with the word ("Yep, that's all of it", "Ja, yes").
_OPENS_WITH_YES_OR_NO = re.compile(rf"^\W*(?:{_YES_NO_WORDS}\W+)*{_YES_NO_WORDS}\b", re.I)
# "Ja, yes, delete it": the yes before the comma is a clause of its own.
_LEADING_YES_OR_NO = re.compile(rf"^\W*(?:{_YES_NO_WORDS}[,.!]\s*)+", re.IGNORECASE)
_YES_OR_NO_INTENTS = frozenset({"affirm", "deny"})


_YES = re.compile(rf"^{_YES_WORDS}$", re.IGNORECASE)


def yes_or_no_opening(text: str) -> bool | None:
    """True when a message opens with a yes ("Ja, yes, delete it"), False with a no ("nope,
    keep it"), None otherwise (also when it opens with both)."""
    lead = _LEADING_YES_OR_NO.match(text) or _YES_OR_NO.match(text.strip())
    if lead is None:
        return None
    words = set(re.findall(r"[a-z]+", lead.group().lower()))
    yes = any(_YES.match(word) for word in words)
    no = any(not _YES.match(word) for word in words)
    return None if yes == no else yes


def clauses(text: str) -> list[str]:
    """A message's sentences and clauses, when it has more than one (else empty)."""
    lead = _LEADING_YES_OR_NO.match(text)
    split = [lead.group(), text[lead.end() :]] if lead and lead.end() < len(text) else [text]
    parts = [part.strip(" ,") for piece in split for part in _CLAUSE_BREAK.split(piece)]
    parts = [part for part in parts if len(part.split()) >= 2 or _YES_OR_NO.match(part)]
    return parts if len(parts) > 1 else []


def request_in_clauses(
    model: LinearModel,
    parts: Sequence[str],
    vectors: npt.NDArray[np.float32],
    ranking: Sequence[tuple[str, float]],
    threshold: float,
) -> str | None:
    """The request one clause of an unclear message makes clearly.

    "My daughter keeps saying I should try this backwards walking thing, so fine, I'd like a
    plan. I'm around 45, ...": read whole, the story and the answers blur the request; read
    alone, one clause asks for a plan. Taken only when exactly one request is clear in a
    clause, no clause clearly asks anything else (an FAQ question or another request: then
    the coach stays unsure), and the whole message ranks that request among its top three.
    A yes or a no counts only from a clause that opens with it ("Yes. I said all of it."),
    never from a question or a remark that merely sounds agreeable ("Hold on now, is it
    alright to do this in this heat?").

    Args:
        model: The meaning model.
        parts: The clauses (:func:`clauses`).
        vectors: One sentence embedding per clause.
        ranking: The whole message's mixed ranking (:func:`combine`).
        threshold: Least probability for a clause's reading to count as clear.

    Returns:
        The request intent, or None.
    """
    clear: set[str] = set()
    for part, row in zip(parts, model.probabilities(vectors), strict=True):
        best = int(np.argmax(row))
        label = model.labels[best]
        if label in _YES_OR_NO_INTENTS and not _OPENS_WITH_YES_OR_NO.match(part):
            continue
        if float(row[best]) >= threshold:
            clear.add(label)
    requests = clear & REQUESTS
    asks_too = any(label.startswith(FAQ_PREFIX) for label in clear)
    top = {label for label, _ in ranking[:3]}
    if len(requests) != 1 or asks_too:
        return None
    request = next(iter(requests))
    return request if request in top else None


def faq_asked(
    model: LinearModel, vector: npt.NDArray[np.float32], threshold: float, margin: float
) -> tuple[str, float] | None:
    """The FAQ answer a question asks for, read by meaning alone, when it is clear.

    For the question a message asks besides its answer ("No health issues. Should I look
    over my shoulder?"): the intent classifier read the whole message, so only the meaning
    model reads the question part.

    Args:
        model: The meaning model.
        vector: The question's sentence embedding.
        threshold: Least probability of the top label.
        margin: Least lead of the top label over the second.

    Returns:
        ``(label, probability)`` when the clear top label is an FAQ answer; otherwise None.
    """
    probabilities = model.probabilities(vector.reshape(1, -1))[0]
    ranking = sorted(
        zip(model.labels, (float(p) for p in probabilities), strict=True),
        key=lambda item: (-item[1], item[0]),
    )
    decision = decide(ranking, threshold, margin)
    if decision.label is None or not decision.label.startswith(FAQ_PREFIX):
        return None
    return decision.label, decision.confidence
