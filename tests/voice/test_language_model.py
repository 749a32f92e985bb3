"""The domain language model: corpus from data/nlu, restricted dictionary, fingerprinting."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voice.commands import all_command_examples
from voice.listen.language_model import (
    build_language_model,
    ensure_language_model,
    fingerprint,
    normalise,
    strip_entity_markup,
    training_examples,
)
from voice.listen.pronunciations import read_pronunciations

PROJECT_ROOT = Path(__file__).resolve().parents[2]

MARKED_UP = """version: "3.1"
nlu:
- intent: log_walk
  examples: |
    - I walked [10 minutes](duration) backwards today
    - my [knee]{"entity": "body_part", "value": "knee"} hurts a bit
    - did [20](minutes) min at [5 km/h]{"entity": "speed"}
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A copy of the project's data/ (the part the model is built from)."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data", root / "data")
    return root


def test_entity_markup_is_stripped() -> None:
    assert (
        strip_entity_markup("I walked [10 minutes](duration) today") == "I walked 10 minutes today"
    )
    assert strip_entity_markup('my [knee]{"entity": "body_part"} hurts') == "my knee hurts"
    assert (
        strip_entity_markup('[Berlin][{"entity": "city"}, {"entity": "x"}] please')
        == "Berlin please"
    )


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        (
            "How many calories for 30 minutes at 80 kg?",
            "how many calories for thirty minutes at eighty kilograms",
        ),
        ("I weigh 176 lbs", "i weigh one hundred seventy six pounds"),
        ("15 min at 10% incline", "fifteen minutes at ten percent incline"),
        ("calories for an hour at 3 km/h", "calories for an hour at three kilometers per hour"),
        ("2.5 mph", "two point five miles per hour"),
        ("my 1st walk, I'm in my 70s", "my first walk i'm in my seventies"),
        ("What's the time left?", "what's the time left"),
        ("70kg", "seventy kilograms"),
    ],
)
def test_text_is_normalised_to_spoken_words(text: str, spoken: str) -> None:
    assert " ".join(normalise(text)) == spoken


def test_corpus_holds_training_examples_commands_and_wake_phrase(
    project: Path, tmp_path: Path
) -> None:
    (project / "data" / "nlu" / "markup.yml").write_text(MARKED_UP, encoding="utf-8")
    files = build_language_model(project, tmp_path / "lm", wake_phrase="hey coach")
    corpus = files.corpus.read_text(encoding="utf-8").splitlines()
    lines = set(corpus)
    assert "what are the benefits of walking backwards" in lines  # data/nlu/faq.yml
    assert "i walked ten minutes backwards today" in lines
    assert "my knee hurts a bit" in lines
    assert "did twenty minutes at five kilometers per hour" in lines
    assert "hey coach" in lines
    assert "how much time is left" in lines
    assert "i feel dizzy" in lines
    for command in all_command_examples():
        assert " ".join(normalise(command)) in lines
    assert not any(ch in line for line in corpus for ch in '[](){}":0123456789')
    assert len(corpus) > len(training_examples(project)) // 2


def test_dictionary_is_restricted_to_the_corpus_words(project: Path, tmp_path: Path) -> None:
    files = build_language_model(project, tmp_path / "lm")
    corpus_words = set(files.corpus.read_text(encoding="utf-8").split())
    dictionary = read_pronunciations(files.dictionary)
    assert set(dictionary) == corpus_words
    assert 1000 < len(dictionary) < 5000  # far smaller than cmudict's 130k words
    assert dictionary["unpause"] == ["AH N P AO Z"]  # a documented extra pronunciation
    assert dictionary["coach"] == ["K OW CH"]


def test_pocketsphinx_loads_the_model(project: Path, tmp_path: Path) -> None:
    from pocketsphinx import Decoder

    files = build_language_model(project, tmp_path / "lm")
    header = files.lm.read_text(encoding="utf-8")
    assert "\\data\\" in header and "ngram 3=" in header and "\\end\\" in header
    decoder = Decoder(lm=str(files.lm), dict=str(files.dictionary), loglevel="FATAL")
    assert decoder.lookup_word("treadmill") is not None
    assert "xylophone" not in files.corpus.read_text(encoding="utf-8")
    assert decoder.lookup_word("xylophone") is None  # in cmudict, not in the domain


def test_rebuilt_only_when_training_data_changes(project: Path, tmp_path: Path) -> None:
    base = tmp_path / "voice-lm"
    first = ensure_language_model(project, base)
    built_at = first.lm.stat().st_mtime_ns
    again = ensure_language_model(project, base)
    assert again.lm == first.lm
    assert again.lm.stat().st_mtime_ns == built_at  # reused, not rebuilt
    before = fingerprint(project)

    faq = project / "data" / "nlu" / "faq.yml"
    faq.write_text(
        faq.read_text(encoding="utf-8").replace(
            "- what are the benefits of walking backwards\n",
            "- what are the benefits of walking backwards\n    - is backwards walking fun\n",
        ),
        encoding="utf-8",
    )
    assert fingerprint(project) != before
    changed = ensure_language_model(project, base)
    assert changed.lm.parent != first.lm.parent
    assert changed.lm.parent.name == fingerprint(project)[:16]
    assert "is backwards walking fun" in changed.corpus.read_text(encoding="utf-8")
    assert first.lm.exists()  # the old build is left for processes still using it
    assert sorted(p.name for p in base.iterdir() if not p.name.startswith(".")) == sorted(
        [first.lm.parent.name, changed.lm.parent.name]
    )


def test_wake_phrase_is_part_of_the_fingerprint(project: Path) -> None:
    assert fingerprint(project, "hey coach") != fingerprint(project, "hello coach")


def test_command_line_builds_the_model(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli-lm"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "voice.listen.language_model",
            "--project-root",
            str(project),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "voice language model:" in result.stdout
    built = [p for p in out.iterdir() if (p / "manifest.json").exists()]
    assert len(built) == 1 and built[0].name == fingerprint(project)[:16]


def test_the_short_phrases_keep_their_share_however_much_typed_data_there_is() -> None:
    from voice.listen.language_model import SHORT_PHRASE_SHARE, short_phrase_weight

    for typed in (500, 6500, 7500, 20000):
        weight = short_phrase_weight(typed, 134)
        share = weight * 134 / (typed + weight * 134)
        assert weight >= 1
        assert abs(share - SHORT_PHRASE_SHARE) < 0.02 or weight == 1
    assert short_phrase_weight(10, 0) == 1
