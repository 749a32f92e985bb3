"""Ongoing conditions: reading their labels from text, and the advice for each label.

What one stored condition means (its labels with past symptoms too, its advice and
disclaimer) is :mod:`bot.safety.advice`, which reads it with the full assessment.

Labels and their words live in ``bot/content/safety_lexicon.yml`` (``conditions``); who to
consult, why, and whether clearance or supervision comes first live in
``bot/content/safety.yml``, from the fact sheet (sections 3.1-3.2).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.safety.content import ConditionAdvice, SafetyContent, default_content
from bot.safety.context import Span, blank, clause_of, is_negated, sentence_of
from bot.safety.lexicon import Lexicon, default_lexicon, normalise

OTHER = "other"
_SPECIFIC_ARTHRITIS = re.compile(
    r"\b(rheumatoid|psoriatic|gout|ankylosing|hips?|hands?|fingers?|spine|wrists?|shoulders?)\b"
)
_HIGH_PRESSURE = re.compile(r"\b(high|hypertension|hypertensive)\b")
_SURGICAL_JOINT = re.compile(r"\b(acl|mcl|meniscus|ligament)\b")


def label_conditions(
    text: str, lexicon: Lexicon | None = None, *, normalised: bool = False
) -> tuple[str, ...]:
    """The condition labels a message names, not denied and not a family history.

    Args:
        text: A message, or one condition as the profile stores it ("history of falls").
        lexicon: The safety lexicon; the packaged one by default.
        normalised: ``text`` is already :func:`~bot.safety.lexicon.normalise` output.

    Returns:
        Labels in lexicon order (``heart``, ``balance``...); empty when none is named.
    """
    lexicon = lexicon or default_lexicon()
    view = text if normalised else normalise(text, lexicon)
    view = blank(lexicon.condition_exclusions, view)
    p = lexicon.context
    found: dict[str, tuple[int, int]] = {}
    for label, pattern in lexicon.conditions:
        for match in pattern.finditer(view):
            span = Span(match.start(), match.end())
            sentence = sentence_of(view, span.start)
            if is_negated(view, sentence, span, p):
                continue
            clause = clause_of(view, sentence, span.start)
            if p.family_history.search(view, clause.start, clause.end):
                continue  # "..., low pressure runs in the family": not the walker's
            found.setdefault(label, match.span())
            break
    labels = list(found)
    if "knee_arthritis" in found and "arthritis" in found and not _SPECIFIC_ARTHRITIS.search(view):
        labels.remove("arthritis")
    if (
        "low_blood_pressure" in found
        and "high_blood_pressure" in found
        and not _HIGH_PRESSURE.search(view)
    ):
        labels.remove("high_blood_pressure")
    if "knee_arthritis" in found and "joint_pain" in found:
        start, end = found["joint_pain"]
        if "knee" in view[start:end]:
            labels.remove("joint_pain")  # "bad knees, arthritis in both" is one condition
    if "surgery" in found and "joint_pain" in found:
        start, end = found["joint_pain"]
        if _SURGICAL_JOINT.fullmatch(view[start:end]):
            labels.remove("joint_pain")
    return tuple(labels)


def advice_for_label(label: str, content: SafetyContent | None = None) -> ConditionAdvice:
    """The advice for a condition label (``other`` for an unknown label)."""
    content = content or default_content()
    return content.conditions.get(label) or content.conditions[OTHER]


def label_disclaimer(labels: Iterable[str], content: SafetyContent | None = None) -> str:
    """The disclaimer for condition labels (an assessment's ``conditions``)."""
    return disclaimer_for([advice_for_label(label, content) for label in labels], content)


def disclaimer_for(advice: list[ConditionAdvice], content: SafetyContent | None = None) -> str:
    """The disclaimer for some conditions' advice: who to consult for the first two (known
    conditions before unknown ones), then the general disclaimer."""
    content = content or default_content()
    if len(advice) > 1:
        advice = [a for a in advice if a.id != OTHER] or advice
    if not advice:
        return (
            "Thanks for telling me. Please check with your doctor or a physical therapist "
            "before you start walking backwards, because it raises the risk of tripping or "
            f"falling. {content.general_disclaimer}"
        )
    sentences = []
    for item in advice[:2]:
        if item.id == OTHER:
            sentences.append(
                f"Because you mentioned {item.name}, please check with {item.consult} "
                f"before you start. {item.why}"
            )
        elif item.supervised_only:
            sentences.append(
                f"With {item.name}, please only practise walking backwards with "
                f"{item.consult} supervising you, not on your own. {item.why}"
            )
        else:
            sentences.append(
                f"With {item.name}, please talk to {item.consult} before you start. {item.why}"
            )
    sentences.append(content.general_disclaimer)
    return " ".join(sentences)
