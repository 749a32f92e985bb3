"""The pattern files as regular expressions (bot/nlp/vocabulary.py) find what spaCy finds."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy
import yaml
from spacy.language import Language

from bot.nlp import PACKAGE_NAME
from bot.nlp import build as nlp_build
from bot.nlp.idioms import idiom_in_text
from bot.nlp.vocabulary import (
    PhraseMatcher,
    VocabularyError,
    label_regex,
    pattern_regex,
    phrase_matcher,
)

ROOT = Path(__file__).resolve().parents[2]
LABELS = ("place", "condition", "symptom", "body_part")
_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def matches(pattern: list[dict[str, object]] | str, text: str) -> list[str]:
    return [m.group() for m in re.finditer(pattern_regex(pattern), text)]


def test_words_alternatives_and_whole_words_only() -> None:
    pattern = [{"LOWER": {"IN": ["tread", "tred"]}}, {"LOWER": "mill"}]
    assert matches(pattern, "a tread mill, a tred  mill") == ["tread mill", "tred  mill"]
    assert matches(pattern, "retread mill; tread mills") == []


def test_optional_and_repeated_tokens() -> None:
    side = {"LOWER": {"IN": ["left", "right"]}, "OP": "?"}
    assert matches([side, {"LOWER": "knee"}], "knee, left knee") == ["knee", "left knee"]
    assert matches([{"LOWER": "acl"}, {"LOWER": "tear", "OP": "?"}], "acl tear") == ["acl tear"]
    very = [{"LOWER": "very", "OP": "+"}, {"LOWER": "dizzy"}]
    assert matches(very, "very very dizzy, dizzy") == ["very very dizzy"]


def test_tokens_spacy_splits_off_may_touch_the_word_before() -> None:
    runner = [{"LOWER": "runner"}, {"LOWER": {"IN": ["'s", "s"]}}, {"LOWER": "knee"}]
    assert matches(runner, "runner's knee and runners knee") == ["runner's knee", "runners knee"]
    cant = [{"LOWER": "ca"}, {"LOWER": "n't"}, {"LOWER": "breathe"}]
    assert matches(cant, "i can't breathe") == ["can't breathe"]
    assert matches([{"LOWER": "tread"}, {"LOWER": "-"}, {"LOWER": "mill"}], "tread-mill") == [
        "tread-mill"
    ]


def test_phrase_strings() -> None:
    assert matches("high blood pressure", "my high  blood pressure") == ["high  blood pressure"]


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LEMMA": "walk"}],
        [{"LOWER": {"NOT_IN": ["a"]}}],
        [{"LOWER": "a", "OP": "{2}"}],
        [{"LOWER": "a", "OP": "?"}],
    ],
)
def test_unsupported_patterns_are_a_clear_error(pattern: list[dict[str, object]]) -> None:
    with pytest.raises(VocabularyError):
        pattern_regex(pattern)


def test_longest_phrase_wins_at_one_place_and_case_sensitive_patterns_are_left_out() -> None:
    matcher = PhraseMatcher(
        [
            {"label": "place", "id": "kitchen", "pattern": [{"LOWER": "kitchen"}]},
            {
                "label": "place",
                "id": "kitchen counter",
                "pattern": [{"LOWER": "kitchen"}, {"LOWER": "counter"}],
            },
            {"label": "condition", "id": "multiple sclerosis", "pattern": [{"ORTH": "MS"}]},
        ]
    )
    found = matcher.finditer("the kitchen counter, then the kitchen; ms")
    assert [(p.id, p.start, p.end) for p in found] == [
        ("kitchen counter", 4, 19),
        ("kitchen", 30, 37),
    ]


def test_the_matcher_finds_phrases_whose_first_word_runs_into_the_next_token() -> None:
    """It tries at each word only the patterns that can start with it; "can't" starts with
    the word "can" in the text but the token "ca" in the pattern."""
    matcher = PhraseMatcher(
        [
            {
                "label": "symptom",
                "id": "shortness of breath",
                "pattern": [{"LOWER": "ca"}, {"LOWER": "n't"}, {"LOWER": "breathe"}],
            },
            {
                "label": "condition",
                "id": "runner's knee",
                "pattern": [{"LOWER": "runner"}, {"LOWER": {"IN": ["'s", "s"]}}, {"LOWER": "knee"}],
            },
            {"label": "condition", "id": "copd", "pattern": [{"LOWER": "c.o.p.d"}]},
        ]
    )
    text = "i can't breathe, runners knee and c.o.p.d"
    assert [(p.id, text[p.start : p.end]) for p in matcher.finditer(text)] == [
        ("shortness of breath", "can't breathe"),
        ("runner's knee", "runners knee"),
        ("copd", "c.o.p.d"),
    ]


def test_a_pattern_starting_with_punctuation_is_a_clear_error() -> None:
    with pytest.raises(VocabularyError, match="punctuation"):
        PhraseMatcher([{"label": "place", "id": "x", "pattern": [{"LOWER": "-"}]}])


def test_label_regex_covers_every_body_part_word() -> None:
    body = re.compile(label_regex("body_part"))
    for word in ("knee", "left knee", "lower back", "hip flexors", "spine", "achilles tendon"):
        assert body.fullmatch(word), word


# -- the same reading as the spaCy pipeline ------------------------------------------------


@pytest.fixture(scope="module")
def nlp() -> Iterator[Language]:
    nlp_build.ensure_installed()
    yield spacy.load(PACKAGE_NAME)


def _training_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    texts.append(_MARKUP.sub(r"\1", line.strip()[2:]))
    return texts


def _case_sensitive_words() -> set[str]:
    """The words of the ``ORTH`` patterns ("MS", "AF"), which a lower-case reader leaves out."""
    words = set()
    for path in nlp_build.PATTERNS_DIR.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            pattern = json.loads(line)["pattern"]
            if any("ORTH" in token for token in pattern):
                words.add(" ".join(str(token["ORTH"]) for token in pattern))
    return words


def test_the_text_reader_finds_what_the_entity_ruler_finds(nlp: Language) -> None:
    """On every training message: the same spans, labels and ids as the pipeline's
    vocabulary entities (after its idiom rule), but for the case-sensitive "MS" and "AF"."""
    matcher = phrase_matcher(*LABELS)
    case_sensitive = _case_sensitive_words()
    assert case_sensitive == {"MS", "AF"}
    texts = _training_texts()
    assert len(texts) > 3000
    differ = []
    for text in texts:
        spacy_found = {
            (e.start_char, e.end_char, e.label_, e.ent_id_)
            for e in nlp(text).ents
            if e.label_ in LABELS and e.text not in case_sensitive
        }
        lower = text.lower()
        read = set()
        for p in matcher.finditer(lower):
            if not idiom_in_text(p.label, lower, p.start, p.end):
                read.add((p.start, p.end, p.label, p.id))
        if spacy_found != read:
            differ.append((text, sorted(spacy_found ^ read)))
    assert differ == []
