"""The meaning stage's logic: mixing readings, deciding or saying "not sure", the model file,
and the held-out scoring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.nlp import meaning
from bot.nlp.evaluation import LabelledMessage, load_messages, predicted_label, score


def test_faq_is_split_over_the_selector_answers_or_the_meaning_readings() -> None:
    by_meaning = {"faq/treadmill": 0.6, "faq/speed": 0.2, "greet": 0.2}
    with_selector = meaning.classifier_distribution(
        [("faq", 0.8), ("greet", 0.2)], [("faq/speed", 1.0)], by_meaning
    )
    assert with_selector == {"faq/speed": 0.8, "greet": 0.2}
    without = meaning.classifier_distribution([("faq", 1.0)], [], by_meaning)
    assert without["faq/treadmill"] == pytest.approx(0.75)
    assert without["faq/speed"] == pytest.approx(0.25)


def test_a_sure_but_wrong_classifier_is_outweighed() -> None:
    classifier = {"faq/benefits_muscles": 1.0}
    by_meaning = {"faq/cardio_heart_rate": 0.9, "faq/benefits_muscles": 0.1}
    ranking = meaning.combine(classifier, by_meaning, classifier_weight=0.3)
    assert ranking[0][0] == "faq/cardio_heart_rate"
    assert meaning.decide(ranking, threshold=0.15, margin=0.1).label == "faq/cardio_heart_rate"


def test_close_readings_are_not_sure() -> None:
    ranking = [("faq/soreness", 0.45), ("faq/shin_calf_burn", 0.4)]
    decision = meaning.decide(ranking, threshold=0.15, margin=0.1)
    assert decision.label is None and decision.confidence == 0.45
    assert meaning.decide([], 0.1, 0.1).label is None


def test_the_model_round_trips_and_fits(tmp_path: Path) -> None:
    x = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
    model = meaning.fit(x, ["a", "a", "b", "b"], c=10.0)
    model.save(tmp_path / "m.npz")
    loaded = meaning.MeaningModel.load(tmp_path / "m.npz")
    assert loaded.labels == ("a", "b")
    p = loaded.probabilities(np.array([[1, 0]], dtype=np.float32))[0]
    assert p[0] > 0.5 and np.isclose(p.sum(), 1.0)


def test_scoring_separates_right_unsure_and_wrong(tmp_path: Path) -> None:
    (tmp_path / "w.yml").write_text(
        "writer: w\nitems:\n  - {text: a, label: faq/x}\n  - {text: b, label: greet}\n"
        "  - {text: c, label: faq/y}\n"
    )
    (tmp_path / "r.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - hi [70](age)\n")
    messages = load_messages(tmp_path)
    assert messages[0] == LabelledMessage("hi 70", "greet", "r")
    parses = [
        {"intent": {"name": "greet"}},
        {
            "intent": {"name": "faq"},
            "response_selector": {"faq": {"response": {"intent_response_key": "faq/x"}}},
        },
        {"intent": {"name": "help"}},
        {"intent": {"name": "nlu_fallback"}},
    ]
    tallies = score(messages, [predicted_label(p) for p in parses], new_topics=["faq/y"])
    assert (tallies["all"].right, tallies["all"].wrong, tallies["all"].unsure) == (2, 1, 1)
    assert tallies["faq (new topics)"].unsure == 1


def test_a_plan_request_and_a_plan_answer_count_together() -> None:
    ranking = [("start_plan", 0.36), ("inform", 0.32), ("edit_profile", 0.14), ("faq/x", 0.1)]
    assert meaning.decide(ranking, threshold=0.15, margin=0.1).label == "start_plan"


def test_kin_labels_count_together_only_when_they_are_the_top_two() -> None:
    ranking = [("inform", 0.4), ("faq/benefits_general", 0.35), ("edit_profile", 0.2)]
    assert meaning.decide(ranking, threshold=0.15, margin=0.1).label is None
    unrelated = [("greet", 0.4), ("thanks", 0.35)]
    assert meaning.decide(unrelated, threshold=0.15, margin=0.1).label is None


def test_the_question_part_is_answered_only_with_a_clear_faq() -> None:
    x = np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0.9, 0.1], [0, 0, 1], [0.1, 0, 0.9]])
    labels = ["faq/footwear", "faq/footwear", "inform", "inform", "faq/safety", "faq/safety"]
    model = meaning.fit(x.astype(np.float32), labels, c=10.0)
    shoes = np.array([1, 0, 0], dtype=np.float32)
    found = meaning.faq_asked(model, shoes, threshold=0.15, margin=0.1)
    assert found is not None and found[0] == "faq/footwear" and found[1] > 0.5
    answer = np.array([0, 1, 0], dtype=np.float32)  # reads as an answer, not a question
    assert meaning.faq_asked(model, answer, threshold=0.15, margin=0.1) is None
    torn = np.array([0.7, 0, 0.7], dtype=np.float32)  # two answers as likely: not sure
    assert meaning.faq_asked(model, torn, threshold=0.15, margin=0.1) is None


def test_a_message_is_split_into_clauses_only_when_it_has_several() -> None:
    text = "My daughter says I should try it, so fine, I'd like a plan. I'm around 45"
    assert meaning.clauses(text) == [
        "My daughter says I should try it",
        "so fine, I'd like a plan.",
        "I'm around 45",
    ]
    assert meaning.clauses("make me a plan please") == []
    assert meaning.clauses("plan. ok") == []  # one-word parts are no clauses
    # ...except a yes or a no, the answer to a yes-or-no question
    assert meaning.clauses("Yes. I said all of it.") == ["Yes.", "I said all of it."]
    assert meaning.clauses("Ja, yes, delete it") == ["Ja, yes", "delete it"]
    assert "affirm" in meaning.REQUESTS and "deny" in meaning.REQUESTS


def test_a_yes_or_no_is_taken_only_from_a_clause_that_opens_with_it() -> None:
    x = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]])
    labels = ["affirm", "affirm", "faq/weather", "faq/weather"]
    model = meaning.fit(x.astype(np.float32), labels, c=10.0)
    ranking = [("faq/weather", 0.39), ("affirm", 0.36)]
    agreeable, remark = (np.array(v, dtype=np.float32) for v in ([1, 0], [0.5, 0.5]))
    vectors = np.stack([agreeable, remark])
    question = ["Hold on now, is it alright to do this in this heat?", "It's hot out there."]
    assert meaning.request_in_clauses(model, question, vectors, ranking, 0.6) is None
    answer = ["Yep, that's right.", "I said all of it."]
    assert meaning.request_in_clauses(model, answer, vectors, ranking, 0.6) == "affirm"


def test_a_request_clear_in_one_clause_is_taken_only_alone() -> None:
    x = np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0.9, 0.1], [0, 0, 1], [0.1, 0, 0.9]])
    labels = ["start_plan", "start_plan", "inform", "inform", "faq/safety", "faq/safety"]
    model = meaning.fit(x.astype(np.float32), labels, c=10.0)
    ranking = [("faq/safety", 0.3), ("start_plan", 0.25), ("inform", 0.2)]
    plan, answer, question = (np.array(v, dtype=np.float32) for v in np.eye(3))
    story = np.array([0.4, 0.3, 0.3], dtype=np.float32)  # no clear reading
    texts = ["My daughter says I should", "so I'd like a plan", "I'm 45"]
    found = meaning.request_in_clauses(model, texts, np.stack([story, plan, answer]), ranking, 0.6)
    assert found == "start_plan"
    # A clause that clearly asks a question too: still not sure.
    both = np.stack([plan, question])
    assert meaning.request_in_clauses(model, texts[1:], both, ranking, 0.6) is None
    # The whole message does not rank the request among its top three.
    far = [("faq/safety", 0.5), ("inform", 0.3), ("faq/other", 0.1), ("start_plan", 0.05)]
    assert meaning.request_in_clauses(model, texts[:2], np.stack([story, plan]), far, 0.6) is None
    # The request clause not clear enough.
    assert (
        meaning.request_in_clauses(model, texts[:2], np.stack([story, plan]), ranking, 0.999)
        is None
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Ja, yes, delete it", True),
        ("yes", True),
        ("nope, keep it", False),
        ("No. Not today.", False),
        ("hold on, is it safe?", None),
        ("yes, no, maybe", None),
    ],
)
def test_a_yes_or_no_opening_a_message(text: str, said: bool | None) -> None:
    assert meaning.yes_or_no_opening(text) is said
