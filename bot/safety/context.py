"""What the words around a symptom mention say about it, in the spirit of ConText.

ConText (Harkema et al., J Biomed Inform 2009) decides for each clinical mention whether it
is negated, hypothetical, historical or experienced by someone else, from trigger words and
their scope. medspaCy implements it for clinical notes, but its 1.3 release needs spaCy 3.8
(Rasa 3.6 pins 3.4) and pulls in QuickUMLS and PyRuSH; its rules are written for notes
("denies", "r/o"), not for what walkers say. This module applies the same idea to lay
messages: triggers come from ``bot/content/safety_lexicon.yml``, scopes are the sentence
and the clause, and where a past and a present marker compete the nearer one wins.

It is not :mod:`bot.nlp.negation` (the profile parser's and the plan adaptation's helper):
that asks whether a few words before an answer say "not"; this decides whether a symptom is
happening to the walker now, with pseudo-negations, negations inside the
mention ("heart's not racing"), time and who, from the safety lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.safety.lexicon import ContextPatterns

Status = Literal["current", "negated", "question", "history", "habitual", "mild"]
Who = Literal["self", "other"]

_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
_CLAUSE_BREAK = re.compile(r"[,:]|\b(but|though|although|however|whereas|and now|so now)\b")
_NEGATION_WORDS = 6
_COGNITION_AFTER_SELF = re.compile(
    r"^\W*(think|thinks|reckon|guess|believe|can see|see|saw|found|noticed|notice|am with|"
    r"'m with|was with|walk with|walking with|am walking|'m walking|'m out|am out|'m here|"
    r"just saw|just found|need|want)\b"
)


@dataclass(frozen=True)
class Span:
    """A part of the normalised text: ``text[start:end]``."""

    start: int
    end: int


def sentence_of(text: str, position: int) -> Span:
    """The sentence (up to and including its end punctuation) that holds ``position``."""
    for match in _SENTENCE.finditer(text):
        if match.start() <= position < match.end():
            return Span(match.start(), match.end())
    return Span(0, len(text))


def clause_of(text: str, sentence: Span, position: int) -> Span:
    """The clause of ``sentence`` that holds ``position`` (split at commas and "but")."""
    start, end = sentence.start, sentence.end
    for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        if match.end() <= position:
            start = match.end()
        elif match.start() > position:
            end = match.start()
            break
    return Span(start, end)


def _nearest_distance(pattern: re.Pattern[str], text: str, span: Span, mention: Span) -> int | None:
    """Distance in characters from ``mention`` to the nearest match inside ``span``."""
    best: int | None = None
    for match in pattern.finditer(text, span.start, span.end):
        if match.end() <= mention.start:
            distance = mention.start - match.end()
        elif match.start() >= mention.end:
            distance = match.start() - mention.end
        else:
            distance = 0
        best = distance if best is None else min(best, distance)
    return best


def blank(pattern: re.Pattern[str], text: str) -> str:
    """``text`` with every match of ``pattern`` replaced by spaces (positions kept)."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


_INSIDE_NEGATION = re.compile(
    r"(\b(not|no|never|nothing)\b|\b(is|are|was|were|does|do|did|has|have|ai)n't\b)(?! ("
    r"responding|respond|answering|answer|waking|wake|breathing|moving|reacting|"
    r"making sense|able|enough|coming|getting|slowing|stopping|going away|easing|"
    r"felt|feel|feeling|kicking|know|knowing|recognise|recognize|doing|working|helping|"
    r"air|breath\b|regular|normal|remember|touched|touching|shifting|budging|made a difference|"
    r"made any difference|fit))"
)


# Denied right after it is named: "my chest doesn't hurt", "his breathing is not bad".
_NEGATED_AFTER = re.compile(
    r"\s*(?:'s|is|are|was)?\s*(?:doesn't|does not|isn't|is not|didn't|did not|don't|do not|"
    r"ain't|not|never|no dey|no)\s+(?:hurt|hurting|ache|aching|sore|tight|bad|a problem|bother\w*|"
    r"pain\w*|feel\w* (?:tight|bad|sore|funny|heavy))\b"
)


def is_negated(text: str, sentence: Span, mention: Span, patterns: ContextPatterns) -> bool:
    """A negation trigger shortly before the mention (or inside it: "heart's not racing"),
    with no scope end in between."""
    if _INSIDE_NEGATION.search(text, mention.start, mention.end):
        return True
    if _NEGATED_AFTER.match(text, mention.end):
        return True
    before = blank(patterns.pseudo_negation, text[sentence.start : mention.start])
    triggers = list(patterns.negation.finditer(before))
    if not triggers:
        return False
    last = triggers[-1]
    between = before[last.end() :]
    if patterns.negation_end.search(between):
        return False
    return len(between.split()) <= _NEGATION_WORDS


# The person asking a question, as its subject: "should I", "how do I", "can we".
_ASKER = re.compile(
    r"\b(?:should|shall|can|could|do|would|must|may|will|might)\s+(?:i|we)\b"
    r"|\bhow\s+(?:do|does|should|can|could|would)\s+(?:i|we)\b"
)


def is_question(text: str, sentence: Span, clause: Span, mention: Span, p: ContextPatterns) -> bool:
    """Asked about or imagined rather than reported.

    Hypothetical triggers ("what if", "is it normal to", "signs of") before the mention make
    it a question unless the mention's clause says it is happening now. A question sentence
    ("is chest pain a reason to stop?") makes it one unless the person reports it about
    someone ("am I having a heart attack?") or says it is happening now.
    """
    current = _has_current(text, clause, p)
    before = text[sentence.start : mention.start]
    triggers = list(p.hypothetical.finditer(before))
    # A trigger's scope ends at a sign of now after it ("... what to do for tea, and now my
    # vision's going black").
    if (
        triggers
        and not current
        and not _has_current(text, Span(sentence.start + triggers[-1].end(), mention.start), p)
    ):
        return True
    sentence_text = text[sentence.start : sentence.end].strip()
    if p.question_start.search(sentence_text) is None and p.tag_question.search(
        text, mention.end, sentence.end
    ):
        return False  # a report with a question tagged on: "chest hurts, is that normal?"
    asks = sentence_text.endswith("?") or p.question_start.search(sentence_text) is not None
    if not asks or current:
        return False
    clause_text = text[clause.start : clause.end].strip()
    if (
        not sentence_text.endswith("?")
        and clause.start > sentence.start
        and text[sentence.start : clause.start].strip()
        and p.question_start.search(clause_text) is None
    ):
        return False  # a question, then the report in a clause: "what do I do, can't breathe"
    # "Should I ice a sprained wrist?": the asker of the question is no one who has it
    asked = blank(_ASKER, text[clause.start : mention.end])
    reported = p.report.search(asked) is not None
    return not reported


def is_technique_question(text: str, clause: Span, mention: Span, p: ContextPatterns) -> bool:
    """A body part or movement named, with no complaint, in a question about how to walk
    backwards ("do I keep my chest up when walking backwards?"): asked about, not reported.

    The mention's own clause must start the question and say nothing of now; a complaint
    anywhere in the clause ("how do I walk backwards when my chest hurts") keeps the report.
    """
    clause_text = text[clause.start : clause.end]
    if p.technique_question.search(clause_text) is None:
        return False
    if p.complaint.search(clause_text) or _has_current(text, clause, p):
        return False
    return p.complaint.search(text[mention.start : mention.end]) is None


def asked_after(
    text: str, clause: Span, mention: Span, p: ContextPatterns, *, helped: bool
) -> Literal["question", "history"] | None:
    """A complaint told as background to the question that follows it, or None.

    "my lower back is killing me, would reverse walking help" asks about a benefit (read only
    for kinds walking could help: ``helped``); "my aunt tripped and hurt her wrist. how do I
    avoid that" asks how to prevent what was told. A sign of now in the mention's clause
    keeps the report ("I've just hurt my ankle, would walking backwards help").
    """
    if _has_current(text, clause, p):
        return None
    after = text[mention.end :]
    if helped and p.help_question.search(after):
        return "question"
    if p.prevention_question.search(after):
        return "history"
    return None


def _has_current(text: str, span: Span, p: ContextPatterns) -> bool:
    blanked = blank(p.not_current, text[span.start : span.end])
    return p.current.search(blanked) is not None


def time_status(
    text: str, sentence: Span, clause: Span, mention: Span, p: ContextPatterns
) -> Literal["current", "history", "habitual"]:
    """Past, habitual or now.

    Markers in the mention's own clause decide when they agree (a sign of now beats a habit
    in the same clause: "on and off the last half hour"); otherwise the nearest
    marker in the sentence wins; now by default. A date that belongs to an operation or a
    journey ("had her hip done last month", "2 weeks post op", "off a flight yesterday")
    dates that event, not the symptom: it is not a sign of the past.
    """
    blanked = blank(p.not_current, text)
    dated = blank(p.event_time, text)  # "had her hip done last month": the operation's date
    in_clause = {
        "current": p.current.search(blanked, clause.start, clause.end) is not None,
        "history": p.historical.search(dated, clause.start, clause.end) is not None
        or p.resolved.search(text, clause.start, clause.end) is not None,
        "habitual": p.habitual.search(text, clause.start, clause.end) is not None,
    }
    found = [name for name, present in in_clause.items() if present]
    if len(found) == 1:
        return found[0]  # type: ignore[return-value]
    if set(found) == {"current", "habitual"} and _now_beside_habit(blanked, text, clause, p):
        return "current"  # "on and off the last half hour", "I get it sometimes, like now"
    current = _nearest_distance(p.current, blanked, sentence, mention)
    past = _nearest_distance(p.historical, dated, sentence, mention)
    resolved = _nearest_distance(p.resolved, text, sentence, mention)
    habitual = _nearest_distance(p.habitual, text, sentence, mention)
    candidates: list[tuple[int, Literal["current", "history", "habitual"]]] = []
    if current is not None:
        candidates.append((current, "current"))
    for distance in (past, resolved):
        if distance is not None:
            candidates.append((distance, "history"))
    if habitual is not None:
        candidates.append((habitual, "habitual"))
    if not candidates:
        return "current"
    candidates.sort(key=lambda item: (item[0], item[1] != "current"))
    return candidates[0][1]


def _now_beside_habit(blanked: str, text: str, clause: Span, p: ContextPatterns) -> bool:
    """A sign of now in the clause that is not part of the habit ("still recovering")."""
    habits = [m.span() for m in p.habitual.finditer(text, clause.start, clause.end)]
    return any(
        all(now.end() <= start or now.start() >= end for start, end in habits)
        for now in p.current.finditer(blanked, clause.start, clause.end)
    )


def is_mild(text: str, sentence: Span, clause: Span, mention: Span, p: ContextPatterns) -> bool:
    """A softener ("a bit", "normal", "feels good") near the mention in its sentence, unless
    the sentence says it is not settling ("a little winded and it won't stop")."""
    if p.persisting.search(text, sentence.start, sentence.end):
        return False
    window = Span(max(clause.start, mention.start - 30), min(sentence.end, mention.end + 40))
    return p.mild.search(text, window.start, window.end) is not None


def experiencer(
    text: str, sentence: Span, clause: Span, mention: Span, p: ContextPatterns
) -> Who | None:
    """Who has the symptom: ``other`` for "my husband collapsed", ``self`` for "I fell".

    The mention itself first ("hit her head"), then the first person named in its clause,
    then in its sentence, skipping "I" when it only introduces someone ("I think my wife
    is..."). None when the sentence names nobody.
    """
    inside = text[mention.start : mention.end]
    if p.other_person.search(inside) and not p.self_person.search(inside):
        return "other"
    for span in (clause, sentence):
        found = _first_person(text, Span(span.start, mention.end), p)
        if found is not None:
            return found
    return None


def _first_person(text: str, span: Span, p: ContextPatterns) -> Who | None:
    position = span.start
    while position < span.end:
        other = p.other_person.search(text, position, span.end)
        own = p.self_person.search(text, position, span.end)
        if other is None and own is None:
            return None
        if own is not None and (other is None or own.start() < other.start()):
            if _COGNITION_AFTER_SELF.match(text, own.end()) and other is not None:
                position = own.end()
                continue
            return "self"
        return "other"
    return None
