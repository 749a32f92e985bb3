"""A content fingerprint of everything a trained model depends on."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

# Paths (relative to the project root) whose content determines the trained model.
MODEL_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "bot/nlp",
    "bot/rasa_adapters/entity_extractor.py",
    "bot/rasa_adapters/meaning_stage.py",
    "bot/rasa_adapters/safety_override.py",
    "requirements/runtime.lock",
)
_SKIP_SUFFIXES = (".pyc",)
_SKIP_DIRS = {"__pycache__"}


def _files(root: Path, inputs: Iterable[str]) -> list[Path]:
    files: list[Path] = []
    for name in inputs:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.endswith(_SKIP_SUFFIXES)
                and not _SKIP_DIRS.intersection(p.relative_to(root).parts)
            )
    return sorted(files)


def model_fingerprint(root: Path, inputs: Iterable[str] = MODEL_INPUTS) -> str:
    """Hash the names and contents of the model's inputs.

    Args:
        root: The project root.
        inputs: Files and directories to include, relative to ``root``.

    Returns:
        16 hex characters; any change to any input changes it.
    """
    digest = hashlib.sha256()
    for path in _files(root, inputs):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]
