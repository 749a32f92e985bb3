"""Build the spaCy pipeline and train the Rasa model only when its inputs changed."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

from operations.fingerprint import model_fingerprint

logger = logging.getLogger(__name__)

MODEL_PREFIX = "retrowalk-"


class TrainingError(RuntimeError):
    """Training or the pipeline build failed; the message says where to look."""


def build_spacy_pipeline(root: Path, force: bool = False) -> None:
    """Build and install the rule-based spaCy pipeline ``en_retrowalk`` (skipped if current).

    Args:
        root: The project root.
        force: Rebuild even when the installed pipeline is current.

    Raises:
        TrainingError: If the build fails.
    """
    command = [sys.executable, "-m", "bot.nlp.build", *(["--force"] if force else [])]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise TrainingError(f"spaCy pipeline build failed:\n{result.stdout}\n{result.stderr}")


def model_path_for(root: Path, models_dir: Path) -> Path:
    """The model file the current inputs train into."""
    return models_dir / f"{MODEL_PREFIX}{model_fingerprint(root)}.tar.gz"


def ensure_model(
    root: Path, models_dir: Path, force: bool = False, log: Path | None = None
) -> Path:
    """Return a model trained on the current config, domain and data, training if needed.

    The model file is named after a fingerprint of its inputs (see
    :mod:`operations.fingerprint`), so an unchanged project never trains twice.

    Args:
        root: The project root.
        models_dir: Where models are kept.
        force: Train even if a model for the current inputs exists.
        log: File for the training output (default: ``<models_dir>/train.log``).

    Returns:
        The path of the trained model.

    Raises:
        TrainingError: If training fails.
    """
    build_spacy_pipeline(root)
    target = model_path_for(root, models_dir)
    if target.exists() and not force:
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    log = log or models_dir / "train.log"
    command = [
        sys.executable,
        "-m",
        "operations.quiet",
        "rasa",
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
        "--out",
        str(models_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    if force:
        command.append("--force")
    started = time.monotonic()
    with log.open("w") as out:
        result = subprocess.run(
            command, cwd=root, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    if result.returncode != 0 or not target.exists():
        raise TrainingError(f"rasa train failed (exit {result.returncode}); see {log}")
    logger.info("Trained %s in %.0f s", target.name, time.monotonic() - started)
    for old in models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target:
            old.unlink()
    return target
