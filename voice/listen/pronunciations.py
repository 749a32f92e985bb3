"""The CMU pronouncing dictionary that ships with pocketsphinx, read as word -> phones."""

from __future__ import annotations

import re
from pathlib import Path

_MODEL_DICT = "cmudict-en-us.dict"


def cmudict_path() -> Path:
    """The cmudict shipped with pocketsphinx."""
    from pocketsphinx import get_model_path

    return Path(get_model_path()) / "en-us" / _MODEL_DICT


def read_pronunciations(path: Path) -> dict[str, list[str]]:
    """A pocketsphinx dictionary file: word -> its pronunciations (alternates in file order)."""
    entries: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 2:
                continue
            word = re.sub(r"\(\d+\)$", "", parts[0])
            entries.setdefault(word, []).append(" ".join(parts[1:]))
    return entries
