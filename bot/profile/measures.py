"""Weights and session durations: with a unit ("80 kg", "half an hour"), without one ("I weigh
80"), and from quantity entities. Speeds and inclines are read only to be set aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.nlp.negation import clause_before, words_before
from bot.nlp.quantities.kinds import DURATION, INCLINE, SPEED, WEIGHT
from bot.nlp.quantities.parse import parse_quantity
from bot.nlp.quantities.tokens import is_number_token, is_unit_token
from bot.nlp.units import COMMON_DURATION_UNIT_RE, COMMON_WEIGHT_UNIT_RE
from bot.profile.age import OTHER_PERSON_RE
from bot.profile.entities import QUANTITY_SLOTS, Entity
from bot.profile.model import WEIGHT_KG_RANGE
from bot.profile.slots import AGE_SLOT, MINUTES, WEIGHT_SLOT
from bot.profile.text import (
    NUM,
    TAG_ACT,
    TAG_NUM,
    WEEK,
    Results,
    Text,
    finite_number,
    fmt_number,
    in_range,
    rx,
    unmasked,
)

_TOKEN_RE: Final = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[^\W\d_]+(?:'[^\W\d_]+)?|[%°/½¼¾-]")
_WINDOW_KINDS: Final = (SPEED, INCLINE, WEIGHT, DURATION)
_WINDOW_STARTS: Final = frozenset(
    {"a", "an", "incline", "inclination", "gradient", "slope", "elevation", "decline"}
)
_BEFORE_SPAN: Final = 6
_AFTER_SPAN: Final = 4
# A sub-unit number ends the quantity before punctuation, or before a place or a time
# ("11 stone 7 at the doctor's", "1 hour 30 in the park").
_TRAILING_OK_RE: Final = re.compile(r"\s*(?:$|[,.;:!?)\n]|(?:at|in|last|this|when|ish)\b)")
_FRACTION_TAILS: Final = frozenset({"half", "quarter", "quarters"})
_ORDINAL_ST_RE: Final = re.compile(r"(?:^|[^0-9]|[02-9])1st$")


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str
    value: float
    unit: str


def _tokens(view: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(view)]


def _is_start(token: str) -> bool:
    return token in _WINDOW_STARTS or is_number_token(token)


def _tail_ok(view: str, toks: list[_Token], anchor: int, end: int) -> bool:
    """Whether a quantity window may end with token ``end - 1``.

    It may end on its unit, on another unit or fraction ("an hour and a half"), or on a
    sub-unit number ("1h30", "11 st 4") that is glued on or ends the clause; never on a
    number that starts something else ("20 minutes 3 days a week").
    """
    last = toks[end - 1]
    if end - 1 == anchor or is_unit_token(last.text) or last.text in _FRACTION_TAILS:
        return True
    if not is_number_token(last.text):
        return False
    if toks[end - 2].end == last.start:
        return True
    return bool(_TRAILING_OK_RE.match(view, last.end))


def _window_spans(view: str, toks: list[_Token], anchor: int) -> list[_Span]:
    """Quantities of every window kind in windows around the unit token at ``anchor``."""
    spans = []
    first = max(0, anchor - _BEFORE_SPAN)
    for i in range(first, anchor + 1):
        if not _is_start(toks[i].text):
            continue
        for end in range(min(len(toks), anchor + 1 + _AFTER_SPAN), anchor, -1):
            text = view[toks[i].start : toks[end - 1].end]
            for kind in _WINDOW_KINDS:
                quantity = parse_quantity(kind, text)
                if quantity is None:
                    continue
                if kind in (WEIGHT, DURATION) and not _tail_ok(view, toks, anchor, end):
                    continue
                start, stop = toks[i].start, toks[end - 1].end
                spans.append(_Span(start, stop, kind, quantity.value, toks[anchor].text))
    return spans


def _select(spans: list[_Span]) -> list[_Span]:
    """Longest spans first; no two overlap."""
    chosen: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _unit_spans(view: str) -> list[_Span]:
    """All speed, incline, weight and duration expressions in the (masked) text."""
    toks = _tokens(view)
    spans: list[_Span] = []
    for j, tok in enumerate(toks):
        if is_unit_token(tok.text):
            spans.extend(_window_spans(view, toks, j))
    return _select([s for s in spans if not _is_ordinal(view, s)])


def _is_ordinal(view: str, span: _Span) -> bool:
    """ "my 1st time", "on the 21st" are ordinals, not stone."""
    return span.kind == WEIGHT and bool(_ORDINAL_ST_RE.search(view[span.start : span.end]))


def _signed(view: str, span: _Span) -> _Span:
    """Apply a minus sign written just before a span ("-20 minutes")."""
    start = span.start
    if start >= 1 and view[start - 1] == "-" and (start == 1 or view[start - 2] == " "):
        return _Span(start - 1, span.end, span.kind, -span.value, span.unit)
    return span


_RANGE_BEFORE_RE: Final = re.compile(
    rf"(?:\bbetween\s+(?P<b>{NUM})\s+and|(?P<a>{NUM})\s*(?:-|to|or))\s*$"
)
_RANGE_GAP_RE: Final = re.compile(r"\s*(?:-|to|or|and)\s*")


def _range_start(view: str, span: _Span) -> tuple[int, float] | None:
    """For "20-30 minutes": the start of "20" and its value in the span's unit."""
    base = max(0, span.start - 40)
    m = _RANGE_BEFORE_RE.search(view[base : span.start])
    if m is None:
        return None
    number = finite_number(m.group("a") or m.group("b") or "")
    unit = parse_quantity(span.kind, f"1 {span.unit}")
    if number is None or unit is None or number * unit.value >= span.value:
        return None
    return base + m.start(), number * unit.value


def _merge_ranges(view: str, spans: list[_Span]) -> list[_Span]:
    """ "half an hour to an hour" -> one span whose value is the lower bound."""
    merged: list[_Span] = []
    for span in spans:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == span.kind == DURATION
            and _RANGE_GAP_RE.fullmatch(view[prev.end : span.start])
            and prev.value < span.value
            and ("and" not in view[prev.end : span.start] or _between(view, prev.start))
        ):
            merged[-1] = _Span(prev.start, span.end, DURATION, prev.value, prev.unit)
        else:
            merged.append(span)
    return merged


def _between(view: str, start: int) -> bool:
    return view[max(0, start - 8) : start].rstrip().endswith("between")


_NOT_BODY_WEIGHT_BEFORE: Final = frozenset(
    {"lose", "lost", "losing", "drop", "dropped", "shed", "gain", "gained", "put", "carry"}
    | {"carrying", "lift", "lifting", "target", "goal", "reach", "extra", "off", "pull", "push"}
)
_NOT_BODY_WEIGHT_AFTER_RE: Final = re.compile(
    r"\s*(?:weighted\s+)?(?:backpack|rucksack|vest|weights?|pack|bag|dumbbells?|kettlebells?"
    r"|plates?|bar|more|less|lighter|heavier|overweight|underweight)\b"
)
_WEEKLY_AFTER_RE: Final = re.compile(
    rf"{WEEK}|\s+(?:in\s+)?total\b|\s+altogether\b|\s+(?:a|per)\s+month\b"
)
_NOT_SESSION_AFTER_RE: Final = re.compile(
    r"\s*(?:ago|away|from|drive|walk\s+(?:from|to)|later|earlier|late|early)\b"
    # "20 minutes before" is a time; "20 minutes before work", "before the evening milking"
    # say when the session fits in
    r"|\s*(?:before|after)\b(?=\s*(?:$|[.,;:!?]|(?:that|then|now|this)\b))"
)
_NOT_SESSION_BEFORE: Final = frozenset(
    {"every", "in", "within", "miles", "mile", "km", "kms", "kilometres", "kilometers"}
    | {"metres", "meters", "calories", "kcal", "steps", "rest", "break", "wait"}
)


# "in 20 minutes" is later; "fit in 20 minutes" is a session's length.
_FIT_IN: Final = (["fit", "in"], ["squeeze", "in"], ["get", "in"], ["cram", "in"])


def _weight_span(t: Text, view: str, span: _Span, out: Results) -> None:
    """A body weight candidate, unless the context says it is some other weight."""
    words = words_before(view, span.start, 3)
    if any(w in _NOT_BODY_WEIGHT_BEFORE for w in words):
        return
    if _NOT_BODY_WEIGHT_AFTER_RE.match(view, span.end):
        return
    span = _signed(view, span)
    out.add(WEIGHT_SLOT, span.value, t.source(span.start, span.end), span.start)


def _duration_span(t: Text, view: str, span: _Span, out: Results) -> None:
    """A minutes-per-session candidate (weekly totals become a problem)."""
    words = words_before(view, span.start, 2)
    if words and words[-1] in _NOT_SESSION_BEFORE and words[-2:] not in _FIT_IN:
        return
    if _NOT_SESSION_AFTER_RE.match(view, span.end):
        return
    if view[span.start : span.end].split()[0] in ("a", "an") and span.value < 5:
        return  # "give me a minute", "a second"
    if _WEEKLY_AFTER_RE.match(view, span.end):
        out.problem(
            MINUTES,
            f"Is {t.source(span.start, span.end)} for the whole week? I plan each session "
            "separately: how many minutes could you give each session?",
        )
        return
    span = _signed(view, span)
    out.add(MINUTES, span.value, t.source(span.start, span.end), span.start)


def unit_quantities(t: Text, out: Results) -> None:
    """Weights and durations with units; speeds and inclines are only masked."""
    view = t.view(TAG_NUM, TAG_ACT)
    spans = _merge_ranges(view, _unit_spans(view))
    for span in spans:
        if span.kind == DURATION:
            ranged = _range_start(view, span)
            if ranged is not None:
                span = _Span(ranged[0], span.end, DURATION, ranged[1], span.unit)
        t.claim(span.start, span.end, TAG_NUM)
        if span.kind == WEIGHT:
            _weight_span(t, view, span, out)
        elif span.kind == DURATION:
            _duration_span(t, view, span, out)


_WEIGHT_UNIT_RE: Final = COMMON_WEIGHT_UNIT_RE
_DURATION_UNIT_RE: Final = COMMON_DURATION_UNIT_RE
_BARE_UNIT_RE: Final = re.compile(rf"(?P<n>{NUM})\s*(?P<u>{_WEIGHT_UNIT_RE}|{_DURATION_UNIT_RE})\b")


def out_of_range_units(t: Text, out: Results) -> None:
    """ "1000 kg", "0 minutes", "-20 minutes": numbers with a unit that quantities.py refuses."""
    view = t.view(TAG_NUM, TAG_ACT)
    for m in unmasked(_BARE_UNIT_RE, view):
        number = finite_number(m.group("n"))
        unit_text = m.group("u")
        if number is None or (unit_text == "st" and _ORDINAL_ST_RE.search(m.group())):
            continue
        kind = WEIGHT if re.fullmatch(_WEIGHT_UNIT_RE, unit_text) else DURATION
        unit = parse_quantity(kind, f"1 {unit_text}")
        if unit is None:
            continue
        span = _Span(m.start(), m.end(), kind, number * unit.value, unit_text)
        t.claim(m.start(), m.end(), TAG_NUM)
        if kind == WEIGHT:
            _weight_span(t, view, span, out)
        else:
            _duration_span(t, view, span, out)


# --------------------------------------------------------------------------------------------
# Days per week

_WEIGH_RE: Final = rx(
    r"\b(?:weigh(?:s|ing)?|(?:my\s+)?(?:body\s*)?weight(?:\s+is|\s+of)?\s*[:=-]?)\s*"
    r"(?:in\s+at\s+|about\s+|around\s+|roughly\s+|approx\.?\s+|approximately\s+|nearly\s+"
    rf"|almost\s+|just\s+)?(?P<n>{NUM})(?![0-9])"
)


def _unit_question(number: float) -> str:
    shown = fmt_number(number)
    return (
        f"Is that {shown} kg, {shown} lb or {shown} stone? "
        f"Please tell me your weight with the unit, e.g. '{shown} kg'."
    )


def weight_without_unit(t: Text, asked: str | None, out: Results) -> None:
    """ "I weigh 80": kg when the weight was asked and 80 is plausible in kg, else ask."""
    view = t.view(TAG_NUM, TAG_ACT)
    for m in unmasked(_WEIGH_RE, view):
        number = finite_number(m.group("n"))
        t.claim(m.start(), m.end(), TAG_NUM)
        if number is None:
            continue
        bare_weight(t, number, t.source(m.start(), m.end()), m.start(), asked, out)


def bare_weight(
    t: Text, number: float, text: str, start: int, asked: str | None, out: Results
) -> None:
    """Accept a unitless weight as kg only when asked for and plausible; else ask the unit."""
    if asked == WEIGHT_SLOT and in_range(number, WEIGHT_KG_RANGE):
        out.add(WEIGHT_SLOT, number, text, start)
    else:
        out.problem(WEIGHT_SLOT, _unit_question(number))


# --------------------------------------------------------------------------------------------
# Quantity entities
# --------------------------------------------------------------------------------------------


def quantity_entities(t: Text, ents: list[Entity], out: Results) -> None:
    """Ages, durations and weights the entity extractor found where the rules found none."""
    view = t.view(TAG_NUM, TAG_ACT)
    for ent in ents:
        slot = QUANTITY_SLOTS.get(ent.label)
        if slot is None:
            continue
        if ent.span is None:
            if not out.has(slot):
                out.add(slot, ent.value, fmt_number(ent.value), len(t.lower))
            continue
        start, end = ent.span
        if not t.is_free(start, end, TAG_NUM, TAG_ACT):
            continue
        t.claim(start, end, TAG_NUM)
        _entity_quantity(t, view, ent, slot, out)


def _entity_quantity(t: Text, view: str, ent: Entity, slot: str, out: Results) -> None:
    """Run a located quantity entity through the same context checks as the rules."""
    assert ent.span is not None
    start, end = ent.span
    if slot == WEIGHT_SLOT:
        _weight_span(t, view, _Span(start, end, WEIGHT, ent.value, "kg"), out)
    elif slot == MINUTES:
        _duration_span(t, view, _Span(start, end, DURATION, ent.value, "min"), out)
    elif not OTHER_PERSON_RE.search(clause_before(view, start)):
        out.add(AGE_SLOT, ent.value, t.source(start, end), start)


# --------------------------------------------------------------------------------------------
# Conditions
