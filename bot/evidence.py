"""The evidence catalogue: for each FAQ topic, how strong the evidence is and its sources.

Plain Python with no Rasa import. The catalogue lives in ``bot/content/faq_topics.yml``,
keyed by the FAQ sub-intent (``faq/<key>``), and is traceable to the fact sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

TOPICS_PATH = Path(__file__).parent / "content" / "faq_topics.yml"

LEVEL_LABELS: dict[str, str] = {
    "strong": "Good evidence: several randomized trials or meta-analyses.",
    "moderate": "Some evidence: a few small randomized trials.",
    "limited": "Limited evidence: small pilot or lab studies only.",
    "mixed": "Mixed evidence: studies disagree.",
    "none": "No direct evidence: I found no study showing this.",
    "expert": "Practical advice from physical therapists and safety guidance, not something "
    "trials test.",
}


@dataclass(frozen=True)
class Evidence:
    """How well a topic's answer is supported.

    Attributes:
        level: One of the keys of ``LEVEL_LABELS``.
        summary: What is shown and what is not, in plain words.
        sources: Short citations.
    """

    level: str
    summary: str
    sources: tuple[str, ...]

    @property
    def label(self) -> str:
        """The plain-words label of the evidence level."""
        return LEVEL_LABELS[self.level]


@dataclass(frozen=True)
class Topic:
    """One FAQ topic.

    Attributes:
        key: The FAQ key (``benefits_balance`` for ``faq/benefits_balance``).
        title: A short title for buttons.
        question: A canonical question a person would type for this topic.
        evidence: The evidence behind the answer.
    """

    key: str
    title: str
    question: str
    evidence: Evidence


def load_topics(path: Path = TOPICS_PATH) -> dict[str, Topic]:
    """Parse the evidence catalogue.

    Args:
        path: The YAML file to read.

    Returns:
        Topics by key.

    Raises:
        ValueError: If a topic has an unknown evidence level or no sources.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics: dict[str, Topic] = {}
    for key, entry in raw["topics"].items():
        evidence = entry["evidence"]
        if evidence["level"] not in LEVEL_LABELS:
            raise ValueError(f"{path}: topic {key!r} has unknown level {evidence['level']!r}")
        sources = tuple(str(s) for s in evidence.get("sources") or ())
        if not sources:
            raise ValueError(f"{path}: topic {key!r} has no sources")
        topics[key] = Topic(
            key=key,
            title=str(entry["title"]),
            question=str(entry["question"]),
            evidence=Evidence(
                level=evidence["level"],
                summary=" ".join(str(evidence["summary"]).split()),
                sources=sources,
            ),
        )
    return topics


@lru_cache(maxsize=1)
def default_topics() -> dict[str, Topic]:
    """The packaged catalogue, parsed once per process on first use."""
    return load_topics()


def topic_key(retrieval_intent: str) -> str:
    """Strip the retrieval intent prefix: ``faq/benefits_balance`` -> ``benefits_balance``."""
    return retrieval_intent.split("/", 1)[-1]


def evidence_message(topic: Topic) -> str:
    """Explain the evidence behind a topic's answer in plain words.

    Args:
        topic: The topic that was last answered.

    Returns:
        The level, what is (and isn't) shown, and the sources.
    """
    sources = "; ".join(topic.evidence.sources)
    return f"{topic.evidence.label} {topic.evidence.summary} Sources: {sources}."


NO_TOPIC_MESSAGE = (
    "Happy to show my sources! Ask me a question first, for example about balance or "
    'knees, then ask "Is that proven?" and I\'ll tell you the study behind the answer.'
)
