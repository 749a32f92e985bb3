"""Days a week: "3 days a week", "twice a week", "every day", "weekdays", "Mondays and Fridays"."""

from __future__ import annotations

import re
from typing import Final

from bot.profile.slots import ACTIVE, DAYS, EXPERIENCE, MINUTES
from bot.profile.text import (
    FUTURE_WORDS,
    NUM,
    TAG_ACT,
    TAG_NUM,
    WEEK,
    Results,
    Text,
    adjacent_words,
    finite_number,
    rx,
    unmasked,
)

COUNT_WORDS: Final[dict[str, float]] = {
    "once": 1,
    "twice": 2,
    "thrice": 3,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "couple": 2,
    "a few": 3,
    "few": 3,
    "several": 4,
}
PER: Final = r"(?:x|times?|days?|sessions?|walks?|mornings?|evenings?|nights?|occasions?)"
_DAY_RULES: Final[tuple[tuple[re.Pattern[str], float | None], ...]] = (
    (rx(rf"(?P<n>{NUM})(?:\s*(?:-|to|or)\s*(?P<m>{NUM}))?\s*{PER}?{WEEK}"), None),
    (
        rx(
            r"\b(?P<w>once|twice|thrice)(?:\s+or\s+(?:twice|thrice|three\s+times))?"
            rf"(?:\s+{PER})?{WEEK}"
        ),
        None,
    ),
    (rx(rf"\b(?P<w>(?:a\s+)?couple(?:\s+of)?|a\s+few|several)\s+{PER}{WEEK}"), None),
    (
        rx(
            r"\bevery\s+(?:other|second|2nd|two|2)\s+days?\b|\b(?:on\s+)?alternate\s+days\b"
            r"|\bevery\s+48\s+hours\b"
        ),
        3,
    ),
    (rx(r"\bevery\s*day\s+(?:except|but|apart\s+from|bar)\s+(?:one|\w+days?)\b"), 6),
    (
        rx(
            r"\bevery\s*(?:single\s+)?day(?:\s+of\s+the\s+week)?\b|\beveryday\b|\bdaily\b"
            r"|\beach\s+day\b|\ball\s+week\b|\bseven\s+days\b"
        ),
        7,
    ),
    (
        rx(
            r"\b(?:every\s+|on\s+|during\s+the\s+)?week\s*-?\s*days\b"
            r"|\bmonday\s+(?:to|through|thru|-)\s+friday\b|\bmon\s*(?:-|to)\s*fri\b"
        ),
        5,
    ),
    (
        rx(
            r"\b(?:at\s+|on\s+|over\s+)?(?:the\s+)?week\s*-?\s*ends?\b"
            r"|\bsaturdays?\s+and\s+sundays?\b|\bsat\s+and\s+sun\b"
        ),
        2,
    ),
    (rx(r"\bmost\s+days\b"), 5),
    (
        rx(
            r"\b(?:can|could|will|would|'ll|'d)\s+(?:do|manage|walk|go|fit\s+in|commit\s+to"
            rf"|try|make)\s+(?:about\s+|maybe\s+|around\s+|up\s+to\s+)?(?P<n>{NUM})\s+days\b"
        ),
        None,
    ),
)
_WORK_RE: Final = re.compile(r"work|works|working|job|office|shifts?|rest|commute|busy")
_WEEKDAY_RE: Final = re.compile(
    r"\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b|\b(mon|tue|wed|thu|fri|sat|sun)\b"
)


def _day_value(m: re.Match[str], fixed: float | None) -> float | None:
    """The number of days a rule's match stands for (a range gives its lower bound)."""
    if fixed is not None:
        return fixed
    groups = m.groupdict()
    if groups.get("w"):
        return COUNT_WORDS.get(" ".join(groups["w"].split()))
    first = finite_number(groups.get("n") or "")
    second = finite_number(groups.get("m") or "") if groups.get("m") else None
    if first is not None and second is not None:
        return min(first, second)
    return first


_BARE_DAYS_RE: Final = rx(
    rf"(?P<n>{NUM})(?:\s*(?:-|to|or)\s*(?P<m>{NUM}))?\s*days?\b"
    r"(?!\s+(?:ago|later|off|in\s+a\s+row|before|after|since|old|of"
    r"|back|rest|running|straight)\b)"
)


def bare_days(t: Text, asked: str | None, out: Results) -> None:
    """ "5 days roughly", "maybe 3 or 4 days" when the days were asked; "15 minutes, 4 days"."""
    if asked != DAYS and not out.has(MINUTES):
        return
    view = t.view(TAG_NUM, TAG_ACT)
    for m in unmasked(_BARE_DAYS_RE, view):
        value = _day_value(m, None)  # "maybe 3 or 4 days": the lower
        t.claim(m.start(), m.end(), TAG_NUM)
        if value is not None:  # out of range ("0 days") is explained when resolved
            out.add(DAYS, value, t.source(m.start(), m.end()), m.start())


def days(t: Text, out: Results) -> None:
    """days_per_week from "3 days a week", "twice a week", "every day", "weekdays", ...

    A count already read ("5 days roughly, weekends I see the family") wins over a named
    set of days.
    """
    counted = out.has(DAYS)
    for pattern, fixed in _DAY_RULES:
        if counted and fixed is not None:
            continue
        view = t.view(TAG_NUM, TAG_ACT)
        for m in unmasked(pattern, view):
            t.claim(m.start(), m.end(), TAG_NUM)
            if any(_WORK_RE.fullmatch(w) for w in adjacent_words(view, m.start(), 2)):
                continue
            value = _day_value(m, fixed)
            if value is not None:
                out.add(DAYS, value, t.source(m.start(), m.end()), m.start())


def weekday_names(t: Text, asked: str | None, out: Results) -> None:
    """ "Mondays and Thursdays" -> 2 (two or more names, or one when days were asked)."""
    if out.has(DAYS):
        return
    view = t.view(TAG_NUM, TAG_ACT)
    matches = [m for m in unmasked(_WEEKDAY_RE, view)]
    full = [m for m in matches if m.group(1)]
    use = matches if asked == DAYS else full
    names = {(m.group(1) or m.group(2))[:3] for m in use}
    if len(names) >= 2 or (names and asked == DAYS):
        first, last = use[0], use[-1]
        out.add(DAYS, float(len(names)), t.source(first.start(), last.end()), first.start())


# --------------------------------------------------------------------------------------------
# Age

_CORRECTED_DAYS_RE: Final = re.compile(
    rf"\b(?:make\s+(?:it|that)|change\s+(?:it\s+|that\s+)?to|switch\s+(?:it\s+)?to|let'?s\s+(?:do|say)"
    rf"|go\s+(?:for|with)|i'?d\s+rather\s+(?:do)?|actually)\s+(?P<n>{NUM})\s+days?\b"
    r"(?!\s+(?:ago|later|off|in\s+a\s+row))",
    re.IGNORECASE,
)


def corrected_days(t: Text, out: Results) -> None:
    """ "make it 4 days not 3": a change of days said without "a week"."""
    if out.has(DAYS):
        return
    view = t.view(TAG_NUM, TAG_ACT)
    for m in _CORRECTED_DAYS_RE.finditer(view):
        value = finite_number(m.group("n"))
        if value is not None:
            t.claim(m.start(), m.end(), TAG_NUM)
            out.add(DAYS, value, t.source(m.start(), m.end()), m.start())
            return


# A wish or a plan in the message: its days are for the plan ("some, I could do 3 a week").
_WISH: Final = re.compile(
    rf"\b(?:{FUTURE_WORDS}|plan|planning|want|wanna|hope|hoping|aim|can|could|prefer|like\s+to)\b"
)


def practice_days(t: Text, asked: str | None, out: Results) -> None:
    """Drop the days told as practice so far, in answer to the experience question ("pretty
    regularly, like every weekend"): how often they walk backwards now, not the days the
    plan should use. Kept when the message wishes or plans ("I could do 3 a week") or answers
    more than experience (every answer at once)."""
    if asked != EXPERIENCE or not out.has(DAYS) or not out.has(EXPERIENCE):
        return
    if _WISH.search(t.lower) or {f.slot for f in out.found} - {EXPERIENCE, DAYS, ACTIVE}:
        return
    out.drop(DAYS)
