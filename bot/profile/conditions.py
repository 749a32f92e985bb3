"""Injuries and health conditions: entities, "bad knee", named conditions, "no injuries"."""

from __future__ import annotations

import re
from typing import Final

from bot.nlp.negation import negated, words_before
from bot.profile.entities import Entity
from bot.profile.slots import CONDITIONS
from bot.profile.text import TAG_COND, Results, Text, rx, unmasked

_BODY: Final = (
    r"(?:knees?|hips?|(?:lower\s+|upper\s+)?back|ankles?|feet|foot|hamstrings?|calf|calves"
    r"|shoulders?|neck|achilles|heels?|shins?|legs?|wrists?|toes?|spine|pelvis|groin|quads?"
    r"|glutes?|joints?)"
)
_SIDE: Final = r"(?:(?:left|right|both)\s+)?"
_FREE_CONDITION_RULES: Final[tuple[re.Pattern[str], ...]] = (
    rx(
        r"\b(?:bad|dodgy|weak|sore|stiff|painful|injured|gammy|creaky|wonky|dicky|arthritic"
        r"|replaced|torn|sprained|broken|twisted|pulled|tight|achy|aching|troublesome|problem"
        rf"|fused|bionic|new|false|unstable|swollen|damaged|operated)\s+{_SIDE}{_BODY}\b"
    ),
    rx(
        rf"\b{_SIDE}{_BODY}\s+(?:pain|problems?|issues?|trouble|injur(?:y|ies)|surgery"
        r"|replacement|operation|op|arthritis|reconstruction|sprain|strain|fracture|niggle)\b"
    ),
    rx(
        r"\b(?:pain|problems?|trouble|issues?|arthritis|injur(?:y|ies))\s+(?:in|with|on)\s+"
        rf"(?:my|the|both)\s+{_SIDE}{_BODY}\b"
    ),
    rx(
        rf"\b{_SIDE}{_BODY}\s+(?:hurts?|hurting|aches?|aching|(?:is|are|get|gets)\s+"
        r"(?:sore|stiff|painful|swollen)|gives?\s+way|clicks?|locks?)\b"
    ),
)
#: Named conditions and their canonical names, which are ids of bot/nlp/patterns/condition.jsonl
#: or symptom.jsonl (tests/profile/test_vocabulary.py checks it).
NAMED_CONDITIONS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (rx(pattern), name)
    for pattern, name in (
        (r"\brheumatoid\s+arthritis\b", "rheumatoid arthritis"),
        (r"\bosteo\s*-?\s*arthritis\b", "osteoarthritis"),
        (r"\barthritis\b", "arthritis"),
        (r"\bosteoporosis\b", "osteoporosis"),
        (r"\bosteopenia\b", "osteopenia"),
        (r"\basthma(?:tic)?\b", "asthma"),
        (r"\bdiabet(?:es|ic)\b", "diabetes"),
        (r"\bhigh\s+blood\s+pressure\b|\bhypertension\b", "high blood pressure"),
        (r"\blow\s+blood\s+pressure\b", "low blood pressure"),
        (r"\bheart\s+(?:condition|problems?|disease|failure|attack)\b", "heart condition"),
        (r"\bangina\b", "angina"),
        (r"\bacl\s+(?:reconstruction|repair|surgery|graft)\b", "acl reconstruction"),
        (r"\bacl\b", "acl injury"),
        (r"\bmenisc(?:us|al)\s+tear\b|\btorn\s+menisc(?:us|i)\b", "meniscus tear"),
        (r"\b(?:herniated|slipped|bulging)\s+disc\b", "herniated disc"),
        (r"\bspinal\s+stenosis\b", "spinal stenosis"),
        (r"\bscoliosis\b", "scoliosis"),
        (r"\bbursitis\b", "bursitis"),
        (r"\bhernia\b", "hernia"),
        (r"\bfear\s+of\s+fall(?:ing|s)?\b", "fear of falling"),
        (r"\bpost\s*-?\s*partum\b|\bjust\s+had\s+a\s+baby\b", "postpartum"),
        (r"\bcancer\b", "cancer"),
        (r"\bcopd\b|\bemphysema\b", "copd"),
        (r"\bvertigo\b", "vertigo"),
        (r"\bdizz(?:y\s+spells|iness)\b", "dizziness"),
        (r"\bparkinson'?s\b", "parkinson's disease"),
        (r"\bmultiple\s+sclerosis\b", "multiple sclerosis"),
        (r"\bstroke\b", "stroke"),
        (r"\bepilep(?:sy|tic)\b", "epilepsy"),
        (r"\bsciatica\b", "sciatica"),
        (r"\bplantar\s+fasciitis\b", "plantar fasciitis"),
        (r"\bshin\s+splints\b", "shin splints"),
        (r"\bpregnan(?:t|cy)\b", "pregnancy"),
        (r"\b(?:poor|bad)\s+balance\b|\bbalance\s+problems?\b", "balance disorder"),
        (r"\bhad\s+(?:a\s+)?(?:few\s+)?falls?\b|\bhistory\s+of\s+falls\b", "history of falls"),
        (r"\bneuropathy\b", "peripheral neuropathy"),
        (r"\bfibromyalgia\b", "fibromyalgia"),
        (r"\bgout\b", "gout"),
        (r"\btendon?itis\b", "tendinitis"),
        (r"\blong\s+covid\b", "long covid"),
        (r"\bdementia\b", "dementia"),
        (r"\bpacemaker\b", "pacemaker"),
        (
            r"\b(?:had|recent|recovering\s+from|after\s+(?:my|the|an?))\s+(?:an?\s+)?"
            r"(?:surgery|operation)\b",
            "surgery",
        ),
    )
)
_PREVENT: Final = frozenset(
    {"prevent", "preventing", "avoid", "avoiding", "reduce", "reducing", "stop", "fewer", "less"}
    | {"lower", "risk", "fear"}
)
_NO_CONDITIONS_RE: Final = rx(
    r"\bno\s+(?:known\s+|major\s+|current\s+|real\s+|serious\s+|significant\s+|other\s+)?"
    r"(?:injur(?:y|ies)|health\s+(?:problems?|issues?|conditions?|stuff|worries|things)|medical\s+(?:problems?"
    r"|issues?|conditions?)|conditions?|illness(?:es)?|ailments?)\b"
    r"|\b(?:i'm|i\s+am|im|and|perfectly|completely|totally|generally|pretty|very|quite)\s+"
    r"healthy\b|\bin\s+(?:good|great|excellent)\s+health\b|\bnothing\s+wrong\s+with\s+me\b"
    r"|\binjury\s*-?\s*free\b|\bfit\s+as\s+a\s+fiddle\b"
)
_NO_CONDITIONS_ASKED_RE: Final = rx(
    r"^\W*(?:no|nope|nah|none|nothing|not\s+really|not\s+that\s+i\s+know\s+of|n/?a|nil"
    r"|(?:i\s+)?(?:don't|dont|do\s+not)\s+have\s+any"
    r"|negative|all\s+good|i'm\s+fine|im\s+fine|i\s+am\s+fine|fine|healthy|no\s+problems"
    r"|no\s+issues|nothing\s+at\s+all|zero)\b"
)
YES_RE: Final = rx(
    r"^\W*(?:yes|yeah|yep|yup|ya|i\s+do|i\s+have|a\s+few|some|a\s+couple|several"
    r"|unfortunately|sadly|afraid\s+so|correct)\b"
)


def _condition_ok(view: str, start: int) -> bool:
    """Not negated ("no knee pain") and not something to prevent ("avoid falls")."""
    if negated(view, start):
        return False
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
    """Free-text conditions: "bad knee", "knee pain", named conditions."""
    rules: list[tuple[re.Pattern[str], str | None]] = [(p, None) for p in _FREE_CONDITION_RULES]
    rules += list(NAMED_CONDITIONS)
    for pattern, name in rules:
        view = t.view(TAG_COND)
        for m in unmasked(pattern, view):
            t.claim(m.start(), m.end(), TAG_COND)
            if _condition_ok(view, m.start()):
                value = name or " ".join(m.group().split())
                out.add(CONDITIONS, value, t.source(m.start(), m.end()), m.start())


def no_conditions(t: Text, asked: str | None, out: Results) -> None:
    """ "no injuries", "I'm healthy"; when asked: "none", "no", "nothing"."""
    m = _NO_CONDITIONS_RE.search(t.lower)
    if m is None and asked == CONDITIONS:
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
