"""The domain language model of the speech recogniser, generated from the training data.

The corpus is every example of ``data/nlu/*.yml`` (Rasa entity markup stripped), the local walk
commands (``voice.commands.all_command_examples()``), the wake phrase and a few answers walkers
give mid-walk. Text is normalised to what people say: lower case, numbers and units spelled out
("70kg" -> "seventy kilograms", "10%" -> "ten percent"). Words missing from the pocketsphinx
pronouncing dictionary (cmudict) and from ``EXTRA_PRONUNCIATIONS`` cannot be recognised; each
sentence is split at such words and the pieces kept, so no n-gram spans a dropped word.

Output, in a directory named by a fingerprint of all inputs:

- ``corpus.txt``: one normalised sentence per line;
- ``domain.lm``: a trigram ARPA model (pocketsphinx's own builder, fixed discount);
- ``domain.dict``: the restricted dictionary, the cmudict entries of the corpus words only;
- ``manifest.json``: fingerprint and counts, written last (a directory without it is ignored).

``ensure_language_model`` reuses a build whose fingerprint matches and builds otherwise, so the
model is regenerated exactly when the training data (or this recipe) changes. Command line:
``python -m voice.listen.language_model [--project-root DIR] [--out DIR]``.

One concept (hence over 400 lines): the recogniser's language model, its corpus and its build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from voice.listen.pronunciations import cmudict_path, read_pronunciations
from voice.listen.settings import PROJECT_ROOT, ListenSettings

# Bump when the corpus or LM recipe changes: part of the fingerprint.
RECIPE_VERSION = "3"
# Share of the corpus given to the short spoken commands and answers (each repeated as often
# as it takes, at least once), which would otherwise be swamped by thousands of typed
# questions: a share, not a fixed count, so that more training data does not dilute them.
# 15%: with the 2026-12-07 writers' data, 3 repetitions (5%) and shares up to 12% let
# "how much time is left" be heard as "how much time is full of" (tests/voice/test_asr.py);
# 20% since session 19, when 15% let it happen again with writers5.yml's 811 questions (one
# says "my park is full of cyclists"): the typed questions still shift the commands' odds.
SHORT_PHRASE_SHARE = 0.2
# Fixed discount mass of the ARPA builder: probability kept for backing off to shorter
# histories. Lower is more peaked on the training sentences.
DISCOUNT_MASS = 0.3

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

# Answers a walker gives mid-walk (effort, feelings, yes/no, numbers).
WALKER_ANSWERS: tuple[str, ...] = (
    "yes",
    "no",
    "yeah",
    "yep",
    "nope",
    "sure",
    "okay",
    "ok",
    "not really",
    "i don't know",
    "maybe",
    "i feel fine",
    "i feel good",
    "i feel great",
    "i feel okay",
    "i feel tired",
    "i'm tired",
    "i'm fine",
    "i'm good",
    "i'm okay",
    "i'm out of breath",
    "i feel dizzy",
    "i feel sick",
    "i feel a bit wobbly",
    "my knee hurts",
    "my back hurts",
    "it hurts",
    "it was easy",
    "it was hard",
    "it was fine",
    "too easy",
    "too hard",
    "a bit hard",
    "quite hard",
    "very hard",
    "about right",
    "easy",
    "hard",
    "moderate",
    *(f"about {n}" for n in ("three", "four", "five", "six", "seven", "eight")),
    *_ONES,
    *_TENS[2:7],
)

# Pronunciations (CMU phones) of domain words missing from cmudict: health and exercise terms
# from the training data and the "unpause" command. Written by hand from cmudict's neighbours
# (e.g. "shins" from "shin", "glutes" from "glute" spellings of "loot").
EXTRA_PRONUNCIATIONS: dict[str, tuple[str, ...]] = {
    "retrowalking": ("R EH T R OW W AO K IH NG",),
    "retrowalk": ("R EH T R OW W AO K",),
    "retrowalks": ("R EH T R OW W AO K S",),
    "retrowalker": ("R EH T R OW W AO K ER",),
    "unpause": ("AH N P AO Z",),
    "tiktok": ("T IH K T AA K",),
    "acl": ("EY S IY EH L",),
    "apixaban": ("AH P IH K S AH B AE N",),
    "atrial": ("EY T R IY AH L",),
    "backpedalling": ("B AE K P EH D AH L IH NG",),
    "bppv": ("B IY P IY P IY V IY",),
    "bursitis": ("B ER S AY T AH S",),
    "chondromalacia": ("K AA N D R OW M AH L EY SH AH",),
    "contraindications": ("K AA N T R AH IH N D AH K EY SH AH N Z",),
    "copd": ("S IY OW P IY D IY",),
    "deadlift": ("D EH D L IH F T",),
    "dodgy": ("D AA JH IY",),
    "doms": ("D AA M Z",),
    "fasciitis": ("F AE SH IY AY T AH S",),
    "flexors": ("F L EH K S ER Z",),
    "glutes": ("G L UW T S",),
    "gp": ("JH IY P IY",),
    "gp's": ("JH IY P IY Z",),
    "grippy": ("G R IH P IY",),
    "headlamp": ("HH EH D L AE M P",),
    "herniated": ("HH ER N IY EY T IH D",),
    "hiya": ("HH AY AH",),
    "kettlebell": ("K EH T AH L B EH L",),
    "maths": ("M AE TH S",),
    "meniscus": ("M AH N IH S K AH S",),
    "orthopaedic": ("AO R TH AH P IY D IH K",),
    "patellofemoral": ("P AH T EH L OW F EH M ER AH L",),
    "personalised": ("P ER S AH N AH L AY Z D",),
    "physiotherapist": ("F IH Z IY OW TH EH R AH P IH S T",),
    "physio's": ("F IH Z IY OW Z",),
    "plantar": ("P L AE N T ER",),
    "proprioception": ("P R OW P R IY OW S EH P SH AH N",),
    "rpe": ("AA R P IY IY",),
    "sciatica": ("S AY AE T IH K AH",),
    "shins": ("SH IH N Z",),
    "soreness": ("S AO R N AH S",),
    "streetlights": ("S T R IY T L AY T S",),
    "summarise": ("S AH M ER AY Z",),
    "thinners": ("TH IH N ER Z",),
    "tibialis": ("T IH B IY AE L IH S",),
    "tiptoes": ("T IH P T OW Z",),
    "treadmill's": ("T R EH D M IH L Z",),
    "warfarin": ("W AO R F ER IH N",),
    "weight's": ("W EY T S",),
    "worktop": ("W ER K T AA P",),
}

# Typed shorthand said as words.
SPOKEN_FORMS: dict[str, str] = {
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "tx": "thanks",
    "tysm": "thank you so much",
    "hows": "how's",
    "cals": "calories",
    "kph": "kilometers per hour",
}

_ORDINALS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
_UNITS = {
    "kg": "kilograms",
    "kgs": "kilograms",
    "kilo": "kilo",
    "lb": "pounds",
    "lbs": "pounds",
    "km": "kilometers",
    "kms": "kilometers",
    "k": "k",
    "m": "meters",
    "mph": "miles per hour",
    "kph": "kilometers per hour",
    "min": "minutes",
    "mins": "minutes",
    "hr": "hours",
    "hrs": "hours",
    "h": "hours",
    "x": "times",
    "am": "a m",
    "pm": "p m",
    "yo": "years old",
    "st": "stone",
}


@dataclass
class LanguageModelFiles:
    """A generated domain language model.

    Attributes:
        lm: ARPA trigram model.
        dictionary: Pronouncing dictionary restricted to the model's words.
        corpus: The normalised sentences it was built from.
    """

    lm: Path
    dictionary: Path
    corpus: Path


def number_to_words(number: int) -> str:
    """``number`` (0 to 999,999,999) in English words: 176 -> "one hundred seventy six"."""
    if number < 0:
        return "minus " + number_to_words(-number)
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return _ONES[hundreds] + " hundred" + ("" if rest == 0 else " " + number_to_words(rest))
    for size, name in ((1_000_000, "million"), (1000, "thousand")):
        if number >= size:
            high, rest = divmod(number, size)
            return (
                number_to_words(high)
                + " "
                + name
                + ("" if rest == 0 else " " + number_to_words(rest))
            )
    raise AssertionError("unreachable")


def _ordinal(words: str) -> str:
    head, _, last = words.rpartition(" ")
    if last in _ORDINALS:
        last = _ORDINALS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return f"{head} {last}".strip()


def _plural_number(words: str) -> str:
    """Decades: "seventy" -> "seventies"."""
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


_ENTITY_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")
_NUMBER_TOKEN = re.compile(r"(\d+(?:[.,]\d+)?)(st|nd|rd|th|s)?(?![\d])")
_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")


def strip_entity_markup(text: str) -> str:
    """Rasa training text without entity annotations.

    ``[10 minutes](duration)``, ``[knee]{"entity": "body_part"}`` and
    ``[x][{"entity": ...}, {...}]`` all become their text.
    """
    return _ENTITY_MARKUP.sub(r"\1", text)


def _spell_number(match: re.Match[str]) -> str:
    digits, suffix = match.group(1), match.group(2) or ""
    digits = digits.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", digits) else digits
    if "." in digits or "," in digits:
        whole, _, fraction = re.split(r"([.,])", digits, maxsplit=1)
        words = number_to_words(int(whole)) + " point " + " ".join(_ONES[int(d)] for d in fraction)
    else:
        words = number_to_words(int(digits))
    if suffix in ("st", "nd", "rd", "th"):
        words = _ordinal(words)
    elif suffix == "s":
        words = _plural_number(words)
    return f" {words} "


def normalise(text: str) -> list[str]:
    """Spoken-form tokens of a typed sentence (lower case, numbers and units as words).

    Args:
        text: One training example (entity markup already stripped or not).

    Returns:
        Tokens made of letters and apostrophes only.
    """
    text = strip_entity_markup(text).lower().replace("’", "'").replace("‘", "'")
    text = _TIME.sub(lambda m: f" {m.group(1)} {m.group(2)} ", text)
    text = (
        text.replace("km/h", " kilometers per hour ")
        .replace("%", " percent ")
        .replace("&", " and ")
    )
    text = text.replace("+", " plus ").replace("/", " ")
    text = _NUMBER_TOKEN.sub(_spell_number, text)
    text = re.sub(r"[^a-z' ]+", " ", text)
    tokens: list[str] = []
    previous_is_number = False
    number_words = set(_ONES) | set(_TENS) | {"hundred", "thousand", "million", "point"}
    for raw in text.split():
        token = raw.strip("'")
        if not token:
            continue
        if previous_is_number and token in _UNITS:
            tokens.extend(_UNITS[token].split())
            previous_is_number = False
            continue
        if token in SPOKEN_FORMS:
            tokens.extend(SPOKEN_FORMS[token].split())
            previous_is_number = False
            continue
        tokens.append(token)
        previous_is_number = token in number_words
    return tokens


def _examples_in(node: Any) -> Iterator[str]:
    """Example texts of one ``nlu:`` item (block string or list of ``text:`` entries)."""
    examples = node.get("examples") if isinstance(node, dict) else None
    if isinstance(examples, str):
        for line in examples.splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield line[2:].strip()
    elif isinstance(examples, list):
        for entry in examples:
            if isinstance(entry, dict) and isinstance(entry.get("text"), str):
                yield entry["text"]
            elif isinstance(entry, str):
                yield entry


def nlu_files(project_root: Path) -> list[Path]:
    """The NLU training files the corpus comes from, in a stable order."""
    return sorted((project_root / "data" / "nlu").glob("*.yml"))


def training_examples(project_root: Path) -> list[str]:
    """Every intent, synonym and lookup example in ``data/nlu/*.yml``, raw (with markup)."""
    texts: list[str] = []
    for path in nlu_files(project_root):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in document.get("nlu") or []:
            if isinstance(item, dict) and (
                "intent" in item or "synonym" in item or "lookup" in item
            ):
                texts.extend(_examples_in(item))
    return texts


def _short_phrases(wake_phrase: str) -> list[str]:
    from voice.commands import all_command_examples

    return [wake_phrase, *all_command_examples(), *WALKER_ANSWERS]


def fingerprint(project_root: Path, wake_phrase: str = ListenSettings.wake_phrase) -> str:
    """Hash of everything the model is built from (training files, phrases, recipe, dict)."""
    digest = hashlib.sha256()
    digest.update(f"recipe={RECIPE_VERSION};discount={DISCOUNT_MASS}\n".encode())
    digest.update(f"share={SHORT_PHRASE_SHARE}\n".encode())
    for path in nlu_files(project_root):
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for phrase in _short_phrases(wake_phrase):
        digest.update(phrase.encode() + b"\n")
    digest.update(json.dumps([EXTRA_PRONUNCIATIONS, SPOKEN_FORMS], sort_keys=True).encode())
    dictionary = cmudict_path()
    digest.update(f"{dictionary.name}:{dictionary.stat().st_size}".encode())
    return digest.hexdigest()


def _sentences(
    texts: Iterable[str], pronunciations: dict[str, list[str]], dropped: set[str]
) -> Iterator[str]:
    """Normalised sentences, split at words without a pronunciation (collected in ``dropped``)."""
    for text in texts:
        piece: list[str] = []
        for token in normalise(text):
            if token in pronunciations:
                piece.append(token)
                continue
            dropped.add(token)
            if piece:
                yield " ".join(piece)
            piece = []
        if piece:
            yield " ".join(piece)


def short_phrase_weight(typed: int, short: int) -> int:
    """How often the short phrases are repeated so they make up about ``SHORT_PHRASE_SHARE``
    of a corpus of ``typed`` typed sentences (at least once)."""
    if short == 0:
        return 1
    return max(1, round(SHORT_PHRASE_SHARE * typed / ((1 - SHORT_PHRASE_SHARE) * short)))


def build_language_model(
    project_root: Path,
    out_dir: Path,
    *,
    wake_phrase: str = ListenSettings.wake_phrase,
) -> LanguageModelFiles:
    """Build corpus, ARPA trigram model and restricted dictionary into ``out_dir``.

    Args:
        project_root: Directory holding ``data/nlu``.
        out_dir: Where to write ``corpus.txt``, ``domain.lm``, ``domain.dict`` and
            ``manifest.json`` (created if missing; existing files are replaced).
        wake_phrase: Included in the corpus so the recogniser knows its words.

    Returns:
        The written files.

    Raises:
        ValueError: When a wake phrase word has no pronunciation, or the corpus is empty.
    """
    from pocketsphinx.lm import ArpaBoLM

    pronunciations = read_pronunciations(cmudict_path())
    for word, phones in EXTRA_PRONUNCIATIONS.items():
        pronunciations.setdefault(word, list(phones))
    missing = [word for word in wake_phrase.lower().split() if word not in pronunciations]
    if missing:
        raise ValueError(f"wake phrase words not in the dictionary: {missing}")

    dropped: set[str] = set()
    sentences = list(_sentences(training_examples(project_root), pronunciations, dropped))
    short = list(_sentences(_short_phrases(wake_phrase.lower()), pronunciations, dropped))
    sentences.extend(short * short_phrase_weight(len(sentences), len(short)))
    if not sentences:
        raise ValueError(f"no training sentences found under {project_root / 'data' / 'nlu'}")

    out_dir.mkdir(parents=True, exist_ok=True)
    files = LanguageModelFiles(
        lm=out_dir / "domain.lm", dictionary=out_dir / "domain.dict", corpus=out_dir / "corpus.txt"
    )
    corpus_text = "\n".join(sentences) + "\n"
    files.corpus.write_text(corpus_text, encoding="utf-8")

    model = ArpaBoLM(text=corpus_text, add_start=True, discount_mass=DISCOUNT_MASS)
    model.compute()
    with files.lm.open("w", encoding="utf-8") as handle:
        model.write(handle)

    vocabulary = sorted({word for sentence in sentences for word in sentence.split()})
    with files.dictionary.open("w", encoding="utf-8") as handle:
        for word in vocabulary:
            for index, phonemes in enumerate(pronunciations[word]):
                name = word if index == 0 else f"{word}({index + 1})"
                handle.write(f"{name} {phonemes}\n")

    manifest = {
        "fingerprint": fingerprint(project_root, wake_phrase.lower()),
        "sentences": len(sentences),
        "words": len(vocabulary),
        "dropped_words": sorted(dropped),
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return files


def _files_in(directory: Path) -> LanguageModelFiles:
    return LanguageModelFiles(
        lm=directory / "domain.lm",
        dictionary=directory / "domain.dict",
        corpus=directory / "corpus.txt",
    )


def ensure_language_model(
    project_root: Path,
    base_dir: Path,
    *,
    wake_phrase: str = ListenSettings.wake_phrase,
) -> LanguageModelFiles:
    """The model for the current training data, built only when none exists for it.

    Builds go to ``base_dir/<fingerprint[:16]>``: a temporary sibling directory is renamed into
    place once complete, so concurrent callers never see half a model. Older builds are left
    alone (another process may still use them).

    Args:
        project_root: Directory holding ``data/nlu``.
        base_dir: Parent of the fingerprint directories (``ListenSettings.lm_dir``).
        wake_phrase: Included in the corpus (and the fingerprint).

    Returns:
        The model files.
    """
    key = fingerprint(project_root, wake_phrase.lower())
    target = base_dir / key[:16]
    if (target / "manifest.json").exists():
        return _files_in(target)
    base_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=base_dir))
    try:
        build_language_model(project_root, staging, wake_phrase=wake_phrase)
        try:
            os.rename(staging, target)
        except OSError:
            # Another process finished the same build first: use theirs.
            if not (target / "manifest.json").exists():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return _files_in(target)


def main(argv: list[str] | None = None) -> int:
    """Command line: build (or reuse) the domain model and print its directory."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--project-root", type=Path, default=PROJECT_ROOT)
    parser.add_argument("--out", type=Path, default=None, help="base dir (default: settings)")
    args = parser.parse_args(argv)
    settings = ListenSettings.from_env()
    base = args.out if args.out is not None else settings.lm_dir
    files = ensure_language_model(args.project_root, base, wake_phrase=settings.wake_phrase)
    manifest = json.loads((files.lm.parent / "manifest.json").read_text(encoding="utf-8"))
    print(
        f"voice language model: {files.lm.parent} "
        f"({manifest['sentences']} sentences, {manifest['words']} words)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
