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

pytestmark = pytest.mark.nlu_eval

GOAL_MACRO_F1 = 0.95
FLOOR_MACRO_F1 = 0.93
FLOOR_RESPONSE_SELECTION = 0.80
SETS = {"test": Path("tests/data/nlu_test"), "dev": Path("tests/data/nlu_dev")}


def evaluate(name: str, model: Path, root: Path, artifacts: Path) -> Path:
    out = root / "results" / f"nlu-{name}"
    shutil.rmtree(out, ignore_errors=True)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "bot.runtime.quiet", "rasa", "test", "nlu"),
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


@pytest.mark.parametrize("name", sorted(SETS))
def test_evaluation_data_is_never_trained_on(project_root: Path, name: str) -> None:
    train = {
        normalise(m.get("text"))
        for m in load_data(str(project_root / "data" / "nlu")).training_examples
    }
    held_out = [
        normalise(m.get("text"))
        for m in load_data(str(project_root / SETS[name])).training_examples
    ]
    assert len(held_out) >= 250
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
