"""The evidence catalogue matches the FAQ answers, the NLU data and the fact sheet's levels."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from bot.evidence import LEVEL_LABELS, default_topics, evidence_message, load_topics, topic_key
from bot.nlp.evaluation import load_messages


def faq_keys_in_domain(root: Path) -> set[str]:
    domain = yaml.safe_load((root / "domain.yml").read_text())
    return {topic_key(name) for name in domain["responses"] if name.startswith("utter_faq/")}


def test_every_faq_answer_has_evidence_and_vice_versa(project_root: Path) -> None:
    assert faq_keys_in_domain(project_root) == set(default_topics())


def test_every_faq_key_has_training_data(project_root: Path) -> None:
    examples = load_data(str(project_root / "data/nlu")).training_examples
    keys = {topic_key(m.get_full_intent()) for m in examples if m.get("intent") == "faq"}
    assert keys == set(default_topics())


@pytest.mark.parametrize("folders", [("nlu_dev", "nlu_dev2"), ("nlu_test", "nlu_test2")])
def test_every_faq_key_has_held_out_data(project_root: Path, folders: tuple[str, ...]) -> None:
    """The first sets cover the first topics; the second sets were written for all of them."""
    keys = {
        topic_key(message.label)
        for folder in folders
        for message in load_messages(project_root / "tests" / "data" / folder)
        if message.label.startswith("faq/")
    }
    assert keys == set(default_topics())


def test_topics_are_well_formed() -> None:
    for topic in default_topics().values():
        assert topic.evidence.level in LEVEL_LABELS
        assert 0 < len(topic.title) <= 30
        assert topic.question.endswith("?")
        assert topic.evidence.sources


def test_unsupported_claims_are_marked_as_such() -> None:
    topics = default_topics()
    for key in ("benefits_posture", "benefits_hips"):
        assert topics[key].evidence.level == "none"
    assert topics["benefits_brain"].evidence.level == "mixed"


def test_evidence_message_has_level_summary_and_sources() -> None:
    topic = default_topics()["benefits_knees"]
    message = evidence_message(topic)
    assert message.startswith(LEVEL_LABELS[topic.evidence.level])
    assert topic.evidence.summary in message
    assert all(source in message for source in topic.evidence.sources)


def test_unknown_level_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "topics.yml"
    bad.write_text(
        "topics:\n  x:\n    title: X\n    question: X?\n"
        "    evidence: {level: proven, summary: s, sources: [a]}\n"
    )
    with pytest.raises(ValueError, match="unknown level"):
        load_topics(bad)
