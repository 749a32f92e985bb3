"""Whether the walker is regularly active: "I'm active", "sedentary", "yes"/"no" when asked."""

from __future__ import annotations

import re
from typing import Final

from bot.nlp.negation import negated
from bot.profile.slots import ACTIVE
from bot.profile.text import NUM, TAG_ACT, WEEK, Results, Text, rx, unmasked

_SPORT: Final = (
    r"(?:exercise|work\s+out|workout|train|go\s+to\s+(?:the\s+)?gym|go\s+to\s+classes|run|jog"
    r"|cycle|bike|swim|dance|do\s+(?:yoga|pilates|aerobics|zumba|sport)"
    r"|play(?:s|ing|in'?)?\s+(?:tennis|golf|football|soccer|badminton|squash|netball|bowls|cricket"
    r"|padel))"
)
_OFTEN: Final = (
    rf"(?:regularly|a\s+lot|often|most\s+days|daily|every\s*day|every\s+week"
    r"|(?:at|on|every)\s+(?:the\s+)?weekends?"
    rf"|(?:{NUM}|once|twice|several|a\s+few|a\s+couple\s+of)\s*(?:times|days|x)?{WEEK})"
)
_INACTIVE_RE: Final = rx(
    r"\b(?:haven't|have\s+not|havent|hasn't|not|hadn't)\s+(?:really\s+|properly\s+)?"
    r"(?:exercised|worked\s+out|been\s+active|done\s+(?:any|much)\s+(?:exercise|sport))"
    r"(?:\s+(?:in|for)\s+(?:years|ages|decades|months|a\s+(?:long\s+)?while|a\s+long\s+time))?"
    r"|\binactive\b|\bsedentary\b|\bunfit\b|\bout\s+of\s+shape\b|\bcouch\s+potato\b"
    r"|\bnot\s+(?:very\s+|that\s+|really\s+|particularly\s+|at\s+all\s+)?(?:active|fit|sporty)\b"
    r"|\b(?:don't|dont|do\s+not|never|rarely|hardly\s+ever|hardly)\s+(?:really\s+)?"
    r"(?:exercise|work\s+out|do\s+(?:much\s+|any\s+)?(?:exercise|sport))\b"
    r"|\bused\s+to\s+be\s+(?:very\s+|quite\s+|pretty\s+|really\s+)?(?:active|fit|sporty)\b"
)
_ACTIVE_RE: Final = rx(
    r"\b(?:i'm|i\s+am|im|i\s+keep|i\s+stay)\s+(?:very\s+|quite\s+|pretty\s+|fairly\s+|reasonably\s+"
    r"|really\s+|still\s+|generally\s+|regularly\s+)?(?:active|fit|sporty)\b"
    rf"|\bregularly\s+active\b|\b{_SPORT}(?:\s+[\w']+){{0,3}}?\s+{_OFTEN}"
)


def activity(t: Text, out: Results) -> None:
    """regularly_active from "I'm active"/"I exercise regularly" vs "sedentary"."""
    for pattern, value in ((_INACTIVE_RE, False), (_ACTIVE_RE, True)):
        view = t.view(TAG_ACT)
        for m in unmasked(pattern, view):
            t.claim(m.start(), m.end(), TAG_ACT)
            if value and negated(view, m.start(), 2):
                continue
            out.add(ACTIVE, value, t.source(m.start(), m.end()), m.start())


# --------------------------------------------------------------------------------------------
# Quantities with units: weight and duration (speed and incline are read and dropped)

_YES_NO: Final[tuple[tuple[re.Pattern[str], bool], ...]] = (
    (rx(r"^\W*(?:yes|yeah|yep|yup|i\s+am|i\s+do|definitely|absolutely|sure)\b"), True),
    (rx(r"^\W*(?:no|nope|nah|not\s+really|not\s+at\s+all|i'm\s+not|i\s+don't)\b"), False),
)


def yes_no(t: Text, asked: str | None, out: Results) -> None:
    """ "yes"/"no" to "Are you regularly active?"."""
    if asked != ACTIVE or out.has(ACTIVE):
        return
    for pattern, value in _YES_NO:
        m = pattern.search(t.lower)
        if m:
            out.add(ACTIVE, value, t.source(m.start(), m.end()), m.start())
            return


# --------------------------------------------------------------------------------------------
# Resolution: one answer or one rejection per slot
# --------------------------------------------------------------------------------------------
