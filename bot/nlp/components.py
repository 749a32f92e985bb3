"""The ``retrowalk_quantities`` spaCy component: duration, weight, age, speed, incline spans.

It runs after the ``entity_ruler`` (vocabulary labels ``body_part``, ``condition``,
``symptom``, ``place``) and

1. proposes candidate spans with spaCy's :class:`~spacy.matcher.Matcher`: every run of
   quantity-ish tokens (numbers incl. ``LIKE_NUM`` and number words, unit words, glued forms
   such as "10kg", "1h30", "65yo", and the connectors "and", "a", "of", "-", ...), plus
   first-person age contexts ("I'm 65", "aged 65", "I turned 70") and decades ("in my 60s");
2. keeps a candidate only if :mod:`bot.nlp.quantities` parses its whole text as that kind and
   a few context rules agree (an age needs "years old"/"yo"/"aged"/"I'm", a bare "5%" or
   "10 degrees" needs an incline word nearby, "21st" is not 21 stone, ...);
3. picks the longest non-overlapping candidates ("I'm 65 kg" is a weight, not an age);
4. drops a few well-known false positives of the vocabulary ("come back", "on track",
   "5 foot 10", "fell asleep") and merges the quantity spans into ``doc.ents``, keeping the
   longer span when a quantity and a vocabulary entity overlap (the vocabulary on a tie).

Quantity entities carry the kind as label, the canonical value as entity id
(``ent.ent_id_ == "30 min"``) and the parsed :class:`~bot.nlp.quantities.kinds.Quantity` as
``ent._.quantity``. ``span._.side`` reads "left", "right" or "both" from any span's text.

Extensions are registered when the component is created, never at import.

One concept (hence over 400 lines): the quantity component of the spaCy pipeline.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from bot.nlp import QUANTITY_LABELS, VOCAB_LABELS
from bot.nlp.idioms import WordContext, is_idiom
from bot.nlp.quantities.kinds import AGE, DURATION, INCLINE, KINDS, WEIGHT, Quantity
from bot.nlp.quantities.parse import parse_quantity
from bot.nlp.quantities.tokens import is_number_token, is_quantity_token, is_unit_token, tokenize

__all__ = [
    "FACTORY_NAME",
    "QUANTITY_LABELS",
    "VOCAB_LABELS",
    "QuantityRecognizer",
    "make_quantities",
    "register_extensions",
    "span_quantity",
    "span_side",
]

FACTORY_NAME: Final = "retrowalk_quantities"

_MAX_SPAN: Final = 10  # tokens; "two and a half miles per hour" is 7
_MIN_CONTEXT_AGE: Final = 10.0
# "at 72" is an age only when it cannot be a clock time.
_MIN_AT_AGE: Final = 25.0

_AGE_MARKERS: Final = frozenset({"old", "yo", "age", "aged"})
_INCLINE_KEYWORDS: Final = frozenset(
    {
        "incline",
        "inclination",
        "gradient",
        "grade",
        "slope",
        "elevation",
        "uphill",
        "decline",
        "downhill",
        "descent",
    }
)
_INCLINE_PREFIXES: Final = frozenset(
    {"incline", "inclination", "gradient", "slope", "elevation", "decline"}
)
_INCLINE_LINKS: Final = frozenset({"of", "at", "to", "level", "setting", "set", "on", "is"})
# Words elsewhere in the message that make a bare "5%" an incline.
_INCLINE_CONTEXT: Final = _INCLINE_KEYWORDS | {
    "inclined",
    "hill",
    "hills",
    "hilly",
    "tilt",
    "angle",
    "steep",
    "steeper",
}
_PERCENT_CONTEXT: Final = _INCLINE_CONTEXT | {"treadmill", "treadmills", "setting", "level"}
_TEMPERATURE_WORDS: Final = frozenset(
    {"c", "f", "celsius", "fahrenheit", "centigrade", "outside", "out", "today", "weather"}
)
# After "I'm 65": these mean the number was not an age ("I'm 6 foot", "12 weeks pregnant").
_NOT_AGE_FOLLOWERS: Final = frozenset(
    {
        "foot",
        "feet",
        "ft",
        "'",
        "cm",
        "inch",
        "inches",
        "metres",
        "meters",
        "weeks",
        "week",
        "days",
        "day",
        "months",
        "month",
        "times",
        "x",
        "steps",
        "miles",
        "km",
        "kilometres",
        "kilometers",
        "laps",
        "reps",
        "sets",
        "of",
        "out",
        "percent",
        "%",
    }
)
# A span that ends in a bare number may be followed only by these words ("11 stone 4 and").
# "11 stone 7 at the doctor's", "1 hour 30 in the park": a place or a time may follow.
_AFTER_TRAILING_NUMBER: Final = frozenset(
    {"and", "or", "but", "so", "then", "now", "at", "in", "last", "this", "when", "ish"}
)
_SECOND_WORDS: Final = frozenset({"second", "seconds", "sec", "secs"})
_FRACTION_WORDS: Final = frozenset({"half", "quarter", "quarters", "a", "an"})
_ORDINAL_ST_RE: Final = re.compile(r"^(\d*[02-9])?1st$")
_DECADE_RE: Final = (
    r"^([2-9]0s|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)$"
)

_SIDES: Final[dict[str, str]] = {
    "left": "left",
    "l": "left",
    "lt": "left",
    "right": "right",
    "r": "right",
    "rt": "right",
    "both": "both",
}


# --------------------------------------------------------------------------------------------
# Extensions
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _is_quantity_text(text: str) -> bool:
    return is_quantity_token(text)


@lru_cache(maxsize=8192)
def _is_number_text(text: str) -> bool:
    return is_number_token(text)


@lru_cache(maxsize=8192)
def _is_unit_text(text: str) -> bool:
    return is_unit_token(text)


def _token_is_quantity(token: Token) -> bool:
    return bool(token.like_num) or _is_quantity_text(token.text)


def _is_bare_count(token: Token) -> bool:
    """A whole-number token ("30", "twenty"), not a fraction word ("half")."""
    return token.lower_ not in _FRACTION_WORDS and _token_is_number(token) and token.text != "-"


def _token_is_number(token: Token) -> bool:
    return bool(token.like_num) or token.text == "-" or _is_number_text(token.text)


def span_quantity(span: Span) -> Quantity | None:
    """Getter of ``Span._.quantity``: the parsed quantity of a quantity entity.

    Args:
        span: Any span; only spans labelled with a quantity kind have a quantity.

    Returns:
        The :class:`~bot.nlp.quantities.kinds.Quantity` parsed from the span's text, or ``None``.
    """
    if span.label_ not in QUANTITY_LABELS:
        return None
    return parse_quantity(span.label_, span.text)


def span_side(span: Span) -> str | None:
    """Getter of ``Span._.side``: the laterality named in a span ("left knee" -> "left").

    Args:
        span: Any span (typically a ``body_part`` or ``condition`` entity).

    Returns:
        "left", "right", "both" (also for "left and right"), or ``None``.
    """
    sides = {_SIDES[t.lower_] for t in span if t.lower_ in _SIDES}
    if not sides:
        return None
    if "both" in sides or sides == {"left", "right"}:
        return "both"
    return sides.pop()


def register_extensions() -> None:
    """Register the custom attributes used by this module (idempotent).

    ``Span._.quantity`` and ``Span._.side`` are getters, so nothing is stored in
    ``doc.user_data`` and docs stay serialisable. ``Token._.rw_quantity`` and
    ``Token._.rw_number`` are the token predicates the matcher patterns use.
    """
    if not Span.has_extension("quantity"):
        Span.set_extension("quantity", getter=span_quantity)
    if not Span.has_extension("side"):
        Span.set_extension("side", getter=span_side)
    if not Token.has_extension("rw_quantity"):
        Token.set_extension("rw_quantity", getter=_token_is_quantity)
    if not Token.has_extension("rw_number"):
        Token.set_extension("rw_number", getter=_token_is_number)


# --------------------------------------------------------------------------------------------
# Matcher patterns
# --------------------------------------------------------------------------------------------

_QTY: Final = "RW_QTY"
_AGE_CTX: Final = "RW_AGE_CONTEXT"
_AGE_DECADE: Final = "RW_AGE_DECADE"
_INCLINE_CTX: Final = "RW_INCLINE_CONTEXT"

# Bounded repetition ("?" x N instead of "+"): the Matcher's cost of "+" grows with the square
# of the run length, and a message can be a thousand numbers long.
_NUMBER_RUN: Final[tuple[dict[str, Any], ...]] = (
    {"_": {"rw_number": True}},
    *({"_": {"rw_number": True}, "OP": "?"} for _ in range(5)),
)
_AGE_CONTEXTS: Final[tuple[tuple[dict[str, Any], ...], ...]] = (
    ({"LOWER": "i"}, {"LOWER": {"IN": ["'m", "’m", "m", "am"]}}),
    ({"LOWER": "im"},),
    ({"LOWER": {"IN": ["aged", "turned", "turning"]}},),
    ({"LOWER": "age"}, {"ORTH": {"IN": [":", "-", "="]}, "OP": "?"}),
    ({"LOWER": "age"}, {"LOWER": {"IN": ["is", "of"]}}),
    ({"LOWER": "i"}, {"LOWER": {"IN": ["'ll", "’ll", "will"]}}, {"LOWER": "be"}),
    ({"LOWER": "at"},),
)
_AGE_SUFFIX: Final[tuple[dict[str, Any], ...]] = (
    {"LOWER": {"IN": ["years", "year", "yrs", "yr", "yo", "y.o"]}, "OP": "?"},
    {"LOWER": "old", "OP": "?"},
)


def _patterns() -> dict[str, list[list[dict[str, Any]]]]:
    decade_words: list[list[dict[str, Any]]] = [
        [{"LOWER": {"REGEX": _DECADE_RE}}],
        [{"TEXT": {"REGEX": r"^[2-9]0$"}}, {"LOWER": {"IN": ["'s", "’s", "s"]}}],
    ]
    decade_prefix: list[dict[str, Any]] = [
        {"LOWER": "in"},
        {"LOWER": {"IN": ["my", "his", "her", "your", "their", "our"]}},
        {"LOWER": {"IN": ["early", "mid", "late"]}, "OP": "?"},
        {"ORTH": "-", "OP": "?"},
    ]
    return {
        # Single quantity-ish tokens; __call__ groups them into runs (linear time).
        _QTY: [[{"_": {"rw_quantity": True}}]],
        _AGE_CTX: [[*ctx, *_NUMBER_RUN, *_AGE_SUFFIX] for ctx in _AGE_CONTEXTS],
        _AGE_DECADE: [decade_prefix + words for words in decade_words],
        # "incline to 3", "incline at 4.5 %", "gradient of 10 degrees", "incline level 2"
        _INCLINE_CTX: [
            [
                {"LOWER": {"IN": sorted(_INCLINE_PREFIXES)}},
                {"LOWER": {"IN": sorted(_INCLINE_LINKS)}, "OP": "?"},
                {"LOWER": {"IN": sorted(_INCLINE_LINKS)}, "OP": "?"},
                *_NUMBER_RUN,
                {"LOWER": {"IN": ["%", "percent", "degrees", "degree", "°"]}, "OP": "?"},
            ]
        ],
    }


# --------------------------------------------------------------------------------------------
# The component
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    kind: str
    quantity: Quantity

    @property
    def length(self) -> int:
        return self.end - self.start


def _lower_tokens(doc: Doc) -> frozenset[str]:
    return frozenset(t.lower_ for t in doc)


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Group token positions into maximal runs of consecutive tokens, as (start, end) pairs."""
    runs: list[tuple[int, int]] = []
    for i in sorted(set(positions)):
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def _next_lower(doc: Doc, i: int) -> str:
    return doc[i].lower_ if 0 <= i < len(doc) else ""


class QuantityRecognizer:
    """Finds quantity entities and merges them into ``doc.ents`` (see the module docs)."""

    def __init__(self, nlp: Language, name: str = FACTORY_NAME) -> None:
        """Create the component.

        Args:
            nlp: The pipeline (for its vocab).
            name: The component's name in the pipeline.
        """
        register_extensions()
        self.name = name
        self.matcher = Matcher(nlp.vocab, validate=True)
        for key, patterns in _patterns().items():
            self.matcher.add(key, patterns)

    @property
    def labels(self) -> tuple[str, ...]:
        """The entity labels this component sets (listed in the pipeline's meta)."""
        return QUANTITY_LABELS

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc`` in place.

        Args:
            doc: A doc, normally already processed by the entity ruler.

        Returns:
            The same doc, with quantity entities added to ``doc.ents``.
        """
        if len(doc) == 0:
            return doc
        words = _lower_tokens(doc)
        candidates: list[_Candidate] = []
        quantity_tokens: list[int] = []
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            if key == _QTY:
                quantity_tokens.append(start)
            elif key == _INCLINE_CTX:
                candidates.extend(self._quantity_candidates(doc, start, end, words))
            elif key == _AGE_CTX:
                candidates.extend(self._age_context_candidates(doc, start, end))
            else:  # _AGE_DECADE
                quantity = parse_quantity(AGE, doc[start:end].text)
                if quantity is not None:
                    candidates.append(_Candidate(start, end, AGE, quantity))
        # Every sub-span (up to _MAX_SPAN tokens) of every run of quantity-ish tokens.
        for run_start, run_end in _runs(quantity_tokens):
            for sub_start in range(run_start, run_end):
                for sub_end in range(sub_start + 1, min(run_end, sub_start + _MAX_SPAN) + 1):
                    candidates.extend(self._quantity_candidates(doc, sub_start, sub_end, words))
        chosen = self._select(candidates)
        vocab = [ent for ent in doc.ents if not self._is_spurious_vocab(doc, ent)]
        spans = [
            Span(doc, c.start, c.end, label=c.kind, span_id=c.quantity.canonical) for c in chosen
        ]
        doc.set_ents(self._merge(vocab, spans), default="outside")
        return doc

    # -- candidates -------------------------------------------------------------------------

    def _quantity_candidates(
        self, doc: Doc, start: int, end: int, words: frozenset[str]
    ) -> Iterable[_Candidate]:
        if end - start > _MAX_SPAN:
            return
        span = doc[start:end]
        first, last = span[0], span[-1]
        if first.lower_ in ("and", "of", "per", "-", "/") or last.lower_ in ("and", "of", "a"):
            return
        # "1 hour 30", "11 st 4": a trailing bare number is a sub-unit only at the end of a
        # clause, never the start of the next quantity ("10 minutes and 2 mph") or a count
        # ("2 hours 3 times a week").
        trailing_count = end - start > 1 and _is_bare_count(last)
        compound_ok = not trailing_count or self._may_end_in_number(doc, end)
        tokens = tokenize(span.text)
        if not tokens:
            return
        for kind in KINDS:
            if kind in (DURATION, WEIGHT) and not compound_ok:
                continue
            quantity = parse_quantity(kind, span.text)
            if quantity is not None and self._accept(kind, span, tokens, words):
                yield _Candidate(start, end, kind, quantity)

    @staticmethod
    def _may_end_in_number(doc: Doc, end: int) -> bool:
        """Whether a compound may end in a bare number just before ``doc[end]``."""
        if end >= len(doc):
            return True
        nxt = doc[end]
        if nxt.is_punct or nxt.is_space:
            return True
        return nxt.lower_ in _AFTER_TRAILING_NUMBER

    @staticmethod
    def _accept(kind: str, span: Span, tokens: list[str], words: frozenset[str]) -> bool:
        if kind == AGE:
            # A bare number is never an age; "65 years" only with a marker or a context.
            # "age 65" is left to the context pattern, which keeps the span on "65".
            return tokens[0] != "age" and bool(_AGE_MARKERS.intersection(tokens))
        if kind == INCLINE:
            if _INCLINE_KEYWORDS.intersection(tokens):
                return True
            if tokens[-1] in ("%", "percent", "pct", "pc", "prcnt", "procent", "percentage"):
                return bool(_PERCENT_CONTEXT & words)
            nxt = _next_lower(span.doc, span.end)
            return bool(_INCLINE_CONTEXT & words) and nxt not in _TEMPERATURE_WORDS
        if kind == DURATION and tokens[0] in ("a", "an") and tokens[-1] in _SECOND_WORDS:
            return False  # "for a second", "a second time"
        # "on the 21st" is a date, not 21 stone.
        return not (kind == WEIGHT and len(span) == 1 and _ORDINAL_ST_RE.match(span.text.lower()))

    @staticmethod
    def _age_context_candidates(doc: Doc, start: int, end: int) -> Iterable[_Candidate]:
        # Drop the context words ("I", "'m", "aged", ...): the span is the number (+ unit).
        i = start
        while i < end and not _token_is_number(doc[i]):
            i += 1
        if i >= end or doc[i].text == "-":
            return
        span = doc[i:end]
        if span[-1].text == "-":
            return
        nxt = _next_lower(doc, end)
        if nxt in _NOT_AGE_FOLLOWERS or (nxt and _is_unit_text(doc[end].text)):
            return
        if _next_lower(doc, start - 1) in ("like", "if", "though"):
            return  # "explain it like I'm five"
        quantity = parse_quantity(AGE, span.text)
        minimum = _MIN_AT_AGE if doc[start].lower_ == "at" else _MIN_CONTEXT_AGE
        if quantity is None or quantity.value < minimum or not quantity.value.is_integer():
            return
        yield _Candidate(i, end, AGE, quantity)

    @staticmethod
    def _select(candidates: list[_Candidate]) -> list[_Candidate]:
        """Longest first; on equal length the earlier kind in KINDS, then the earlier start."""
        order = {kind: i for i, kind in enumerate(KINDS)}
        ranked = sorted(set(candidates), key=lambda c: (-c.length, order[c.kind], c.start, c.end))
        taken: set[int] = set()
        chosen: list[_Candidate] = []
        for cand in ranked:
            positions = range(cand.start, cand.end)
            if taken.isdisjoint(positions):
                chosen.append(cand)
                taken.update(positions)
        return sorted(chosen, key=lambda c: c.start)

    # -- vocabulary and merging -------------------------------------------------------------

    @staticmethod
    def _is_spurious_vocab(doc: Doc, ent: Span) -> bool:
        """A few idioms that the (context-free) entity ruler matches but should not."""
        if len(ent) != 1:
            return False
        before = doc[ent.start - 1] if ent.start > 0 else None
        context = WordContext(
            before=_next_lower(doc, ent.start - 1),
            before2=_next_lower(doc, ent.start - 2),
            after=_next_lower(doc, ent.end),
            before_is_number=bool(before is not None and before.like_num),
        )
        return is_idiom(ent.label_, ent.text.lower(), context)

    @staticmethod
    def _merge(vocab: list[Span], quantities: list[Span]) -> list[Span]:
        """Non-overlapping union: longer span wins, vocabulary wins a tie."""
        ranked = sorted(
            [(span, 0) for span in vocab] + [(span, 1) for span in quantities],
            key=lambda item: (-len(item[0]), item[1], item[0].start),
        )
        taken: set[int] = set()
        kept: list[Span] = []
        for span, _ in ranked:
            positions = range(span.start, span.end)
            if taken.isdisjoint(positions):
                kept.append(span)
                taken.update(positions)
        return sorted(kept, key=lambda s: s.start)


@Language.factory(
    FACTORY_NAME,
    assigns=["doc.ents", "token.ent_type", "token.ent_iob", "span._.quantity"],
    requires=[],
)
def make_quantities(nlp: Language, name: str) -> QuantityRecognizer:
    """spaCy factory ``retrowalk_quantities`` (also exposed as a ``spacy_factories`` entry point).

    Args:
        nlp: The pipeline.
        name: The component's name.

    Returns:
        A new :class:`QuantityRecognizer`.
    """
    return QuantityRecognizer(nlp, name)
