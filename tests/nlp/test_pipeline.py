"""Tests of the built ``en_retrowalk`` pipeline (entity ruler + retrowalk_quantities).

The pipeline is built and installed once per session if the installed package is missing or
stale (``bot.nlp.build.ensure_installed``: a no-op taking milliseconds when up to date), and
loaded once per module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.nlp import PACKAGE_NAME, QUANTITY_LABELS, VOCAB_LABELS
from bot.nlp import build as nlp_build


@pytest.fixture(scope="session")
def installed_version() -> str:
    return nlp_build.ensure_installed()


@pytest.fixture(scope="module")
def nlp(installed_version: str) -> Iterator[Language]:
    pipeline = spacy.load(PACKAGE_NAME)
    assert pipeline.meta["version"] == installed_version
    yield pipeline


def ents(nlp: Language, text: str) -> list[Span]:
    return list(nlp(text).ents)


def only(nlp: Language, text: str, label: str) -> Span:
    found = [e for e in ents(nlp, text) if e.label_ == label]
    assert len(found) == 1, f"{text!r}: expected one {label}, got {describe(nlp(text))}"
    return found[0]


def describe(doc: Doc) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.ent_id_) for e in doc.ents]


def value(span: Span) -> float:
    quantity = span._.quantity
    assert quantity is not None, span
    assert quantity.kind == span.label_
    return float(quantity.value)


# ---------------------------------------------------------------------------------------------
# Build and packaging
# ---------------------------------------------------------------------------------------------


def test_pipeline_components_and_version(nlp: Language) -> None:
    assert nlp.pipe_names == ["entity_ruler", "retrowalk_quantities"]
    assert nlp.meta["name"] == "retrowalk"
    assert nlp.meta["version"] == nlp_build.target_version()
    assert nlp.path is not None  # Rasa's SpacyNLP rejects in-memory pipelines


def test_build_is_skipped_when_up_to_date(installed_version: str) -> None:
    result = nlp_build.build(log=False)
    assert not result.built
    assert result.version == installed_version
    assert result.seconds < 5
    assert nlp_build.main(["--check"]) == 0


def test_content_hash_changes_with_patterns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nlp_dir = tmp_path / "nlp"
    (nlp_dir / "patterns").mkdir(parents=True)
    for name in nlp_build.CODE_FILES:
        (nlp_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (nlp_dir / name).write_bytes((nlp_build.NLP_DIR / name).read_bytes())
    for path in nlp_build.PATTERNS_DIR.glob("*.jsonl"):
        (nlp_dir / "patterns" / path.name).write_bytes(path.read_bytes())
    original = nlp_build.content_hash()
    monkeypatch.setattr(nlp_build, "NLP_DIR", nlp_dir)
    monkeypatch.setattr(nlp_build, "PATTERNS_DIR", nlp_dir / "patterns")
    assert nlp_build.content_hash() == original
    (nlp_dir / "unrelated.py").write_text("x = 1\n")  # other modules in bot/nlp do not count
    assert nlp_build.content_hash() == original
    extra = {"label": "place", "pattern": [{"LOWER": "velodrome"}], "id": "track"}
    with (nlp_dir / "patterns" / "place.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(extra) + "\n")
    assert nlp_build.content_hash() != original


def test_pattern_files_are_valid() -> None:
    patterns = nlp_build.load_patterns()
    assert {p["label"] for p in patterns} == set(VOCAB_LABELS)
    assert all(isinstance(p["id"], str) and p["id"] for p in patterns)
    assert all(isinstance(p["pattern"], list) and p["pattern"] for p in patterns)
    for path in nlp_build.PATTERNS_DIR.glob("*.jsonl"):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(set(lines)), f"duplicate lines in {path.name}"


def test_loads_from_another_working_directory(installed_version: str, tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import json, sys
        # TensorFlow is irrelevant here; blocking it only saves ~6 s of import time.
        sys.modules["tensorflow"] = None
        import spacy
        nlp = spacy.load("en_retrowalk")
        doc = nlp("I'm 65 and walk half an hour on the treadmill with my left knee")
        print(json.dumps({
            "version": nlp.meta["version"],
            "ents": [[e.text, e.label_, e.ent_id_] for e in doc.ents],
            "minutes": [e._.quantity.value for e in doc.ents if e.label_ == "duration"],
        }))
        """
    )
    # Nothing may make the repository importable except the installed project itself.
    repo = Path(nlp_build.__file__).resolve().parents[2]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p
        for p in env.get("PYTHONPATH", "").split(os.pathsep)
        if p and not Path(p).resolve().is_relative_to(repo)
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["version"] == installed_version
    assert ["65", "age", "65 years"] in out["ents"]
    assert ["treadmill", "place", "treadmill"] in out["ents"]
    assert ["left knee", "body_part", "knee"] in out["ents"]
    assert out["minutes"] == [30.0]


# ---------------------------------------------------------------------------------------------
# Quantities
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "span_text", "expected"),
    [
        ("10 minutes", "duration", "10 minutes", 10),
        ("I walk for half an hour", "duration", "half an hour", 30),
        ("I did an hour and a half yesterday", "duration", "an hour and a half", 90),
        ("10mins a day", "duration", "10mins", 10),
        ("1h30 on Sundays", "duration", "1h30", 90),
        ("twenty-five mins", "duration", "twenty-five mins", 25),
        ("a quarter of an hour", "duration", "a quarter of an hour", 15),
        ("I weigh 176 lbs", "weight", "176 lbs", 79.8323),
        ("80kg.", "weight", "80kg", 80),
        ("I'm 11 st 4 lb", "weight", "11 st 4 lb", 71.6676),
        ("I'm 65 kg", "weight", "65 kg", 65),
        ("I'm 65", "age", "65", 65),
        ("I am 65 years old", "age", "65 years old", 65),
        ("aged 65", "age", "65", 65),
        ("age 65", "age", "65", 65),
        ("Age: 72", "age", "72", 72),
        ("I turned 70 last week", "age", "70", 70),
        ("is it safe to start at 72", "age", "72", 72),
        ("my dad is in his 70s", "age", "in his 70s", 70),
        ("a 65-year-old walker", "age", "65-year-old", 65),
        ("65 yo", "age", "65 yo", 65),
        ("I am sixty-five", "age", "sixty-five", 65),
        ("I'm in my late sixties", "age", "in my late sixties", 68),
        ("I walk at 2.5 mph", "speed", "2.5 mph", 2.5),
        ("2.5mph", "speed", "2.5mph", 2.5),
        ("4 km/h", "speed", "4 km/h", 2.4855),
        ("4km/h", "speed", "4km/h", 2.4855),
        ("4 kph", "speed", "4 kph", 2.4855),
        ("one mile an hour", "speed", "one mile an hour", 1),
        ("5% incline", "incline", "5% incline", 5),
        ("set the incline to 3", "incline", "incline to 3", 3),
        ("a gradient of 10 degrees", "incline", "gradient of 10 degrees", 17.6327),
        ("3 mph at 2% on the treadmill", "incline", "2%", 2),
    ],
)
def test_quantity(nlp: Language, text: str, label: str, span_text: str, expected: float) -> None:
    span = only(nlp, text, label)
    assert span.text == span_text
    assert value(span) == pytest.approx(expected, abs=1e-3)
    assert span.ent_id_ == span._.quantity.canonical


def test_im_65_kg_is_a_weight_not_an_age(nlp: Language) -> None:
    assert [e.label_ for e in ents(nlp, "I'm 65 kg")] == ["weight"]


def test_several_quantities_in_one_message(nlp: Language) -> None:
    doc = nlp("65yo, 12 stone, 20 minutes at 2 mph and incline 4 on the treadmill")
    assert [(e.label_, e.text) for e in doc.ents] == [
        ("age", "65yo"),
        ("weight", "12 stone"),
        ("duration", "20 minutes"),
        ("speed", "2 mph"),
        ("incline", "incline 4"),
        ("place", "treadmill"),
    ]


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("I walked 3 times", {"duration", "weight", "age"}),
        ("route 66", {"age"}),
        ("I have 2 dogs", set(QUANTITY_LABELS)),
        ("I walk 3 km", set(QUANTITY_LABELS)),
        ("on the 21st", {"weight"}),
        ("I improved by 5%", {"incline"}),
        ("it is 10 degrees outside", {"incline"}),
        ("I am 6 feet tall", {"age"}),
        ("I'm 12 weeks pregnant", {"age"}),
        ("I'm 100% sure", {"age", "incline"}),
        ("my 2 sons", {"age"}),
        ("explain it like I'm five", {"age"}),
        ("meet at 10 tomorrow", {"age"}),
        ("I blacked out for a second", {"duration"}),
    ],
)
def test_no_false_quantities(nlp: Language, text: str, forbidden: set[str]) -> None:
    labels = {e.label_ for e in ents(nlp, text)}
    assert not labels & forbidden, describe(nlp(text))


def test_trailing_number_does_not_swallow_the_next_quantity(nlp: Language) -> None:
    doc = nlp("10 minutes and 2 mph, or 2 hours 3 times a week")
    assert [(e.label_, e.text) for e in doc.ents] == [
        ("duration", "10 minutes"),
        ("speed", "2 mph"),
        ("duration", "2 hours"),
    ]


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------


def test_left_knee_is_a_body_part_with_side(nlp: Language) -> None:
    span = only(nlp, "my left knee", "body_part")
    assert "left knee" in span.text
    assert span.ent_id_ == "knee"
    assert span._.side == "left"
    assert span._.quantity is None


@pytest.mark.parametrize(
    ("text", "label", "span_text", "canonical"),
    [
        ("I walk on a treadmill", "place", "treadmill", "treadmill"),
        ("I have arthritis in my knee", "condition", "arthritis in my knee", "knee osteoarthritis"),
        ("knee OA", "condition", "knee OA", "knee osteoarthritis"),
        ("I feel dizzy", "symptom", "dizzy", "dizziness"),
        ("I feel light-headed", "symptom", "light-headed", "light-headedness"),
        ("I passed out", "symptom", "passed out", "fainting"),
        ("I'm short of breath", "symptom", "short of breath", "shortness of breath"),
        ("I have chest pain", "symptom", "chest pain", "chest pain"),
        ("my heart is racing", "symptom", "heart is racing", "palpitations"),
        ("I had a knee replacement", "condition", "knee replacement", "knee replacement"),
        ("I tore my ACL", "condition", "tore my ACL", "acl tear"),
        ("I'm on warfarin", "condition", "warfarin", "blood thinners"),
        ("I have Parkinson's", "condition", "Parkinson's", "parkinson's disease"),
        ("I have MS", "condition", "MS", "multiple sclerosis"),
        ("I'm pregnant", "condition", "pregnant", "pregnancy"),
        ("I have high blood pressure", "condition", "high blood pressure", "high blood pressure"),
        ("I have a sprained ankle", "condition", "sprained ankle", "sprained ankle"),
        ("I have osteoporosis", "condition", "osteoporosis", "osteoporosis"),
        ("I have plantar fasciitis", "condition", "plantar fasciitis", "plantar fasciitis"),
        ("my lower back", "body_part", "lower back", "lower back"),
        ("both knees", "body_part", "both knees", "knee"),
        ("my quads", "body_part", "quads", "quads"),
        ("my calves", "body_part", "calves", "calf"),
        ("I walk in the corridor", "place", "corridor", "corridor"),
        ("on the sidewalk", "place", "sidewalk", "pavement"),
        ("on the pavement", "place", "pavement", "pavement"),
        ("at the kitchen counter", "place", "kitchen counter", "kitchen counter"),
        ("in the park", "place", "park", "park"),
        ("I've had a few falls", "condition", "a few falls", "history of falls"),
        ("I get skipped beats", "symptom", "skipped beats", "palpitations"),
    ],
)
def test_vocabulary(nlp: Language, text: str, label: str, span_text: str, canonical: str) -> None:
    span = only(nlp, text, label)
    assert span.text == span_text
    assert span.ent_id_ == canonical


@pytest.mark.parametrize(
    "text",
    [
        "I walk back home",
        "come back later",
        "I'm back on track",
        "keep track of time",
        "I fell asleep",
        "I swim breast stroke",
        "I park my car",
        "he is 5 foot 10",
        "the inside of my knee",
    ],
)
def test_idioms_are_not_vocabulary(nlp: Language, text: str) -> None:
    doc = nlp(text)
    bad = {"back", "track", "fell", "stroke", "park", "foot", "inside"}
    assert not [e for e in doc.ents if e.text.lower() in bad], describe(doc)


def test_red_flag_message(nlp: Language) -> None:
    doc = nlp("Chest pain, dizzy and I fainted; my face is drooping and speech is slurred")
    assert {e.ent_id_ for e in doc.ents if e.label_ == "symptom"} == {
        "chest pain",
        "dizziness",
        "fainting",
        "face drooping",
        "slurred speech",
    }


# ---------------------------------------------------------------------------------------------
# Invariants
# ---------------------------------------------------------------------------------------------


def _check_invariants(doc: Doc) -> None:
    taken: set[int] = set()
    for ent in doc.ents:
        assert taken.isdisjoint(range(ent.start, ent.end))
        taken.update(range(ent.start, ent.end))
        assert ent.label_ in (*VOCAB_LABELS, *QUANTITY_LABELS)
        assert ent.ent_id_
        if ent.label_ in QUANTITY_LABELS:
            quantity = ent._.quantity
            assert quantity is not None and quantity.kind == ent.label_
            assert ent.ent_id_ == quantity.canonical
        else:
            assert ent._.quantity is None


def test_empty_and_whitespace(nlp: Language) -> None:
    for text in ("", " ", "\n\t"):
        assert list(nlp(text).ents) == []


WORDS = st.sampled_from(
    [
        "I'm",
        "am",
        "65",
        "kg",
        "lbs",
        "2.5",
        "mph",
        "km/h",
        "5%",
        "incline",
        "of",
        "a",
        "an",
        "and",
        "half",
        "hour",
        "minutes",
        "10mins",
        "1h30",
        "stone",
        "st",
        "11",
        "4",
        "lb",
        "aged",
        "years",
        "old",
        "yo",
        "left",
        "knee",
        "back",
        "pain",
        "dizzy",
        "treadmill",
        "on",
        "the",
        "track",
        "in",
        "my",
        "sixties",
        "60s",
        "-",
        ",",
        ".",
        "twenty",
        "five",
        "minus",
        "degrees",
        "slope",
        "21st",
        "route",
        "66",
    ]
)


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(words=st.lists(WORDS, max_size=20))
def test_pipeline_invariants_on_random_messages(nlp: Language, words: list[str]) -> None:
    _check_invariants(nlp(" ".join(words)))


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=200))
def test_pipeline_never_raises_on_arbitrary_text(nlp: Language, text: str) -> None:
    _check_invariants(nlp(text))
