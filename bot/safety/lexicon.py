"""The safety lexicon: symptom, condition and context patterns, and text normalisation.

Loads ``bot/content/safety_lexicon.yml`` once per process (on first use, never at import)
and compiles its regular expressions. :func:`normalise` lower-cases a message, straightens
apostrophes and fixes common spelling and speech-recogniser slips of the words the patterns
rely on ("cant breath", "dizy", "chesst"), so patterns are written once, in plain spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from bot.nlp.split_words import join_split_words

LEXICON_PATH = Path(__file__).resolve().parent.parent / "content" / "safety_lexicon.yml"

Severity = Literal["emergency", "urgent"]
SEVERITIES: tuple[Severity, ...] = ("emergency", "urgent")

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
_DIALECT_ME = re.compile(
    r"\bme (?=(chest|heart|ticker|head|arm|arms|leg|legs|knee|knees|ankle|back|calf|face|"
    r"breath|breathing|vision|eyes?|hand|hip|wrist|neck|jaw|stomach|tummy|belly)\b)"
)


@dataclass(frozen=True)
class SymptomPattern:
    """One acute red-flag pattern.

    Attributes:
        kind: The red-flag kind (e.g. ``"chest"``).
        severity: ``emergency`` (call the number now) or ``urgent`` (stop, get checked).
        pattern: The compiled regular expression.
        mild_ok: An ordinary effect of exercise when softened ("a bit out of breath").
        needs_report: Counts only when reported, never inside a question.
    """

    kind: str
    severity: Severity
    pattern: re.Pattern[str]
    mild_ok: bool = False
    needs_report: bool = False


@dataclass(frozen=True)
class ContextPatterns:
    """The ConText-style modifiers (see the lexicon file for what each means)."""

    negation: re.Pattern[str]
    pseudo_negation: re.Pattern[str]
    negation_end: re.Pattern[str]
    hypothetical: re.Pattern[str]
    question_start: re.Pattern[str]
    report: re.Pattern[str]
    current: re.Pattern[str]
    not_current: re.Pattern[str]
    historical: re.Pattern[str]
    event_time: re.Pattern[str]
    resolved: re.Pattern[str]
    habitual: re.Pattern[str]
    mild: re.Pattern[str]
    persisting: re.Pattern[str]
    tag_question: re.Pattern[str]
    technique_question: re.Pattern[str]
    complaint: re.Pattern[str]
    help_question: re.Pattern[str]
    prevention_question: re.Pattern[str]
    other_person: re.Pattern[str]
    self_person: re.Pattern[str]
    family_history: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    """The parsed lexicon file."""

    spelling: dict[str, str]
    fuzzy_words: frozenset[str]
    real_words: frozenset[str]
    symptoms: tuple[SymptomPattern, ...]
    exclusions: re.Pattern[str]
    recurrence: re.Pattern[str]
    health_words: re.Pattern[str]
    not_health: re.Pattern[str]
    context: ContextPatterns
    conditions: tuple[tuple[str, re.Pattern[str]], ...]
    condition_exclusions: re.Pattern[str]

    @property
    def kinds(self) -> tuple[str, ...]:
        """Red-flag kinds in the file's order (its order is the reporting priority)."""
        return tuple(dict.fromkeys(p.kind for p in self.symptoms))

    def severity_of(self, kind: str) -> Severity:
        """A kind's severity: ``emergency`` when any of its patterns is one, else ``urgent``.

        Raises:
            KeyError: If the lexicon has no such kind.
        """
        severities = {p.severity for p in self.symptoms if p.kind == kind}
        if not severities:
            raise KeyError(kind)
        return "emergency" if "emergency" in severities else "urgent"

    @property
    def condition_labels(self) -> tuple[str, ...]:
        """Condition labels in the file's order."""
        return tuple(label for label, _ in self.conditions)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{LEXICON_PATH.name}: bad pattern in {where}: {error}") from error


def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Parse and compile a lexicon file.

    Raises:
        ValueError: Naming the entry, when a pattern does not compile or a severity is unknown.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    symptoms: list[SymptomPattern] = []
    for group in raw["acute"]:
        severity = group["severity"]
        if severity not in SEVERITIES:
            raise ValueError(f"{path.name}: unknown severity {severity!r} for {group['kind']}")
        for number, pattern in enumerate(group["patterns"]):
            symptoms.append(
                SymptomPattern(
                    kind=group["kind"],
                    severity=severity,
                    pattern=_compile(pattern, f"acute {group['kind']} #{number + 1}"),
                    mild_ok=bool(group.get("mild_ok", False)),
                    needs_report=bool(group.get("needs_report", False)),
                )
            )
    context_raw = raw["context"]
    context = ContextPatterns(
        **{
            name: _compile(context_raw[name], f"context {name}")
            for name in ContextPatterns.__dataclass_fields__
        }
    )
    return Lexicon(
        spelling={str(k): str(v) for k, v in raw["spelling"].items()},
        fuzzy_words=frozenset(raw["fuzzy_words"]),
        real_words=frozenset(raw["real_words"]),
        symptoms=tuple(symptoms),
        exclusions=_compile(raw["exclusions"], "exclusions"),
        recurrence=_compile(raw["recurrence"], "recurrence"),
        health_words=_compile(raw["health_words"], "health_words"),
        not_health=_compile(raw["not_health"], "not_health"),
        context=context,
        conditions=tuple(
            (label, _compile(pattern, f"condition {label}"))
            for label, pattern in raw["conditions"].items()
        ),
        condition_exclusions=_compile(raw["condition_exclusions"], "condition_exclusions"),
    )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The packaged lexicon, parsed once per process on first use."""
    return load_lexicon()


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _fix_token(token: str, lexicon: Lexicon) -> str:
    fixed = lexicon.spelling.get(token)
    if fixed is not None:
        return fixed
    if token.endswith("'s") and token[:-2] in lexicon.spelling:
        return lexicon.spelling[token[:-2]] + "'s"
    if len(token) < 5 or token in lexicon.fuzzy_words or token in lexicon.real_words:
        return token
    for word in lexicon.fuzzy_words:
        if _one_edit_apart(token, word):
            return word
    return token


def normalise(text: str, lexicon: Lexicon | None = None) -> str:
    """Lower-case ``text``, straighten quotes, squash spaces and fix known slips.

    Args:
        text: A message as typed or recognised.
        lexicon: The lexicon; the packaged one by default.

    Returns:
        The normalised text (sentence punctuation is kept).
    """
    lexicon = lexicon or default_lexicon()
    lowered = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    lowered = re.sub(r"[“”]", '"', lowered)
    lowered = re.sub(r"\bmy hard\b(?! (time|day|work|enough|one|part))", "my heart", lowered)
    lowered = _DIALECT_ME.sub("my ", lowered)  # "me chest", "me ticker's racing"
    lowered = _DROPPED_G.sub(r"\1ing", lowered)  # "racin'", "makin' sense"
    fixed = _TOKEN.sub(lambda m: _fix_token(m.group(0), lexicon), lowered)
    return _join_split_words(re.sub(r"\s+", " ", fixed).strip(), lexicon)


_DROPPED_G = re.compile(r"\b([a-z]{2,})in'(?![a-z])")


def _join_split_words(text: str, lexicon: Lexicon) -> str:
    """Join a word a recogniser split in two ("war farin", "claudi cation") when the joined
    word is one the patterns rely on (``fuzzy_words``, or one slip away from one)."""

    def known(word: str) -> str | None:
        if len(word) < 7:
            return None
        if word in lexicon.fuzzy_words:
            return word
        fixed = _fix_token(word, lexicon)
        return fixed if fixed in lexicon.fuzzy_words else None

    return join_split_words(text, known)
