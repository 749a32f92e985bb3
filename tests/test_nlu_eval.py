"""NLU evaluation on data that is never trained on.

- ``tests/data/nlu_test/``: the test set, written independently of the training data
  (its author never saw data/ or the development set). The reported figure.
- ``tests/data/nlu_dev/``: the development set, used while improving the training data
  (its errors were looked at, so it is no longer a clean measure).

The goal is intent macro F1 >= 0.95 on the test set; the assertion is a regression floor.
Reports are kept in ``artifacts/nlu-test/`` and ``artifacts/nlu-dev/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.nlp.evaluation import LabelledMessage, load_messages, predicted_label, report, score
from tests.conftest import LiveCoach
from tests.integration.rest_client import parse

pytestmark = pytest.mark.nlu_eval

GOAL_MACRO_F1 = 0.95
FLOOR_MACRO_F1 = 0.93
FLOOR_RESPONSE_SELECTION = 0.80
SETS = {"test": Path("tests/data/nlu_test"), "dev": Path("tests/data/nlu_dev")}
# FAQ topics added with the second test set, reported apart.
NEW_TOPICS = tuple(
    f"faq/{key}"
    for key in [
        "weight_loss",
        "cardio_heart_rate",
        "benefits_stroke",
        "parkinsons",
        "progression",
        "mixing_forward",
        "hills_incline",
        "stairs",
        "weather",
        "children",
        "music_headphones",
        "desk_sitting",
        "shin_calf_burn",
        "rest_and_tiredness",
        "no_evidence",
    ]
)


def evaluate(name: str, model: Path, root: Path, artifacts: Path) -> Path:
    out = root / "results" / f"nlu-{name}"
    shutil.rmtree(out, ignore_errors=True)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "operations.quiet", "rasa", "test", "nlu"),
            *("--model", str(model), "--nlu", str(SETS[name]), "--out", str(out), "--no-plot"),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    shutil.copytree(out, artifacts / f"nlu-{name}", dirs_exist_ok=True)
    return out


@pytest.fixture(scope="module")
def test_results(trained_model: Path, project_root: Path, artifacts_dir: Path) -> Path:
    return evaluate("test", trained_model, project_root, artifacts_dir)


def normalise(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())


HELD_OUT = {
    **SETS,
    "test2": Path("tests/data/nlu_test2"),
    "dev2": Path("tests/data/nlu_dev2"),
    "dev3": Path("tests/data/nlu_dev3"),
    "dev4": Path("tests/data/nlu_dev4"),
    "dev5": Path("tests/data/nlu_dev5"),
    "dev6": Path("tests/data/nlu_dev6"),
    "dev7": Path("tests/data/nlu_dev7"),
    "dev8": Path("tests/data/nlu_dev8"),
    "dev9": Path("tests/data/nlu_dev9"),
    "dev10": Path("tests/data/nlu_dev10"),
}


@pytest.mark.parametrize("name", sorted(HELD_OUT))
def test_evaluation_data_is_never_trained_on(project_root: Path, name: str) -> None:
    train = {
        normalise(m.get("text"))
        for m in load_data(str(project_root / "data" / "nlu")).training_examples
    }
    held_out = [normalise(m.text) for m in load_messages(project_root / HELD_OUT[name])]
    assert len(held_out) >= (400 if name == "test2" else 230)
    assert not train.intersection(held_out)


def test_intent_macro_f1_on_the_test_set(test_results: Path) -> None:
    report = json.loads((test_results / "intent_report.json").read_text())
    macro_f1 = report["macro avg"]["f1-score"]
    print(f"intent macro F1 on the test set: {macro_f1:.3f} (goal {GOAL_MACRO_F1})")
    assert macro_f1 >= FLOOR_MACRO_F1


def test_faq_response_selection_on_the_test_set(test_results: Path) -> None:
    report = json.loads((test_results / "response_selection_report.json").read_text())
    print(f"FAQ response selection accuracy on the test set: {report['accuracy']:.3f}")
    assert report["accuracy"] >= FLOOR_RESPONSE_SELECTION


def test_development_set_report(
    trained_model: Path, project_root: Path, artifacts_dir: Path
) -> None:
    out = evaluate("dev", trained_model, project_root, artifacts_dir)
    report = json.loads((out / "intent_report.json").read_text())
    print(f"intent macro F1 on the development set: {report['macro avg']['f1-score']:.3f}")
    assert report["macro avg"]["f1-score"] >= FLOOR_MACRO_F1


# The second test set (tests/data/nlu_test2/): 450 questions from three helper sessions given
# only the topic list (docs/evaluation-briefs/), never the training data or the replies:
# older adults and carers, texting with typos and slang, speech-recogniser transcripts and
# non-native speakers. A "not sure, did you mean..." is not wrong; a confident wrong answer is.
GOAL_RIGHT = 0.95
GOAL_WRONG = 0.01
FLOOR_RIGHT = 0.855  # regression floors under the measured 87.4% / 7.2% (2026-12-06, session 9)
CEILING_WRONG = 0.085


def parse_all(coach: LiveCoach, messages: list[LabelledMessage]) -> list[str | None]:
    return [predicted_label(parse(coach, m.text)) for m in messages]


@pytest.mark.integration
@pytest.mark.parametrize("name", ["test2", "dev2", "dev4", "dev5"])
def test_new_question_sets(
    name: str, live_coach: LiveCoach, project_root: Path, artifacts_dir: Path
) -> None:
    messages = load_messages(project_root / HELD_OUT[name])
    tallies = score(messages, parse_all(live_coach, messages), new_topics=NEW_TOPICS)
    text = report(f"nlu_{name}: right answer or intent / not sure / confidently wrong", tallies)
    (artifacts_dir / f"nlu-{name}.md").write_text(text)
    overall = tallies["all"]
    print(
        f"nlu_{name}: right {overall.rate(overall.right):.1%}, not sure "
        f"{overall.rate(overall.unsure):.1%}, confidently wrong {overall.rate(overall.wrong):.1%}"
        f" (goals {GOAL_RIGHT:.0%} / {GOAL_WRONG:.0%})"
    )
    if name == "test2":
        assert overall.rate(overall.right) >= FLOOR_RIGHT
        assert overall.rate(overall.wrong) <= CEILING_WRONG
