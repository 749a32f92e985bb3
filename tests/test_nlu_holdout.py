"""NLU on held-out data that is never trained on (tests/data/nlu_holdout/).

Goal: intent macro F1 >= 0.95. The reports are kept in artifacts/nlu/.
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

HOLDOUT = Path("tests/data/nlu_holdout")


@pytest.fixture(scope="module")
def nlu_results(trained_model: Path, project_root: Path, artifacts_dir: Path) -> Path:
    out = project_root / "results" / "nlu"
    shutil.rmtree(out, ignore_errors=True)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.runtime.quiet",
            "rasa",
            "test",
            "nlu",
            "--model",
            str(trained_model),
            "--nlu",
            str(HOLDOUT),
            "--out",
            str(out),
            "--no-plot",
        ],
        cwd=project_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    shutil.copytree(out, artifacts_dir / "nlu", dirs_exist_ok=True)
    return out


def test_holdout_is_never_trained_on(project_root: Path) -> None:
    def norm(text: str) -> str:
        return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())

    train = {
        norm(m.get("text")) for m in load_data(str(project_root / "data" / "nlu")).training_examples
    }
    holdout = [
        norm(m.get("text")) for m in load_data(str(project_root / HOLDOUT)).training_examples
    ]
    assert len(holdout) >= 250
    assert not train.intersection(holdout)


def test_intent_macro_f1_on_holdout(nlu_results: Path) -> None:
    report = json.loads((nlu_results / "intent_report.json").read_text())
    macro_f1 = report["macro avg"]["f1-score"]
    print(f"intent macro F1 on held-out data: {macro_f1:.3f}")
    assert macro_f1 >= 0.95


def test_faq_response_selection_on_holdout(nlu_results: Path) -> None:
    report = json.loads((nlu_results / "response_selection_report.json").read_text())
    accuracy = report["accuracy"]
    print(f"FAQ response selection accuracy on held-out data: {accuracy:.3f}")
    assert accuracy >= 0.85
