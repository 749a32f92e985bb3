"""The safety assessment: one decision, from a message and its context, for every client.

:func:`assess` reads a message the way a careful coach would: which warning symptoms it
mentions, and for each whether it is happening now, asked about, denied, in the past,
habitual, a mild effect of exercise, and to whom. The result says, as data, whether to stop
(an acute red flag: kind, emergency or urgent, the user or someone else), which ongoing
conditions were named, and what was only asked about or remembered. The Rasa pipeline (every
channel), the voice walk (online and offline) and any later client call this one function.

Two readers make the decision. The lexicon's ConText-style reader (:func:`assess_rules`)
finds symptom and condition mentions and reads their context. A trained classifier
(:mod:`bot.safety.classifier`) reads the message as a whole, for reports worded in ways no
pattern foresaw ("feels like drowning on dry land"). The classifier adds a stop only where
the lexicon found no mention at all, or only mild ones: when the lexicon read every
mention as denied, asked about or in the past, that reading stands.

Recall first: when a mention could be a report, it counts as one; a question reading can
follow in the same reply, but never instead of the stop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from bot.safety.conditions import label_conditions
from bot.safety.context import (
    Span,
    Status,
    Who,
    asked_after,
    blank,
    clause_of,
    experiencer,
    is_mild,
    is_negated,
    is_question,
    is_technique_question,
    sentence_of,
    time_status,
)
from bot.safety.lexicon import Lexicon, Severity, SymptomPattern, default_lexicon, normalise

if TYPE_CHECKING:
    from bot.safety.classifier import Reading, SafetyClassifier

# Kinds someone may name while asking whether walking backwards would help them (an aching
# back, a sore knee); never an emergency kind.
_HELPED_KINDS = frozenset({"injury"})

MessageContext = Literal["chat", "walking", "treadmill", "conditions_answer"]
MESSAGE_CONTEXTS: tuple[MessageContext, ...] = ("chat", "walking", "treadmill", "conditions_answer")

# Symptom kinds that, when habitual or in the past, are an ongoing condition to screen for
# (PAR-Q: chest pain on activity, losing balance or consciousness).
HISTORY_LABELS = {
    "chest": "heart",
    "heart_rhythm": "heart",
    "fainting": "balance",
    "dizziness": "balance",
    "fall": "balance",
    "breathing": "lung",
    "stroke": "stroke",
    "blood_clot": "blood_clot",
    "head_injury": "concussion",
}


@dataclass(frozen=True)
class SymptomMention:
    """One warning-symptom mention and what its context says about it.

    Attributes:
        kind: The red-flag kind (``chest``, ``stroke``...).
        severity: ``emergency`` or ``urgent`` when it is happening now.
        phrase: The words that matched, as normalised.
        status: ``current``, ``negated``, ``question``, ``history``, ``habitual`` or ``mild``.
        who: ``self`` or ``other``.
    """

    kind: str
    severity: Severity
    phrase: str
    status: Status
    who: Who


@dataclass(frozen=True)
class RedFlag:
    """An acute red flag: stop now.

    Attributes:
        kind: The red-flag kind.
        severity: ``emergency`` (call the emergency number now) or ``urgent``.
        who: ``self`` or ``other`` (someone with the user).
        phrase: The words that matched.
    """

    kind: str
    severity: Severity
    who: Who
    phrase: str


@dataclass(frozen=True)
class SafetyAssessment:
    """What a message means for safety.

    Attributes:
        acute: The red flag to act on now, or None.
        mentions: Every symptom mention with its reading.
        conditions: Ongoing condition labels named (``heart``, ``balance``...), in order.
        context: Where the message was said.
    """

    acute: RedFlag | None
    mentions: tuple[SymptomMention, ...] = ()
    conditions: tuple[str, ...] = ()
    context: MessageContext = "chat"

    @property
    def stop(self) -> bool:
        """Whether the walk must stop and the person be sent to help."""
        return self.acute is not None


def _read_mention(
    text: str, start: int, end: int, symptom: SymptomPattern, lexicon: Lexicon, unblanked: str
) -> tuple[Status, Who | None]:
    p = lexicon.context
    mention = Span(start, end)
    sentence = sentence_of(text, start)
    clause = clause_of(text, sentence, start)
    who = experiencer(text, sentence, clause, mention, p)
    if is_negated(text, sentence, mention, p):
        return "negated", who
    if is_question(text, sentence, clause, mention, p) or is_technique_question(
        text, clause, mention, p
    ):
        return "question", who
    when = time_status(text, sentence, clause, mention, p)
    if when != "current":
        return when, who
    # Softeners are read in the text before figures of speech were blanked: "feeling good"
    # is blanked as a symptom but still softens "sweating like a pig but feeling good".
    if symptom.mild_ok and is_mild(unblanked, sentence, clause, mention, p):
        return "mild", who
    if symptom.needs_report and p.question_start.search(
        text[sentence.start : sentence.end].strip()
    ):
        return "question", who
    if symptom.severity != "emergency":
        helped = symptom.kind in _HELPED_KINDS
        background = asked_after(text, clause, mention, p, helped=helped)
        if background is not None:
            return background, who
    return "current", who


def _mentions(text: str, lexicon: Lexicon, unblanked: str) -> list[SymptomMention]:
    """Symptom mentions in ``text`` (figures of speech blanked) with their reading;
    ``unblanked`` is the same text before the blanking (softeners are read there)."""
    found: list[tuple[int, SymptomMention]] = []
    taken: list[tuple[int, int]] = []
    last_who: Who = "self"
    readings = []
    for symptom in lexicon.symptoms:
        for match in symptom.pattern.finditer(text):
            start, end = match.span()
            if end <= start or any(s <= start < e for s, e in taken):
                continue
            taken.append((start, end))
            readings.append((start, end, symptom))
    readings.sort(key=lambda item: item[0])
    for start, end, symptom in readings:
        status, who = _read_mention(text, start, end, symptom, lexicon, unblanked)
        if who is None:
            who = last_who
        last_who = who
        found.append(
            (
                start,
                SymptomMention(
                    kind=symptom.kind,
                    severity=symptom.severity,
                    phrase=text[start:end].strip(),
                    status=status,
                    who=who,
                ),
            )
        )
    return [mention for _, mention in sorted(found, key=lambda item: item[0])]


def _recurred(text: str, mentions: list[SymptomMention], lexicon: Lexicon) -> list[SymptomMention]:
    """ "I had chest pain last year, today it's back": past mentions become current."""
    p = lexicon.context
    for match in lexicon.recurrence.finditer(text):
        sentence = sentence_of(text, match.start())
        span = Span(match.start(), match.end())
        if is_negated(text, sentence, span, p):
            continue
        if is_question(text, sentence, clause_of(text, sentence, match.start()), span, p):
            continue
        return [
            SymptomMention(m.kind, m.severity, m.phrase, "current", m.who)
            if m.status in ("history", "habitual")
            else m
            for m in mentions
        ]
    return mentions


def _priority(mention: SymptomMention, kinds: tuple[str, ...]) -> tuple[int, int]:
    return (0 if mention.severity == "emergency" else 1, kinds.index(mention.kind))


def assess(
    text: str,
    context: MessageContext = "chat",
    lexicon: Lexicon | None = None,
    classifier: SafetyClassifier | None = None,
) -> SafetyAssessment:
    """Assess a message for safety: the lexicon's reading, then the classifier's.

    Args:
        text: The message as typed or recognised.
        context: Where it was said: ``chat``, during a ``walking`` or ``treadmill`` walk, or
            as the answer to the conditions question (``conditions_answer``).
        lexicon: The safety lexicon; the packaged one by default.
        classifier: The trained classifier; the packaged one by default.

    Returns:
        The assessment. ``acute`` is set when any mention is happening now (the most
        severe one: emergencies first, then the lexicon's order), or when the classifier
        reads the message as a report and the lexicon has no reading against it.
    """
    if classifier is None:
        from bot.safety.classifier import default_classifier

        classifier = default_classifier()
    lexicon = lexicon or default_lexicon()
    rules = assess_rules(text, context, lexicon)
    if rules.acute is not None or not text.strip():
        return rules
    return with_reading(rules, text, classifier.read(text), classifier.thresholds, lexicon)


# The lexicon's readings that the classifier does not overrule: asked about, denied, past.
CALM_STATUSES = frozenset({"negated", "question", "history", "habitual"})


def with_reading(
    rules: SafetyAssessment,
    text: str,
    reading: Reading,
    thresholds: Mapping[str, float],
    lexicon: Lexicon | None = None,
) -> SafetyAssessment:
    """The lexicon's assessment with the classifier's reading of the whole message added.

    A stop is added when the classifier's ``acute`` probability reaches the threshold for
    the severity of the kind it reads (``thresholds``: ``emergency``, ``urgent``) and
    the lexicon found no mention it read as asked about or in the past, and did not read
    the classifier's kind as denied ("she's on the floor, she didn't bang her head" is
    still a fall), and the message speaks of the body or health at all (the lexicon's
    ``health_words``, outside the ``not_health`` phrases such as "back from the park" or "no
    pain": on "probably the park" the classifier's reading is a guess), and the
    message as a whole is not told as past or habitual with nothing saying now ("once saw
    stars getting out of a hot bath", "legs went heavy but recovered quick"). Its kind is
    the classifier's; who is read from the message (the first person it names).
    """
    lexicon = lexicon or default_lexicon()
    severity = lexicon.severity_of(reading.kind)
    if rules.acute is not None or reading.acute < thresholds[severity]:
        return rules
    view = normalise(text, lexicon)
    if lexicon.exclusions.search(view):
        return rules  # the lexicon knows this for a figure of speech ("fell asleep")
    if not lexicon.health_words.search(blank(lexicon.not_health, view)):
        return rules  # nothing about the body or health: the reading is a guess ("the park")
    whole = Span(0, len(view))
    if time_status(view, whole, whole, whole, lexicon.context) != "current":
        return rules  # told as past or habitual, and nothing says now ("once saw stars")
    for mention in rules.mentions:
        if mention.status in CALM_STATUSES and (
            mention.status != "negated" or mention.kind == reading.kind
        ):
            return rules  # asked about or past; or this very sign denied
    who = experiencer(
        view, Span(0, len(view)), Span(0, len(view)), Span(0, len(view)), lexicon.context
    )
    flag = RedFlag(
        kind=reading.kind,
        severity=severity,
        who=who or "self",
        phrase=text.strip(),
    )
    return replace(rules, acute=flag)


def assess_rules(
    text: str, context: MessageContext = "chat", lexicon: Lexicon | None = None
) -> SafetyAssessment:
    """The lexicon's reading alone: symptom and condition mentions and their context.

    Args:
        text: The message as typed or recognised.
        context: Where it was said (see :func:`assess`).
        lexicon: The safety lexicon; the packaged one by default.

    Returns:
        The assessment. ``acute`` is set when any mention is happening now; the most
        severe one is reported (emergencies first, then the lexicon's order).
    """
    lexicon = lexicon or default_lexicon()
    normalised = normalise(text, lexicon)
    searched = blank(lexicon.exclusions, normalised)
    mentions = _recurred(searched, _mentions(searched, lexicon, normalised), lexicon)
    current = [m for m in mentions if m.status == "current"]
    acute = None
    if current:
        top = min(current, key=lambda m: _priority(m, lexicon.kinds))
        acute = RedFlag(kind=top.kind, severity=top.severity, who=top.who, phrase=top.phrase)
    labels = list(label_conditions(normalised, lexicon, normalised=True))
    if not labels:
        for mention in mentions:
            if mention.status in ("history", "habitual") and mention.who == "self":
                label = HISTORY_LABELS.get(mention.kind)
                if label and label not in labels:
                    labels.append(label)
    return SafetyAssessment(
        acute=acute,
        mentions=tuple(mentions),
        conditions=tuple(labels),
        context=context,
    )
