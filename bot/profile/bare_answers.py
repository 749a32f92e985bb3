"""Answers with no context of their own: a bare number to the question just asked, terse lists."""

from __future__ import annotations

import re
from typing import Final

from bot.profile.days import COUNT_WORDS, PER
from bot.profile.measures import bare_weight
from bot.profile.model import AGE_RANGE
from bot.profile.settled import decision_ends
from bot.profile.slots import AGE_SLOT, CONDITIONS, DAYS, GOAL, MINUTES, WEIGHT_SLOT
from bot.profile.text import (
    NUM,
    PLAN_WORD,
    TAG_ACT,
    TAG_NUM,
    Results,
    Text,
    finite_number,
    fmt_number,
    in_range,
    unmasked,
)

_BARE_RE: Final = re.compile(
    rf"(?P<n>{NUM})(?:\s*(?:-|to|or)\s*(?P<m>{NUM}))?(?:\s*ish\b)?(?P<per>\s*{PER}\b)?"
)
_BIRTH_YEARS: Final = (1900.0, 2100.0)
_BARE_COUNT_RE: Final = re.compile(r"\b(?P<w>once|twice|thrice|a\s+couple|a\s+few|several)\b")


def bare_numbers(t: Text, asked: str | None, out: Results) -> None:
    """ "70" when asked for the age, "3" for days, "20" for minutes, "80" for weight."""
    if asked not in (AGE_SLOT, MINUTES, DAYS, WEIGHT_SLOT):
        return
    view = t.view(TAG_NUM, TAG_ACT)
    if out.has(asked):
        _changed_numbers(t, view, asked, out)
        return
    for m in unmasked(_BARE_RE, view):
        if m.group("per") and asked != DAYS:
            continue
        numbers = [finite_number(g) for g in (m.group("n"), m.group("m")) if g]
        values = [n for n in numbers if n is not None]
        if asked in (MINUTES, DAYS) and values:
            values = [min(values)]
        for value in values:
            _bare_value(t, asked, value, t.source(m.start(), m.end()), m.start(), out)
    if asked == DAYS and not out.has(DAYS):
        for m in unmasked(_BARE_COUNT_RE, view):
            value = COUNT_WORDS.get(" ".join(m.group("w").split()), 0)
            out.add(DAYS, value, t.source(m.start(), m.end()), m.start())


_SAID_NEXT: Final = re.compile(r"[\s,.:!-]*")


def _changed_numbers(t: Text, view: str, asked: str, out: Results) -> None:
    """ "5 days. Actually 3. No, let's go 4.": a bare number said right after the person
    changes their mind is a candidate too (:func:`bot.profile.settled.settle` keeps the last);
    a range of days or minutes ("nah, say 3 or 4") stands for its lower end."""
    first = min(f.start for f in out.of(asked))
    for end in decision_ends(view):
        if end <= first:
            continue
        gap = _SAID_NEXT.match(view, end)
        m = _BARE_RE.match(view, gap.end() if gap else end)
        if m is None or (m.group("per") and asked != DAYS):
            continue
        value = finite_number(m.group("n"))
        if m.group("m"):
            if asked not in (MINUTES, DAYS):
                continue  # a range is an answer only for a count: "nah, say 3 or 4" is 3
            value = min(value, finite_number(m.group("m")) or value) if value is not None else None
        if value is not None:
            _bare_value(t, asked, value, t.source(m.start(), m.end()), m.start(), out)


_LIST_ITEM_RE: Final = re.compile(r"[^.;:,/\n!?()]+")
_LIST_DAYS_RE: Final = re.compile(rf"(?P<n>{NUM})\s*(?:days?|x)", re.IGNORECASE)
_LIST_GOALS: Final[dict[str, str]] = {
    "balance": "balance",
    "fitness": "fitness",
    "fit": "fitness",  # also "fitnes" (bot.profile.text's short form of a slip)
    "general fitness": "fitness",
    "weight loss": "fitness",
    "knees": "joints",
    "joints": "joints",
    "rehab": "rehab",
    "curiosity": "curiosity",
}
# The answers a list item must come with before a lone number is read as the age.
_LIST_CONTEXT: Final = 2


def list_items(t: Text, asked: str | None, out: Results) -> None:
    """Terse lists: "38. no conditions. outdoor track. fitness. 30 min, 3 days/wk".

    When a message already gives at least :data:`_LIST_CONTEXT` other answers (a request
    for a plan counts as one), an item that
    is only a whole number in the age range is the age, an item that is only a goal word
    is the goal, and "3 days" is the days a week. Alone, "38", "fitness" or "3 days" stay
    unread unless that question was asked.
    """
    answered = {f.slot for f in out.found} | ({CONDITIONS} if out.no_conditions else set())
    if PLAN_WORD.search(t.lower):
        answered.add("plan")  # "need a plan. 33, never done it": the request is context too
    if len(answered) < _LIST_CONTEXT:
        return
    view = t.view(TAG_NUM, TAG_ACT)
    for m in _LIST_ITEM_RE.finditer(view):
        item = " ".join(m.group().split())
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        if not out.has(AGE_SLOT) and asked != AGE_SLOT and item.isdecimal():
            value = float(item)
            if in_range(value, AGE_RANGE) and value >= 16:
                out.add(AGE_SLOT, value, t.source(start, start + len(item)), start, weak=True)
        elif not out.has(GOAL) and item in _LIST_GOALS:
            out.add(GOAL, _LIST_GOALS[item], t.source(start, start + len(item)), start)
        elif not out.has(DAYS) and (days := _LIST_DAYS_RE.fullmatch(item)):
            count = finite_number(days.group("n"))  # "20 mins, 3 days": days a week
            if count is not None and 1 <= count <= 7:
                out.add(DAYS, count, t.source(start, start + len(item)), start)


def _bare_value(t: Text, asked: str, value: float, text: str, start: int, out: Results) -> None:
    """Record one bare number as an answer to ``asked``."""
    if asked == WEIGHT_SLOT:
        bare_weight(t, value, text, start, asked, out)
    elif asked == AGE_SLOT and in_range(value, _BIRTH_YEARS):
        out.problem(
            AGE_SLOT,
            f"Is {fmt_number(value)} the year you were born? Please tell me your age in years.",
        )
    else:
        out.add(asked, value, text, start)
