"""Running a repository script's ``--check`` (are the packaged weights trained on today's data)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def check_weights(script: str) -> subprocess.CompletedProcess[str]:
    """Run ``scripts/<script> --check`` from the repository root, output captured."""
    return subprocess.run(
        [sys.executable, f"scripts/{script}", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
