"""What a stored or typed condition means: its labels, its advice and the disclaimer.

A condition is read with the lexicon's assessment (:func:`bot.safety.assessment.assess_rules`
in the ``conditions_answer`` context: the labels and mentions it gives are the same as
``assess``'s, without the classifier's cost), so a past symptom counts too: "I fell twice
last winter" is a balance matter and "I had a DVT" a past blood clot. A value that names
nothing known keeps its own words with the ``other`` advice: it is asked about, and cleared
before a plan.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.safety.assessment import assess_rules
from bot.safety.conditions import OTHER, advice_for_label, disclaimer_for
from bot.safety.content import ConditionAdvice, SafetyContent


def stored_labels(value: str) -> tuple[str, ...]:
    """The labels of one condition as stored or typed; empty when it names none."""
    return assess_rules(value, "conditions_answer").conditions


def condition_labels(value: str) -> tuple[str, ...]:
    """:func:`stored_labels`, or ``("other",)`` when the value names no known condition."""
    return stored_labels(value) or (OTHER,)


def advice_for_condition(value: str, content: SafetyContent | None = None) -> ConditionAdvice:
    """The advice for one stored condition ("history of falls", "knee osteoarthritis").

    The first label the value names; a value that names no known condition gets the
    ``other`` advice under its own name.
    """
    return advice_for_conditions([value], content)[0]


def advice_for_conditions(
    mentions: Iterable[str], content: SafetyContent | None = None
) -> tuple[ConditionAdvice, ...]:
    """Advice for each distinct condition among ``mentions`` (several labels per value)."""
    seen: dict[str, ConditionAdvice] = {}
    for mention in mentions:
        labels = stored_labels(mention)
        if not labels:
            other = advice_for_label(OTHER, content)
            name = mention.strip() or other.name
            seen.setdefault(
                f"{OTHER}:{name}",
                ConditionAdvice(
                    id=OTHER,
                    name=name,
                    consult=other.consult,
                    why=other.why,
                    clearance=other.clearance,
                    supervised_only=other.supervised_only,
                ),
            )
            continue
        for label in labels:
            seen.setdefault(label, advice_for_label(label, content))
    return tuple(seen.values())


def condition_disclaimer(mentions: Iterable[str], content: SafetyContent | None = None) -> str:
    """A disclaimer naming each mentioned condition and who to consult.

    Args:
        mentions: Conditions the person mentioned, as stored or typed. May be empty.
        content: Safety content; the packaged content by default.

    Returns:
        Two to four plain sentences, ending with the general disclaimer.
    """
    return disclaimer_for(list(advice_for_conditions(mentions, content)), content)
