"""Test stories (every intent, fallback, out-of-scope) through the trained model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.nlu_eval


def test_all_test_stories_pass(
    trained_model: Path, project_root: Path, artifacts_dir: Path
) -> None:
    out = project_root / "results" / "core"
    shutil.rmtree(out, ignore_errors=True)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "operations.quiet",
            "rasa",
            "test",
            "core",
            "--model",
            str(trained_model),
            "--stories",
            "tests/stories",
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
    failed = out / "failed_test_stories.yml"
    shutil.copytree(out, artifacts_dir / "core", dirs_exist_ok=True)
    failures = failed.read_text() if failed.exists() else ""
    assert "story:" not in failures, failures
    report = json.loads((out / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0
