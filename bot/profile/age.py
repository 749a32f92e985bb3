"""Age: "I'm 70", "70 years old", "aged 70", "in my sixties", "39, birthday last week"."""

from __future__ import annotations

import re
from typing import Final

from bot.nlp.negation import clause_before
from bot.nlp.quantities.kinds import AGE
from bot.nlp.quantities.parse import parse_quantity
from bot.profile.model import AGE_RANGE
from bot.profile.slots import AGE_SLOT
from bot.profile.text import (
    NUM,
    PLAN_WORD,
    TAG_ACT,
    TAG_NUM,
    Results,
    Text,
    finite_number,
    in_range,
    rx,
    unmasked,
)

_AGE_SUFFIX: Final = (
    r"(?:\s*-?\s*(?:years?|yrs?|yr)(?:\s*-?\s*(?:old|young|of\s+age))?|\s*(?:yo|y/o|y\.o\.?)\b)?"
)
_AGE_RULES: Final[tuple[re.Pattern[str], ...]] = (
    rx(
        # "am 83", the subject dropped (not "at 7 am")
        r"(?:\b(?:i'm|i\s+am|im|i\s+m)|(?<![0-9]\s)(?<![0-9])\bam)\s+"
        r"(?:now\s+|currently\s+|just\s+|nearly\s+|almost\s+"
        r"|about\s+|around\s+|roughly\s+|approximately\s+|approx\.?\s+|probably\s+"
        r"|turning\s+|aged\s+)?"
        rf"(?P<n>{NUM}){_AGE_SUFFIX}"
    ),
    rx(
        rf"(?P<n>{NUM})\s*-?\s*(?:years?|yrs?|yr)\s*-?\s*(?:old|young|of\s+age)\b"
        rf"|(?P<m>{NUM})\s*(?:yo|y/o|y\.o\.?)(?![a-z])"
    ),
    rx(
        r"\b(?:aged|age|age\s+is|my\s+age\s+is|turning|just\s+turned|turned|i'll\s+be"
        r"|i\s+will\s+be)\s*[:=-]?\s*(?:about\s+|around\s+|roughly\s+|approx\.?\s+"
        rf"|approximately\s+|nearly\s+|almost\s+)?(?P<n>{NUM}){_AGE_SUFFIX}"
    ),
)
_DECADE_RE: Final = rx(
    r"\b(?P<in>in\s+(?:my|his|her|their)\s+|(?:i'?m|i\s+am)\s+(?=(?:early|mid|late)\b))?"
    r"(?:(?:early|mid|late)\s*-?\s*)?"
    r"(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|[1-9]0\s*'?s)\b"
)
_NOT_AGE_AFTER_RE: Final = re.compile(
    r"\s*-?\s*(?:minutes?|mins?|min\b|hours?|hrs?|h\b|seconds?|secs?|days?|weeks?|wks?|months?"
    r"|kgs?|kilos?|kilograms?|lbs?|pounds?|stones?|st\b|foot|feet|ft\b|cm\b|m\b|inch|'|\"|%"
    r"|percent|times|x\b|of\b|out\b|miles?|mi\b|km|k\b|steps|degrees|mph|laps|rounds|sessions"
    r"|reps|calories|kcal|am\b|pm\b|o'clock|:[0-9]|[.,][0-9]|/|more|less|years?\s+(?:ago|since)"
    r"|or\s+so\b)"
)
OTHER_PERSON_RE: Final = re.compile(
    r"\b(?:my|our|his|her|their)\s+(?:mum|mom|mother|dad|father|husband|wife|partner|son"
    r"|daughter|kids?|children|child|friend|sister|brother|grand\w*|dog|cat|neighbou?r|boss"
    r"|aunt|uncle|spouse|wife's|husband's)\b|\b(?:he|she|they|he's|she's|they're)\b"
)


# "He's 81" typed for someone else: the age of the person the plan is for, read only when
# the message asks for a plan or the age was just asked ("my son is 8, can he do it?" is not).
_THEIR_AGE_RE: Final = rx(
    r"\b(?:he's|she's|hes|shes|he\s+is|she\s+is)\s+(?:now\s+|just\s+|nearly\s+|almost\s+"
    r"|about\s+|around\s+|roughly\s+|turning\s+)?"
    rf"(?P<n>{NUM}){_AGE_SUFFIX}"
)
# "80 or 81": a second age said as an alternative, kept as a candidate to settle or ask about.
_ALTERNATIVE_RE: Final = re.compile(rf"\s*(?:or|-|to|/)\s*(?P<n>{NUM})\b")


# An age still to come: "I'll be 76 in March", "turning 60 next week", "I'm 70 next month"
# tell an age one less today ("so 75 for now").
_BIRTHDAY_TO_COME: Final = re.compile(
    r"\s+(?:in\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|in\s+(?:a\s+(?:few\s+|couple\s+of\s+)?|[0-9]+\s+|two\s+|three\s+)(?:days?|weeks?|months?)\b"
    r"|next\s+(?:week|month|year|birthday|spring|summer|autumn|fall|winter)\b"
    r"|(?:this|on\s+my)\s+(?:next\s+|coming\s+)?birthday\b|soon\b|tomorrow\b)"
)


def ages(t: Text, asked: str | None, out: Results) -> None:
    """Age from "I'm 70", "70 years old", "aged 70", "in my sixties"."""
    rules = list(_AGE_RULES)
    if asked == AGE_SLOT or PLAN_WORD.search(t.lower):
        rules.append(_THEIR_AGE_RE)
    for pattern in rules:
        view = t.view(TAG_NUM, TAG_ACT)
        for m in unmasked(pattern, view):
            number = m.groupdict().get("n") or m.groupdict().get("m") or ""
            if _NOT_AGE_AFTER_RE.match(view, m.end()) or not number:
                continue
            t.claim(m.start(), m.end(), TAG_NUM)
            first_person = pattern in (_AGE_RULES[0], _THEIR_AGE_RE)
            if not first_person and OTHER_PERSON_RE.search(clause_before(view, m.start())):
                continue
            value = finite_number(number)
            if value is not None and _BIRTHDAY_TO_COME.match(view, m.end()):
                value -= 1
            if value is not None:
                out.add(AGE_SLOT, value, t.source(m.start(), m.end()), m.start())
                _alternative_age(t, view, m.end(), value, out)
    _decades(t, asked, out)
    _birthday_age(t, out)


def _alternative_age(t: Text, view: str, end: int, value: float, out: Results) -> None:
    """ "80 or 81": the second number is a candidate too (settled later, or asked about)."""
    m = _ALTERNATIVE_RE.match(view, end)
    other = finite_number(m.group("n")) if m else None
    if m is None or other is None or not 0 < other - value <= 5:
        return
    if _NOT_AGE_AFTER_RE.match(view, m.end()):
        return
    t.claim(m.start("n"), m.end("n"), TAG_NUM)
    out.add(AGE_SLOT, other, t.source(m.start("n"), m.end("n")), m.start("n"))


_BIRTHDAY_RE: Final = re.compile(r"\b(?:birthday|bday|b-day)\b", re.IGNORECASE)
_BARE_NUMBER_RE: Final = re.compile(r"(?<![\w.,/-])(?P<n>[0-9]{2,3})(?![\w/%-]|[.,][0-9]|\s*[0-9])")


def _birthday_age(t: Text, out: Results) -> None:
    """ "actually 39, birthday last week": a lone number beside a birthday is the age."""
    view = t.view(TAG_NUM, TAG_ACT)
    if out.has(AGE_SLOT) or not _BIRTHDAY_RE.search(view):
        return
    numbers = [
        m
        for m in _BARE_NUMBER_RE.finditer(view)
        if not _NOT_AGE_AFTER_RE.match(view, m.end()) and in_range(float(m.group("n")), AGE_RANGE)
    ]
    if len(numbers) == 1 and not OTHER_PERSON_RE.search(view):
        m = numbers[0]
        t.claim(m.start(), m.end(), TAG_NUM)
        out.add(AGE_SLOT, float(m.group("n")), t.source(m.start(), m.end()), m.start())


def _decades(t: Text, asked: str | None, out: Results) -> None:
    """ "in my sixties", "I'm late sixties", "early 70s" (a bare decade only when asked)."""
    view = t.view(TAG_NUM, TAG_ACT)
    for m in unmasked(_DECADE_RE, view):
        if not m.group("in") and asked != AGE_SLOT:
            continue
        decade = m.group()[len(m.group("in") or "") :]
        text = f"in my {decade}"
        quantity = parse_quantity(AGE, text)
        t.claim(m.start(), m.end(), TAG_NUM)
        if quantity is not None and not OTHER_PERSON_RE.search(m.group()):
            out.add(AGE_SLOT, quantity.value, t.source(m.start(), m.end()), m.start())


# --------------------------------------------------------------------------------------------
# Weight without a unit
