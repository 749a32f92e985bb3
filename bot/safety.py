"""Safety rules: red-flag detection, condition advice and disclaimers.

Plain Python with no Rasa import. The content (wording, patterns, who to consult) lives in
``bot/content/safety.yml`` and is traceable to the fact sheet; this module only applies it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SAFETY_CONTENT_PATH = Path(__file__).parent / "content" / "safety.yml"

_SENTENCE_END = re.compile(r"[.!?;\n]")
_NEGATION_WINDOW_WORDS = 4


@dataclass(frozen=True)
class ConditionAdvice:
    """What to tell someone who mentions a health condition or injury.

    Attributes:
        id: Category id from the content file (e.g. ``"heart"``).
        name: How the condition is named back to the user (e.g. ``"a heart condition"``).
        consult: Who to talk to (e.g. ``"your doctor or cardiologist"``).
        why: One sentence on why, from the fact sheet.
        supervised_only: True when the fact sheet says: practise only under supervision.
    """

    id: str
    name: str
    consult: str
    why: str
    supervised_only: bool = False


@dataclass(frozen=True)
class RedFlagRule:
    """A red-flag kind with its compiled patterns and advice."""

    id: str
    patterns: tuple[re.Pattern[str], ...]
    advice: str


@dataclass(frozen=True)
class RedFlag:
    """A red-flag symptom found in a message.

    Attributes:
        kind: The red-flag kind (e.g. ``"chest"``).
        phrase: The text that matched.
        advice: Kind-specific advice.
    """

    kind: str
    phrase: str
    advice: str


@dataclass(frozen=True)
class _ConditionRule:
    advice: ConditionAdvice
    match: tuple[str, ...]


@dataclass(frozen=True)
class SafetyContent:
    """The parsed safety content file."""

    general_disclaimer: str
    emergency_numbers: str
    conditions: tuple[_ConditionRule, ...]
    red_flags: tuple[RedFlagRule, ...]
    exclusions: tuple[str, ...]
    negations: frozenset[str]
    not_current: tuple[str, ...]


def load_safety_content(path: Path = SAFETY_CONTENT_PATH) -> SafetyContent:
    """Parse a safety content file.

    Args:
        path: The YAML file to read.

    Returns:
        The parsed content.

    Raises:
        ValueError: If the file lacks the ``other`` fallback condition.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    conditions = tuple(
        _ConditionRule(
            advice=ConditionAdvice(
                id=c["id"],
                name=c["name"],
                consult=c["consult"],
                why=c["why"],
                supervised_only=bool(c.get("supervised_only", False)),
            ),
            match=tuple(m.lower() for m in c.get("match", [])),
        )
        for c in raw["conditions"]
    )
    if not conditions or conditions[-1].advice.id != "other":
        raise ValueError(f"{path}: the last condition must be the 'other' fallback")
    red_flags = tuple(
        RedFlagRule(
            id=r["id"],
            patterns=tuple(re.compile(p) for p in r["patterns"]),
            advice=r["advice"],
        )
        for r in raw["red_flags"]
    )
    return SafetyContent(
        general_disclaimer=" ".join(raw["general_disclaimer"].split()),
        emergency_numbers=raw["emergency_numbers"],
        conditions=conditions,
        red_flags=red_flags,
        exclusions=tuple(e.lower() for e in raw.get("exclusions", [])),
        negations=frozenset(n.lower() for n in raw.get("negations", [])),
        not_current=tuple(h.lower() for h in raw.get("hypotheticals", [])),
    )


@lru_cache(maxsize=1)
def default_content() -> SafetyContent:
    """The packaged safety content, parsed once per process on first use."""
    return load_safety_content()


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text)


def _sentence_before(text: str, position: int) -> str:
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, position)]
    return text[starts[-1] if starts else 0 : position]


def _is_negated(before: str, negations: frozenset[str]) -> bool:
    words = re.findall(r"[a-z']+", before)[-_NEGATION_WINDOW_WORDS:]
    joined = " ".join(words)
    return any(
        (" " in neg and neg in joined) or (" " not in neg and neg in words) for neg in negations
    )


def _is_not_current(before: str, markers: Sequence[str]) -> bool:
    padded = f" {before} "
    return any(f" {marker} " in padded or padded.lstrip().startswith(marker) for marker in markers)


def detect_red_flag(text: str, content: SafetyContent | None = None) -> RedFlag | None:
    """Find a red-flag symptom the person reports *now* in ``text``.

    A phrase does not count when a negation comes just before it ("no chest pain") or
    when its sentence is hypothetical or about the past ("what if I feel dizzy?",
    "I had a history of fainting"); those are left to the intent classifier.

    Args:
        text: The user's message.
        content: Safety content; the packaged content by default.

    Returns:
        The first red flag found, or None.
    """
    content = content or default_content()
    normalised = _normalise(text)
    for exclusion in content.exclusions:
        normalised = normalised.replace(exclusion, " " * len(exclusion))
    for rule in content.red_flags:
        for pattern in rule.patterns:
            for match in pattern.finditer(normalised):
                before = _sentence_before(normalised, match.start())
                if _is_negated(before, content.negations):
                    continue
                if _is_not_current(before, content.not_current):
                    continue
                return RedFlag(kind=rule.id, phrase=match.group(0).strip(), advice=rule.advice)
    return None


def red_flag_message(flag: RedFlag | None, content: SafetyContent | None = None) -> str:
    """The stop-now message for a red flag.

    Args:
        flag: The detected red flag, or None when only the classifier flagged it.
        content: Safety content; the packaged content by default.

    Returns:
        A message telling the person to stop, what to do, and the emergency numbers.
    """
    content = content or default_content()
    specific = f" {flag.advice}" if flag else ""
    return (
        "Please stop walking now and sit or lie down somewhere safe."
        f"{specific} In an emergency call your local emergency number "
        f"({content.emergency_numbers}). I'm a coach, not a medical service, "
        "so please don't wait for me."
    )


def advice_for_condition(value: str, content: SafetyContent | None = None) -> ConditionAdvice:
    """Match a condition, injury or symptom mention to its advice category.

    Args:
        value: The condition as extracted (canonical entity value or free text).
        content: Safety content; the packaged content by default.

    Returns:
        The first category whose match words occur in ``value``; ``other`` if none.
    """
    content = content or default_content()
    padded = f" {value.lower().strip()} "
    for rule in content.conditions:
        if any(word in padded for word in rule.match):
            return rule.advice
    return content.conditions[-1].advice


def condition_disclaimer(mentions: Iterable[str], content: SafetyContent | None = None) -> str:
    """A disclaimer naming each mentioned condition and who to consult.

    Args:
        mentions: Condition, injury or symptom values the person mentioned. May be empty.
        content: Safety content; the packaged content by default.

    Returns:
        Two to four plain sentences.
    """
    content = content or default_content()
    seen: dict[str, ConditionAdvice] = {}
    for mention in mentions:
        advice = advice_for_condition(mention, content)
        if advice.id == "other" and mention.strip():
            advice = ConditionAdvice(
                id=advice.id, name=mention.strip(), consult=advice.consult, why=advice.why
            )
        seen.setdefault(advice.id, advice)
    if len(seen) > 1:
        seen.pop("other", None)
    if not seen:
        return (
            "Thanks for telling me. Please check with your doctor or a physical therapist "
            "before you start walking backwards, because it raises the risk of tripping or "
            f"falling. {content.general_disclaimer}"
        )
    sentences = []
    for advice in list(seen.values())[:2]:
        if advice.id == "other":
            sentences.append(
                f"Because you mentioned {advice.name}, please check with {advice.consult} "
                f"before you start. {advice.why}"
            )
        elif advice.supervised_only:
            sentences.append(
                f"With {advice.name}, please only practise walking backwards with "
                f"{advice.consult} supervising you, not on your own. {advice.why}"
            )
        else:
            sentences.append(
                f"With {advice.name}, please talk to {advice.consult} before you start. "
                f"{advice.why}"
            )
    sentences.append(content.general_disclaimer)
    return " ".join(sentences)
