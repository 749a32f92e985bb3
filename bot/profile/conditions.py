"""Injuries and health conditions: entities, "bad knee", named conditions, "no injuries"."""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from bot.nlp.idioms import idiom_in_text
from bot.nlp.negation import clause_before, negated, words_before
from bot.nlp.vocabulary import label_regex, phrase_matcher
from bot.profile.age import OTHER_PERSON_RE
from bot.profile.entities import Entity
from bot.profile.slots import CONDITIONS
from bot.profile.text import TAG_COND, Results, Text, rx, unmasked

_SIDE: Final = r"(?:(?:left|right|both)\s+)?"
_FREE_CONDITION_RULES: Final = (
    r"\b(?:bad|dodgy|weak|sore|stiff|painful|injured|gammy|creaky|wonky|dicky|arthritic"
    r"|replaced|torn|sprained|broken|twisted|pulled|tight|achy|aching|troublesome|problem"
    r"|fused|bionic|new|false|unstable|swollen|damaged|operated)\s+{side}{body}\b",
    r"\b{side}{body}\s+(?:pain|problems?|issues?|trouble|injur(?:y|ies)|surgery"
    r"|replacement|operation|op|arthritis|reconstruction|sprain|strain|fracture|niggle)\b",
    r"\b(?:pain|problems?|trouble|issues?|arthritis|injur(?:y|ies))\s+(?:in|with|on)\s+"
    r"(?:my|the|both)\s+{side}{body}\b",
    r"\b{side}{body}\s+(?:hurts?|hurting|aches?|aching|(?:is|are|get|gets)\s+"
    r"(?:sore|stiff|painful|swollen)|gives?\s+way|clicks?|locks?)\b",
)


@cache
def _free_rules() -> tuple[re.Pattern[str], ...]:
    """The wording rules around a body part ("bad knee", "pain in my hip"), compiled once.

    The body parts are those of ``bot/nlp/patterns/body_part.jsonl``.
    """
    body = label_regex("body_part")
    return tuple(rx(rule.format(side=_SIDE, body=body)) for rule in _FREE_CONDITION_RULES)


_PREVENT: Final = frozenset(
    {"prevent", "preventing", "avoid", "avoiding", "reduce", "reducing", "stop", "fewer", "less"}
    | {"lower", "risk", "fear"}
)
_NO_CONDITIONS_RE: Final = rx(
    r"\b(?:no|nae)\s+(?:known\s+|major\s+|current\s+|real\s+|serious\s+|significant\s+|other\s+)?"
    # "no helth problms": the health words with a letter left out or swapped
    r"(?:injur(?:y|ies)|(?:health|helth|heath|heatlh)\s+(?:prob\w{0,3}ms?|issues?|conditions?"
    r"|stuff|worries|things|bother|trouble|concerns?)|medical\s+(?:prob\w{0,3}ms?|issues?"
    r"|conditions?)|conditions?"
    # "no condtions", "no conditons": a letter dropped or swapped
    r"|cond\w{0,3}t?i?\w{0,2}ons?|illness(?:es)?|ailments?)\b"
    r"|\b(?:i'm|i\s+am|im|and|perfectly|completely|totally|generally|pretty|very|quite)\s+"
    r"healthy\b|\bin\s+(?:good|great|excellent)\s+health\b"
    # "nowt wrong wi us" (Northern English: nothing wrong with me)
    r"|\b(?:nothing|nowt|nought|naught)\s+wrong(?:\s+(?:with|wi)\s+(?:me|us))?\b"
    r"|\binjury\s*-?\s*free\b|\bfit\s+as\s+a\s+(?:fiddle|lop|flea|butcher's\s+dog)\b"
)
_NO_CONDITIONS_ASKED_RE: Final = rx(
    r"^\W*(?:no|nope|nah|none|nothing|not\s+really|not\s+that\s+i\s+know\s+of|n/?a|nil"
    r"|(?:i\s+)?(?:don't|dont|do\s+not)\s+have\s+any"
    r"|negative|all\s+good|i'm\s+fine|im\s+fine|i\s+am\s+fine|fine|healthy|no\s+problems"
    r"|no\s+issues|nothing\s+at\s+all|zero)\b"
)
# A "no" that takes back an earlier answer, not one to the conditions question: "no not sixty,
# sixty six", "no that came out wrong, I'm 55".
_CORRECTING: Final = rx(
    r"^\W*(?:no|nah|nope)\b[\s,.!-]*(?:not\b|that\s+(?:came\s+out|was|'s|is)\s+wrong|wrong"
    r"|i\s+meant?\b|typo|wait|hang\s+on|hold\s+on|my\s+mistake)"
)
YES_RE: Final = rx(
    r"^\W*(?:yes|yeah|yep|yup|ya|i\s+do|i\s+have|a\s+few|some|a\s+couple|several"
    r"|unfortunately|sadly|afraid\s+so|correct)\b"
)


_FIRST_PERSON: Final = re.compile(r"\b(?:i|i'm|im|i've|ive|my)\b")


_A_WEEK: Final = re.compile(r"\b(?:days?|times?|once|twice|sessions?)\s+(?:a|per|each)\s+$")
# An animal along for the walk: "the cat followed me, looking most confused".
_ANIMAL: Final = re.compile(r"\b(?:the|a|my|our)\s+(?:cat|dog|puppy|kitten|pup|horse)\b")


def _someone_else(before: str) -> bool:
    """Whether the words before a condition say it is someone else's, with no "I" after
    them ("my husband has a heart condition and I have arthritis": the arthritis is mine)."""
    others = [*OTHER_PERSON_RE.finditer(before), *_ANIMAL.finditer(before)]
    others.sort(key=lambda m: m.end())
    return bool(others) and not _FIRST_PERSON.search(before, others[-1].end())


def _condition_ok(view: str, start: int) -> bool:
    """Not negated ("no knee pain"), not something to prevent ("avoid falls") and not
    someone else's ("my sister had a fall last winter")."""
    if negated(view, start) or _someone_else(clause_before(view, start)):
        return False
    if view.startswith("weak", start) and _A_WEEK.search(view, 0, start):
        return False  # "3 days a weak": a week
    return not any(word in _PREVENT for word in words_before(view, start, 2))


def condition_entities(t: Text, ents: list[Entity], out: Results) -> None:
    """Canonical values of ``condition`` and ``symptom`` entities."""
    for ent in ents:
        if ent.label not in ("condition", "symptom"):
            continue
        if ent.span is None:
            out.add(CONDITIONS, ent.value, ent.value, len(t.lower))
            continue
        start, end = ent.span
        if not t.is_free(start, end, TAG_COND):
            continue
        t.claim(start, end, TAG_COND)
        if _condition_ok(t.lower, start):
            out.add(CONDITIONS, ent.value, t.source(start, end), start)


def condition_text(t: Text, out: Results) -> None:
    """Conditions in free text: the condition and symptom phrases of ``bot/nlp/patterns``
    left unread (the same words, ids and idiom rule as the spaCy pipeline), then wordings
    around a body part ("bad knee", "knee pain", "pain in my hip")."""
    view = t.view(TAG_COND)
    for phrase in phrase_matcher("condition", "symptom").finditer(view):
        if idiom_in_text(phrase.label, t.lower, phrase.start, phrase.end):
            continue
        t.claim(phrase.start, phrase.end, TAG_COND)
        if _condition_ok(view, phrase.start):
            out.add(CONDITIONS, phrase.id, t.source(phrase.start, phrase.end), phrase.start)
    for pattern in _free_rules():
        view = t.view(TAG_COND)
        for m in unmasked(pattern, view):
            t.claim(m.start(), m.end(), TAG_COND)
            if _condition_ok(view, m.start()):
                value = " ".join(m.group().split())
                out.add(CONDITIONS, value, t.source(m.start(), m.end()), m.start())


def no_conditions(t: Text, asked: str | None, out: Results) -> None:
    """ "no injuries", "I'm healthy"; when asked: "none", "no", "nothing"."""
    m = _NO_CONDITIONS_RE.search(t.lower)
    if m is None and asked == CONDITIONS and not _CORRECTING.match(t.lower):
        m = _NO_CONDITIONS_ASKED_RE.search(t.lower)
    if m is not None:
        out.no_conditions = t.source(m.start(), m.end())
    elif asked == CONDITIONS and YES_RE.search(t.lower) and not out.has(CONDITIONS):
        out.problem(
            CONDITIONS,
            "Thanks for telling me. Which injuries or health conditions do you have? "
            "For example 'a bad knee' or 'high blood pressure'.",
        )


# --------------------------------------------------------------------------------------------
# Goal
