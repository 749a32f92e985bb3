"""Unit tests of the trained half of the safety assessment: the embedder, the classifier's
weights, and how its reading is combined with the lexicon's (``with_reading``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.nlp.embedding import EmbedderFiles, EmbeddingModelError, SentenceEmbedder
from bot.safety.assessment import assess, assess_rules, with_reading
from bot.safety.classifier import WEIGHTS_PATH, ClassifierWeights, Reading, default_classifier
from tests.support.scripts import check_weights

THRESHOLDS = {"emergency": 0.3, "urgent": 0.6}


def reading(acute: float, kind: str) -> Reading:
    return Reading(acute=acute, category="acute", kind=kind, kind_probability=0.9)


def test_the_weights_were_trained_on_todays_data() -> None:
    result = check_weights("train_safety_classifier.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_weights_load_with_both_thresholds() -> None:
    weights = ClassifierWeights.load()
    assert set(weights.thresholds) == {"emergency", "urgent"}
    assert "acute" in weights.category.labels and "chest" in weights.kind.labels
    assert weights.category.coef.shape == (len(weights.category.labels), 384)


def test_weights_round_trip_and_bad_files_are_refused(tmp_path: Path) -> None:
    weights = ClassifierWeights.load()
    path = tmp_path / "w.npz"
    weights.save(path)
    again = ClassifierWeights.load(path)
    assert again.thresholds == weights.thresholds and again.meta == weights.meta
    np.testing.assert_array_equal(again.kind.coef, weights.kind.coef)
    broken = tmp_path / "broken.npz"
    np.savez(broken, category_labels=np.array(["acute"]))
    with pytest.raises(ValueError, match="missing"):
        ClassifierWeights.load(broken)


def test_the_embedder_checks_its_model_file(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    with pytest.raises(EmbeddingModelError, match="sha256"):
        SentenceEmbedder(EmbedderFiles(model=fake))
    with pytest.raises(EmbeddingModelError, match="not found"):
        SentenceEmbedder(EmbedderFiles(model=tmp_path / "missing.onnx"))


def test_embeddings_are_unit_vectors_that_group_meaning() -> None:
    embedder = default_classifier().embedder
    a, b, c, empty = embedder.embed(
        [
            "I can't breathe",
            "the air won't go in, I'm suffocating",
            "what are the benefits of walking backwards",
            "",
        ]
    )
    assert np.linalg.norm(a) == pytest.approx(1.0, abs=1e-5)
    assert float(a @ b) > float(a @ c) + 0.3
    assert not empty.any()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("my heart is running like a horse and I'm only standing", "heart_rhythm"),
    ],
)
def test_the_classifier_reads_reports_no_pattern_foresaw(text: str, kind: str) -> None:
    assert assess_rules(text, "walking").acute is None
    flag = assess(text, "walking").acute
    assert flag is not None and flag.kind == kind and flag.who == "self"


def test_a_plain_question_is_not_read_as_a_report() -> None:
    result = default_classifier().read("what are the benefits of walking backwards?")
    assert result.acute < 0.2 and result.category != "acute"


def test_thresholds_go_by_the_severity_of_the_kind() -> None:
    text = "something is wrong"
    rules = assess_rules(text, "walking")
    assert with_reading(rules, text, reading(0.4, "chest"), THRESHOLDS).acute is not None
    assert with_reading(rules, text, reading(0.4, "dizziness"), THRESHOLDS).acute is None
    flag = with_reading(rules, text, reading(0.7, "dizziness"), THRESHOLDS).acute
    assert flag is not None and flag.severity == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "probably the park",
        "Actually stop for now, the grandchildren have just arrived",
        "In the hallway, holding the dado rail.",
        "How do I get you to forget everything about me?",
    ],
)
def test_a_message_about_nothing_of_the_body_is_never_stopped_by_the_classifier(
    text: str,
) -> None:
    rules = assess_rules(text)
    assert rules.acute is None
    assert with_reading(rules, text, reading(0.99, "fainting"), THRESHOLDS).acute is None


@pytest.mark.parametrize(
    "text",
    [
        "the air just won't go in",
        "everything is going grey and tunnelly",
        "grandad has slumped over and isn't answering",
        "the room won't stop going round",
        "baby hasn't kicked all day",
    ],
)
def test_reports_in_words_no_pattern_foresaw_still_reach_the_classifier(text: str) -> None:
    rules = replace(assess_rules(text), acute=None)
    assert with_reading(rules, text, reading(0.99, "unwell"), THRESHOLDS).acute is not None


def test_the_lexicons_calm_readings_stand() -> None:
    asked = assess_rules("is chest pain a reason to stop?")
    assert with_reading(asked, "q", reading(0.99, "chest"), THRESHOLDS).acute is None
    past = assess_rules("I fainted once ten years ago")
    assert with_reading(past, "p", reading(0.99, "fainting"), THRESHOLDS).acute is None
    figure = assess_rules("I fell asleep after my walk")
    text = "I fell asleep after my walk"
    assert with_reading(figure, text, reading(0.99, "fainting"), THRESHOLDS).acute is None


def test_a_denied_sign_does_not_hide_another() -> None:
    text = "she's on the floor, she didn't bang her head, and I can't lift her"
    rules = replace(assess_rules(text), acute=None)
    assert any(m.status == "negated" and m.kind == "head_injury" for m in rules.mentions)
    flag = with_reading(rules, text, reading(0.9, "fall"), THRESHOLDS).acute
    assert flag is not None and flag.kind == "fall" and flag.who == "other"
    assert with_reading(rules, text, reading(0.9, "head_injury"), THRESHOLDS).acute is None


def test_the_weights_file_is_small() -> None:
    assert WEIGHTS_PATH.stat().st_size < 200_000


@pytest.mark.parametrize(
    "text",
    ["once saw stars getting out of a hot bath", "legs went heavy last week but recovered quick"],
)
def test_a_message_told_as_past_is_not_stopped_by_the_classifier(text: str) -> None:
    rules = assess_rules(text)
    assert rules.acute is None
    assert with_reading(rules, text, reading(0.99, "fainting"), THRESHOLDS).acute is None
    now = text + " and it's happening again right now"
    assert with_reading(assess_rules(now), now, reading(0.99, "fainting"), THRESHOLDS).acute
