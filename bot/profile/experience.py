"""Retro-walking experience: none, some or regular, from what the message says about it."""

from __future__ import annotations

import re
from typing import Final

from bot.nlp.negation import CLAUSE_BREAK_RE, clause_start, negated
from bot.profile.conditions import YES_RE
from bot.profile.slots import DAYS, EXPERIENCE
from bot.profile.text import NUM, TAG_ACT, TAG_NUM, Results, Text, rx, unmasked

_REF: Final = (
    r"(?:it|this|that|retro\w*|backwards?\s+walk\w*|walk\w*\s+backwards?|reverse\s+walk\w*"
    r"|walk\w*\s+in\s+reverse)"
)
_REF_RE: Final = re.compile(r"\bretro|\bbackwards?\b|\breverse\b|\bit\b|\bthis\b")
_EXPERIENCE_RULES: Final[tuple[tuple[re.Pattern[str], str, bool], ...]] = tuple(
    (rx(pattern), level, needs_context)
    for pattern, level, needs_context in (
        (
            r"\bnever\s+(?:ever\s+)?(?:really\s+)?(?:tried|done|did|attempted|heard\s+of"
            r"|walked\s+backwards?)\b|\b(?:haven't|have\s+not|havent|hadn't|not|didn't|did\s+not)"
            rf"\s+(?:ever\s+|yet\s+|really\s+|even\s+)?(?:tried|done|do|attempted)\s+{_REF}"
            r"|\b(?:first|1st)\s+time\b|\b(?:complete|total|absolute)?\s*(?:beginner|novice|newbie"
            r"|newcomer)s?\b|\bnew\s+to\s+(?:this|it|retro\w*|backwards?|walking\s+backwards?"
            r"|reverse)|\bno\s+(?:prior\s+|previous\s+|real\s+)?experience\b|\bzero\s+experience\b",
            "none",
            False,
        ),
        (
            rf"\b(?:for\s+(?:years|ages|decades|a\s+long\s+time|(?:a\s+)?(?:couple|few|several"
            rf"|many|{NUM})\s+(?:of\s+)?years?))\b|\bregularly\b|\bevery\s+week\b|\bweekly\b"
            r"|\bfor\s+(?:about|around|over|nearly|almost|more\s+than|roughly)\s+(?:a|one|two"
            r"|[0-9]+)\s+years?\b|\bmost\s+(?:mornings|days|evenings|nights|weekends)\b"
            r"|\ball\s+the\s+time\b|\ba\s+lot\b|\boften\b|\bfrequently\b|\bexperienced\b"
            r"|\bregular\b"
            r"|\bloads\b|\bplenty\b|\bpart\s+of\s+my\s+routine\b"
            # "I do backward walk 3 years liao", "since two years": years of it, no "for"
            rf"|\b(?:{NUM}|a\s+few|several|many|a\s+couple\s+of)\s+years?\b"
            r"(?!\s+(?:ago|old|back|before|younger|older|later|from))",
            "regular",
            True,
        ),
        (
            rf"\b(?:tried|done|did|given|practised|practiced)\s+{_REF}\b"
            rf"|\b(?:did|done|tried)\s+a\s+(?:bit|little)\s+of\s+{_REF}\b"
            rf"|\btried\s+(?:it\s+)?(?:a\s+)?(?:few|couple\s+of|several|{NUM})\s+times\b"
            r"|\bhad\s+a\s+go\b|\bhad\s+(?:a\s+few|a\s+couple\s+of|some|several|[0-9]+)\s+goes\b"
            r"|\bsome\s+(?:experience|exp)\b|\ba\s+(?:little|bit\s+of)\s+experience\b"
            r"|\bdabbled\b|\bdabble\b"
            # "done a bit before", "tried a wee bit already": an amount done, said as the past
            r"|\b(?:done|did|tried)\s+(?:a\s+(?:wee\s+|little\s+|tiny\s+)?bit|a\s+little|some)"
            r"\s+(?:of\s+(?:it|this|that)\s+)?(?:before|already|previously|in\s+the\s+past)\b",
            "some",
            False,
        ),
        (  # "only started this week", "just started it last month": begun, not new any more
            r"\b(?:only\s+|just\s+)?started\b[^.,;!?]{0,30}?\b(?:this|last)\s+(?:week|month)\b"
            r"|\bstarted\s+(?:it\s+)?(?:a\s+few|a\s+couple\s+of|[0-9]+)\s+(?:days|weeks)\s+ago\b",
            "some",
            True,
        ),
        (
            rf"\b(?:a\s+few|few|a\s+couple\s+of|a\s+couple|several|a\s+handful\s+of"
            rf"|once\s+or\s+twice|{NUM})\s+times\b|\b(?:occasionally|sometimes|now\s+and\s+(?:then|again)"
            r"|on\s+and\s+off|once\s+or\s+twice|once|twice|a\s+bit|a\s+little|not\s+(?:much|often)"
            r"|for\s+(?:a\s+few\s+|a\s+couple\s+of\s+|several\s+|[0-9]+\s+)?(?:weeks|months))\b",
            "some",
            True,
        ),
    )
)
# Interjections before a short answer: "oh heavens, never", "um no", "well, a bit".
_FILLER: Final = (
    r"^\W*(?:(?:oh|ah|um+|uh+|er+|erm|well|hmm+|haha|lol|gosh|heavens|goodness|dear|my|"
    r"honestly|to\s+be\s+honest|tbh|actually|sadly|no\s+sorry|sorry)\b[\s,.!]*)*"
)
_EXPERIENCE_ASKED: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (
        rx(
            _FILLER + r"(?:no|none|nope|nah|never|not\s+yet|not\s+at\s+all|not\s+really|zero"
            r"|nothing)\b"
        ),
        "none",
    ),
    (rx(_FILLER + r"(?:some|a\s+bit|a\s+little|not\s+much|a\s+few)\b"), "some"),
    (
        rx(
            r"\b(?:some\s*times|a\s+few\s+times|once\s+or\s+twice|a\s+couple\s+of\s+times|"
            r"now\s+and\s+then|occasionally|not\s+regular(?:ly)?)\b"
        ),
        "some",
    ),
    (rx(r"\b(?:never|not\s+once|first\s+time)\b"), "none"),  # "I never do it before"
)


def experience(t: Text, asked: str | None, out: Results) -> None:
    """Retro-walking experience levels stated in the message."""
    view = t.view(TAG_NUM, TAG_ACT)
    for pattern, level, needs_context in _EXPERIENCE_RULES:
        for m in unmasked(pattern, view):
            found = level
            if level != "none" and negated(view, m.start(), 2):
                continue
            if level == "none" and m.group().startswith("new") and negated(view, m.start(), 3):
                found = "some"  # "not totally new to it"
            if needs_context and asked != EXPERIENCE and not _has_ref(view, m.start()):
                continue
            if level != "none" and needs_context and _URGED.search(_clause(view, m.start())):
                continue  # "she's been at me for weeks to try it": urged, not done
            if level == "some" and needs_context and out.has(EXPERIENCE):
                continue  # "never done it, sounds a bit scary": "a bit" is no amount here
            t.claim(m.start(), m.end(), TAG_NUM)
            out.add(EXPERIENCE, found, t.source(m.start(), m.end()), m.start())
        view = t.view(TAG_NUM, TAG_ACT)
    if asked == EXPERIENCE:
        _experience_asked(t, out)


# Someone urging the walker to try it: what is said of time there is not the walker's.
_URGED: Final = re.compile(
    r"\b(?:at\s+me|on\s+at\s+me|nagg\w*|told\s+me|telling\s+me|asking\s+me|wants?\s+me"
    r"|keeps?\s+saying|been\s+saying)\b[^.;!?]*\bto\s+(?:try|do|start|give)\b"
)


def _clause(view: str, pos: int) -> str:
    """The clause around ``pos``."""
    start = clause_start(view, pos)
    end_match = CLAUSE_BREAK_RE.search(view, pos)
    return view[start : end_match.start() if end_match else len(view)]


def _has_ref(view: str, pos: int) -> bool:
    """Whether the clause around ``pos`` is about backward walking."""
    return bool(_REF_RE.search(_clause(view, pos)))


def _experience_asked(t: Text, out: Results) -> None:
    """Short answers to the experience question ("no", "a bit", "yes", "3 times a week")."""
    if out.has(EXPERIENCE):
        return
    for pattern, level in _EXPERIENCE_ASKED:
        m = pattern.search(t.lower)
        if m:
            out.add(EXPERIENCE, level, t.source(m.start(), m.end()), m.start())
            return
    if out.has(DAYS):
        days = out.of(DAYS)[0]
        out.add(EXPERIENCE, "regular", days.text, days.start)
    elif YES_RE.search(t.lower):
        out.problem(
            EXPERIENCE,
            "Nice! Roughly how much have you done: just a few times, or regularly?",
        )


# --------------------------------------------------------------------------------------------
# Bare answers to the question just asked
