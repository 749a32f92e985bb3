"""The entity pattern files as regular expressions, for readers that get no entities.

``bot/nlp/patterns/*.jsonl`` is the one list of place, condition, symptom and body-part words:
the spaCy entity ruler reads it, and :func:`phrase_matcher` turns the same lines into one
regular expression, so that a reader of raw text (the profile parser, when a caller passes no
entities) finds the same phrases with the same ids. Each token pattern becomes a word: a
``LOWER`` or ``ORTH`` string or ``IN`` list, optional with ``"OP": "?"``, repeated with ``+``
or ``*``; tokens are separated by white space, and a token starting with punctuation ("-",
"'s") may be written with or without it ("tread-mill", "tread - mill", "parkinson's").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.nlp.build import PATTERNS_DIR, load_patterns


class VocabularyError(ValueError):
    """A pattern uses a token attribute or operator this reader cannot turn into a regex."""


def _alternatives(token: Mapping[str, Any]) -> list[str]:
    keys = set(token) - {"OP"}
    if len(keys) != 1 or not keys <= {"LOWER", "ORTH"}:
        raise VocabularyError(f"unsupported token pattern {dict(token)}")
    value = token["LOWER"] if "LOWER" in token else token["ORTH"]
    if isinstance(value, str):
        return [value.lower()]
    if isinstance(value, Mapping) and set(value) == {"IN"} and value["IN"]:
        return [str(word).lower() for word in value["IN"]]
    raise VocabularyError(f"unsupported token value {value!r}")


def _word(alternatives: Sequence[str]) -> str:
    """One token: the alternatives, longest first."""
    body = "|".join(re.escape(word) for word in sorted(set(alternatives), key=lambda w: -len(w)))
    return f"(?:{body})"


def _attached(alternatives: Sequence[str]) -> bool:
    """A token spaCy splits off the word before it: "-", "'s", "n't" (of "can't")."""
    return any(not word[:1].isalnum() or "'" in word or "\u2019" in word for word in alternatives)


def pattern_regex(pattern: Sequence[Mapping[str, Any]] | str) -> str:
    """The regular expression of one entity-ruler pattern (token list or phrase string).

    Raises:
        VocabularyError: The pattern uses something other than ``LOWER``/``ORTH`` words
            and the ``?``, ``+``, ``*`` operators, or every token is optional.
    """
    if isinstance(pattern, str):
        return r"(?<!\w)" + re.escape(pattern.lower()).replace(r"\ ", r"\s+") + r"(?!\w)"
    tokens: list[tuple[str, str, bool]] = []  # (regex, operator, attached to the word before)
    for token in pattern:
        alternatives = _alternatives(token)
        op = str(token.get("OP", ""))
        if op not in ("", "?", "+", "*"):
            raise VocabularyError(f"unsupported operator {op!r} in {dict(token)}")
        tokens.append((_word(alternatives), op, _attached(alternatives)))
    if all(op in ("?", "*") for _, op, _ in tokens):
        raise VocabularyError(f"every token of {list(pattern)} is optional")

    def gap(before: int, after: int) -> str:
        return r"\s*" if tokens[before][2] or tokens[after][2] else r"\s+"

    def repeated(index: int) -> str:
        word, op, _ = tokens[index]
        return f"{word}(?:{gap(index, index)}{word})*" if op in ("+", "*") else word

    out = ""
    first_required = next(i for i, (_, op, _) in enumerate(tokens) if op in ("", "+"))
    # Optional tokens before the first required one carry the gap after them ...
    for index in range(first_required):
        out += f"(?:{repeated(index)}{gap(index, index + 1)})?"
    out += repeated(first_required)
    # ... and every later token the gap before it.
    for index in range(first_required + 1, len(tokens)):
        piece = f"{gap(index - 1, index)}{repeated(index)}"
        out += f"(?:{piece})?" if tokens[index][1] in ("?", "*") else piece
    # Whole words only: no word character just before or after the phrase.
    return rf"(?<!\w){out}(?!\w)"


@dataclass(frozen=True)
class Phrase:
    """A phrase of the vocabulary found in a text."""

    id: str
    label: str
    start: int
    end: int


_WORD = re.compile(r"\w+")
# Tokens as spaCy's English tokenizer splits these phrases: a word (with an inner apostrophe)
# or one punctuation mark.
_TOKEN = re.compile(r"\w+(?:'\w+)?|[^\w\s]")


def _first_words(pattern: Sequence[Mapping[str, Any]] | str) -> set[str] | None:
    """The words a match of ``pattern`` can start with; None when one is not a plain word.

    Raises:
        VocabularyError: A match could start with punctuation ("-", "'s").
    """
    if isinstance(pattern, str):
        words = {pattern.lower().split()[0]} if pattern.strip() else set()
    else:
        words = set()
        for index, token in enumerate(pattern):
            words |= set(_alternatives(token))
            if index + 1 < len(pattern) and _attached(_alternatives(pattern[index + 1])):
                return None  # "ca" + "n't", "runner" + "s": the text's word is longer
            if str(token.get("OP", "")) not in ("?", "*"):
                break
    if not words or not all(re.match(r"\w", word) for word in words):
        raise VocabularyError(f"a phrase of {pattern!r} could start with punctuation")
    if not all(re.fullmatch(r"\w+", word) for word in words):
        return None
    return words


def _case_sensitive(pattern: Sequence[Mapping[str, Any]] | str) -> bool:
    """An ``ORTH`` pattern ("MS", "AF") tells case apart, which lower-case text cannot."""
    return not isinstance(pattern, str) and any("ORTH" in token for token in pattern)


class PhraseMatcher:
    """Finds the phrases of some labels in lower-case text, longest first where they overlap.

    Case-sensitive patterns (``ORTH``: "MS" for multiple sclerosis, not "ms") are left out.
    """

    def __init__(self, patterns: Iterable[Mapping[str, Any]]) -> None:
        entries: list[tuple[str, str, str]] = []  # (regex, label, id)
        by_first_word: dict[str, list[int]] = {}
        anywhere: list[int] = []  # patterns whose first word is not a plain word
        for entry in patterns:
            if _case_sensitive(entry["pattern"]):
                continue
            index = len(entries)
            entries.append((pattern_regex(entry["pattern"]), str(entry["label"]), str(entry["id"])))
            firsts = _first_words(entry["pattern"])
            if firsts is None:
                anywhere.append(index)  # "c.o.p.d", "type-1": tried at every word
            for word in firsts or ():
                by_first_word.setdefault(word, []).append(index)
        if not entries:
            raise VocabularyError("no patterns")
        self._entries = entries
        self._singles = [re.compile(regex) for regex, _, _ in entries]
        self._by_first_word = by_first_word
        self._anywhere = anywhere

    def finditer(self, text: str) -> list[Phrase]:
        """Non-overlapping phrases, in text order, chosen as spaCy's entity ruler chooses:
        the longest in tokens first, then the earliest ("feel unsteady on my feet": the
        condition "unsteady on my feet", not the symptom "feel unsteady" and "feet").

        Every pattern starts with a word character (checked when built), so a phrase starts
        where a word does: only the patterns that can start with that word are tried there.
        """
        candidates: list[tuple[int, int, int]] = []  # (start, end, entry index)
        for word in _WORD.finditer(text):
            start = word.start()
            for index in self._by_first_word.get(word.group(), []) + self._anywhere:
                m = self._singles[index].match(text, start)
                if m is not None and m.end() > start:
                    candidates.append((start, m.end(), index))
        candidates.sort(key=lambda c: (-len(_TOKEN.findall(text, c[0], c[1])), c[0], -c[1]))
        taken: list[tuple[int, int, int]] = []
        for start, end, index in candidates:
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, index))
        found = []
        for start, end, index in sorted(taken):
            _, label, ident = self._entries[index]
            found.append(Phrase(ident, label, start, end))
        return found


@cache
def _patterns(patterns_dir: Path) -> tuple[dict[str, Any], ...]:
    """The pattern files, read once for every matcher and regex built from them."""
    return tuple(load_patterns(patterns_dir))


@cache
def _matcher(labels: tuple[str, ...], patterns_dir: Path) -> PhraseMatcher:
    wanted = set(labels)
    return PhraseMatcher(p for p in _patterns(patterns_dir) if p["label"] in wanted)


def phrase_matcher(*labels: str, patterns_dir: Path = PATTERNS_DIR) -> PhraseMatcher:
    """The matcher of ``labels``' patterns (built once per set of labels, on first use)."""
    return _matcher(tuple(sorted(labels)), patterns_dir)


@cache
def _label_regex(labels: tuple[str, ...], patterns_dir: Path) -> str:
    wanted = set(labels)
    regexes = {
        pattern_regex(p["pattern"])
        for p in _patterns(patterns_dir)
        if p["label"] in wanted and not _case_sensitive(p["pattern"])
    }
    return "(?:" + "|".join(sorted(regexes, key=lambda r: (-len(r), r))) + ")"


def label_regex(*labels: str, patterns_dir: Path = PATTERNS_DIR) -> str:
    """One regular expression (a non-capturing group) for any phrase of ``labels``.

    For rules that build on the vocabulary ("bad" + a body part). Longer patterns come
    first, so at one place the longer phrase is usually the one matched.
    """
    return _label_regex(tuple(sorted(labels)), patterns_dir)
