"""The walker's goal: balance, joints, fitness, rehab or curiosity, stated as a goal."""

from __future__ import annotations

import re
from typing import Final

from bot.nlp.negation import clause_before, negated, words_before
from bot.profile.slots import GOAL
from bot.profile.text import TAG_ACT, TAG_PLACE, Results, Text, rx, unmasked

_GOAL_RULES: Final[tuple[tuple[re.Pattern[str], str, bool], ...]] = tuple(
    (rx(pattern), goal, self_cued)
    for pattern, goal, self_cued in (
        (r"\b(?:just\s+)?(?:curious|curiosity|intrigued)\b", "curiosity", True),
        (r"\b(?:just\s+)?for\s+(?:the\s+)?(?:fun|laughs?|novelty)\b", "curiosity", True),
        (
            r"\bjust\s+(?:trying|testing|seeing|want(?:ed)?\s+to\s+try)\b|\btry(?:ing)?\s+it\s+out"
            r"\b|\bgive\s+it\s+a\s+(?:go|try|whirl)\b|\bsomething\s+(?:new|different)\b"
            r"|\bsee\s+what\s+(?:it's|it\s+is)\s+like\b|\bheard\s+(?:about|of)\s+it\b"
            r"|\bfor\s+a\s+change\b|\bwhy\s+not\b|\bfun\b|\binterest(?:ed|ing)\b",
            "curiosity",
            False,
        ),
        (
            r"\bweight\s+loss\b|\blos(?:e|ing)\s+(?:some\s+|a\s+bit\s+of\s+)?weight\b"
            r"|\blos(?:e|ing)\s+(?:a\s+few\s+|some\s+)?(?:[0-9]+\s*)?(?:kgs?|kilos?|pounds|lbs?"
            r"|stones?)\b",
            "fitness",
            True,
        ),
        (r"\brehab(?:ilitation)?\b", "rehab", True),
        (  # "keep my knees healthy", "healthy joints": the joints, not general fitness
            r"\b(?:knees?|joints?|hips?|ankles?)\s+(?:healthy|strong|supple|moving|mobile"
            r"|in\s+(?:good\s+)?shape)\b|\b(?:healthy|healthier|strong|stronger|supple)\s+"
            r"(?:knees?|joints?|hips?|ankles?)\b",
            "joints",
            True,
        ),
        (
            # not a runner's easy day: "3x a week on recovery days"
            r"\brecover(?:y|ing)?\b(?!\s+(?:days?|runs?|weeks?|pace|jogs?|walks?|sessions?))|\bafter\s+(?:my\s+|the\s+|an?\s+)?(?:surgery|operation|op"
            r"|injury|(?:knee|hip)\s+replacement|stroke|fracture|accident)\b|\bpost\s*-?\s*op"
            r"\b|\bpost\s*-?\s*surgery\b"
            # not someone's job ("my mate who's a physio says I should try it") nor where
            # it was done ("done it some at physio years ago")
            r"|(?<!'s a )(?<!is a )(?<!as a )(?<!was a )(?<!\bat )(?<!\bat the )(?<!\bat my )"
            r"\bphysio(?:therapy|therapist)?\b"
            r"|\bphysical\s+therap(?:y|ist)\b|\b(?:get|getting)\s+back\s+on\s+my\s+feet\b",
            "rehab",
            True,
        ),
        (
            r"\bbalance\b|\b(?:my|for)\s+balanced\b|\bsteadi(?:er|ness)\b|\bsteady\b|\bstability\b|\bstable\b"
            r"|\bunsteady\b|\bwobbly\b|\bfall(?:s|ing)?\b|\btrip(?:s|ping)?\b"
            r"|\bco-?ordination\b|\bagility\b|\bproprioception\b",
            "balance",
            False,
        ),
        (
            r"\bknees?\b|\bjoints?\b|\barthritis\b|\barthritic\b|\bhips?\b|\bankles?\b"
            r"|\bcartilage\b|\b(?:my|bad|lower|sore)\s+back\b|\bback\s+pain\b|\bmobility\b"
            r"|\bstiffness\b",
            "joints",
            False,
        ),
        (
            # not a place or a thing: "a keep-fit class", "the fitness centre", "my fitness app"
            r"\bfit(?:ter|ness|nes)?\b(?!\s*-?\s*(?:class|classes|club|group|session|sessions"
            r"|instructor|centre|center|studio|app|tracker|watch|band|programme|video|videos)\b)"
            r"|\bcalories\b|\bcardio\b|\brunning\b(?!\s*(?:club|group|shoes|track)\b)"
            r"|\bstamina\b"
            r"|\bendurance\b|\bin\s+shape\b|\bburn\s+fat\b|\bfat\s+burning\b|\btone\b"
            # not the state one is in ("in good health") or a joint's ("keep them healthy")
            r"|\btoning\b|(?<!in\s)(?<!in\sgood\s)(?<!in\sgreat\s)(?<!in\sfine\s)"
            r"(?<!in\sdecent\s)(?<!them\s)(?<!it\s)\bhealth(?:y|ier)?\b"
            r"|\bheart\s+health\b|\bslim(?:\s+down)?\b",
            "fitness",
            False,
        ),
    )
)
_GOAL_CUES: Final = frozenset(
    {"for", "to", "want", "wants", "wanted", "like", "goal", "aim", "aiming", "hope", "hoping"}
    | {"help", "helps", "helping", "improve", "improving", "better", "boost", "build", "on"}
    | {"strengthen", "protect", "ease", "relieve", "reduce", "prevent", "avoid", "stop", "so"}
    | {"mainly", "mostly", "because", "get", "keep", "stay", "looking", "trying", "interested"}
    | {"focus", "about", "benefit", "good", "main", "purpose", "reason", "fix", "work"}
)
_CUE_WINDOW: Final = 5
_NO_NEGATION_GOALS: Final = frozenset({"balance"})


# What someone else says the exercise is good for is a claim, not the walker's goal: "my
# doctor say backward walking is good for balance", "I read it helps with knees".
_CLAIM: Final = re.compile(
    r"\b(?:says?|said|say\s+that|heard|read|told\s+me|reckons?|claims?)\b.*\b(?:is|are|'s|was)"
    r"\s+(?:\w+\s+)?(?:good|great|helpful|useful|brilliant|excellent)\s+for\s+$"
    r"|\b(?:says?|said|heard|read|told\s+me|reckons?|claims?)\b.*\b(?:helps?|improves?)"
    r"\s+(?:with\s+)?$"
)


def _goal_ok(view: str, m: re.Match[str], goal: str, cued: bool, asked: str | None) -> bool:
    """Whether a goal keyword is stated as a goal here (cue, self-cued phrase or asked)."""
    if goal not in _NO_NEGATION_GOALS and negated(view, m.start(), 2):
        return False
    if asked == GOAL:
        return True
    if _CLAIM.search(clause_before(view, m.start())):
        return False
    if cued:
        return True
    return any(word in _GOAL_CUES for word in words_before(view, m.start(), _CUE_WINDOW))


def goals(t: Text, asked: str | None, out: Results) -> None:
    """Goal keywords stated as goals."""
    view = t.view(TAG_PLACE, TAG_ACT)
    taken: list[tuple[int, int]] = []
    for pattern, goal, cued in _GOAL_RULES:
        for m in unmasked(pattern, view):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if _goal_ok(view, m, goal, cued, asked):
                out.add(GOAL, goal, t.source(m.start(), m.end()), m.start())


# --------------------------------------------------------------------------------------------
# Experience
