"""What a person settles on when one message names two values for the same answer.

"72 not 70", "I guess fitness? Or balance? Eh, let's say fitness.", "we sold the treadmill.
Make that outdoors, the track", "3, 4 if I'm lucky": the message is not ambiguous, the person
resolved it. Run after every reader and before :func:`bot.profile.validation.resolve`, which
asks which one was meant when two values are still left.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from bot.nlp.quantities.lexicon import TENS_WORDS, UNITS_WORDS
from bot.nlp.quantities.numbers import parse_number
from bot.profile.model import DAYS_RANGE, MINUTES_RANGE
from bot.profile.slots import (
    AGE_SLOT,
    CONDITIONS,
    DAYS,
    EXPERIENCE,
    GOAL,
    LOCATION,
    MINUTES,
    WEIGHT_SLOT,
)
from bot.profile.text import Found, Results, Text

# A value said right after "not" is the one taken back: "72 not 70", "treadmill, not outside".
# ("treadmill or outside... no, treadmill": a "no," with a comma corrects, it takes nothing back.)
_TAKEN_BACK: Final = re.compile(
    r"\b(?:not|no(?: longer)?(?!,)|instead of|rather than|scratch(?: the| that)?)\W+$"
)
# After one of these the person says what to go with.
_DECISION: Final = re.compile(
    r"\b(?:no,? wait|no(?=,)|nah(?=,)|nope(?=,)|let'?s say|let'?s (?:go|do)(?: with)?|go with"
    r"|make (?:it|that)|just put"
    r"|put (?:me |it )?down (?:as|for)|put it (?:as|at)|call it|i mean|scratch that"
    r"|on second thought|actually"
    r"|i'?ll say|say|(?:he|she|they) says?)\b"
)
# A message that takes an earlier answer back: "actually no, make that indoors", "sorry, I
# meant the treadmill", "change that to 4 days".
_CORRECTS: Final = re.compile(
    r"^\W*(?:(?:oh|ah|um+|er+|erm|hmm+|wait|sorry|no|nah|hang on|ok|okay|and|oops)\b[\s,.!-]*)*"
    r"(?:actually|sorry|no,|i mean|i meant|make (?:it|that)|change (?:it|that)|scratch that"
    r"|on second thought|correction|my mistake|wait)\b"
    r"|\b(?:make (?:it|that)|change (?:it|that) to|i meant|not \w+ but|instead"
    r"|(?:bump|put|move|drop|push) (?:it|that) (?:up |down |back )?to"
    r"|(?:up|increase|lower|cut) it to)\b"
    # "no not sixty sixty six", "sorry typed wrong", "that came out wrong"
    r"|^\W*(?:no|nah|nope)\W+not\b|\b(?:came out wrong|typed (?:it |that )?wrong|typo|mistyped)\b",
    re.IGNORECASE,
)


def decision_ends(text: str) -> list[int]:
    """Where each "actually", "let's say", "make it" ... of a lower-cased message ends: what
    follows is what the person goes with."""
    return [m.end() for m in _DECISION.finditer(text)]


def corrects(text: str) -> bool:
    """Whether ``text`` says it corrects an earlier answer ("actually no, make that indoors")."""
    return _CORRECTS.search(text) is not None


# The number said right after the decision ("he says 81"), when it repeats a candidate.
_NUMBER_AFTER: Final = re.compile(r"\W*(?P<n>\d+(?:\.\d+)?)\b")
# Two numbers for days or minutes joined like a range: "3, 4 if I'm lucky", "3 or 4", "20-30".
_RANGE_JOIN: Final = re.compile(r"^\s*(?:,|or|to|-|–|, or|,? or maybe|, maybe)\s*$")
_RANGE_SLOTS: Final = frozenset({DAYS, MINUTES})
_RANGES: Final = {DAYS: DAYS_RANGE, MINUTES: MINUTES_RANGE}
# "tried it once or twice" is no number of days; "one ninety" is a heart rate.
_COUNT_WORDS: Final = re.compile(r"\b(?:once|twice|thrice)\b")
# Several conditions in one message are all kept: only one-value answers are settled.
_SETTLED_SLOTS: Final = frozenset(
    {AGE_SLOT, MINUTES, DAYS, WEIGHT_SLOT, EXPERIENCE, LOCATION, GOAL}
)


def settle(t: Text, out: Results) -> None:
    """Drop the candidates the person took back or moved on from (in place).

    Args:
        t: The message.
        out: Everything the readers found; slots with one value are left alone.
    """
    decisions = decision_ends(t.lower)
    for slot in {f.slot for f in out.found} & _SETTLED_SLOTS:
        found = out.of(slot)
        if len({_key(f) for f in found}) < 2:
            continue
        kept = [f for f in found if not _TAKEN_BACK.search(t.lower[max(0, f.start - 14) : f.start])]
        if decisions:
            after = (
                [f for f in kept if f.start >= decisions[-1]]
                or _repeated(t, kept, decisions)
                # "balance. nah, fitness actually": the last change that names a value
                or next(
                    (a for d in reversed(decisions) if (a := [f for f in kept if f.start >= d])),
                    [],
                )
            )
            if after and len(after) < len(kept):
                kept = after
        if slot in _RANGE_SLOTS and len({_key(f) for f in kept}) == 2:
            kept = _lower_of_a_range(t, kept)
        if slot == EXPERIENCE:
            kept = _after_a_contrast(t, kept)
        if kept and len(kept) < len(found):
            out.found = [f for f in out.found if f.slot != slot or f in kept]


_CONTRAST: Final = re.compile(r"\b(?:but|though|although|however|yet)\b")


def _after_a_contrast(t: Text, found: list[Found]) -> list[Found]:
    """ "I've walked patients backwards plenty but never done it myself": what the person
    says of themself after the "but" is their experience."""
    contrasts = [m.end() for m in _CONTRAST.finditer(t.lower)]
    first = min(f.start for f in found)
    last = next((end for end in reversed(contrasts) if end > first), None)
    after = [f for f in found if last is not None and f.start >= last]
    return after if after and len({_key(f) for f in found}) > 1 else found


# A question sentence: "None. Quick question though - is backwards walking recommended after
# a knee replacement?" asks about a knee replacement, it does not say the walker has one.
_QUESTION: Final = re.compile(
    r"(?:^|(?<=[.!?]))[^.!?]*?\b(?:is|are|does|do|can|could|should|would|will|what|how|why"
    r"|when|which)\b[^.!?]*\?"
)
_ASKED_ABOUT_SLOTS: Final = frozenset({CONDITIONS, GOAL, LOCATION})
# A question that asks the coach for something: "can you make me a plan for my balance?"
_REQUEST: Final = re.compile(r"\b(?:you|plan|programme|program|routine|me)\b")


def asked_about(t: Text, asked_slot: str | None, out: Results) -> None:
    """Drop a condition or goal named only in a question when the message answers it in a
    sentence of its own ("None. Is it recommended after a knee replacement?"), a goal named
    only in a question about the exercise when the goal was not asked, and a place named only
    in a question ("is it even safe in the park with all the bikes?")."""
    questions = [m for m in _QUESTION.finditer(t.lower) if not _REQUEST.search(m.group())]

    def asked(found: Found) -> bool:
        return any(m.start() <= found.start < m.end() for m in questions)

    for slot in _ASKED_ABOUT_SLOTS:
        found = out.of(slot)
        told = [f for f in found if not asked(f)]
        if found and (told or (slot == CONDITIONS and out.no_conditions is not None)):
            out.found = [f for f in out.found if f.slot != slot or f in told]
        elif found and (slot == LOCATION or (slot == GOAL and asked_slot != GOAL)):
            out.drop(slot)  # "is it safe in the park with the bikes?", "is it ok after a knee op?"


def _repeated(t: Text, found: list[Found], decisions: list[int]) -> list[Found]:
    """The candidates whose number is said again right after the last decision."""
    m = _NUMBER_AFTER.match(t.lower, decisions[-1])
    if m is None:
        return []
    return [f for f in found if isinstance(f.value, (int, float)) and f.value == float(m["n"])]


def _lower_of_a_range(t: Text, found: list[Found]) -> list[Found]:
    """Of two numbers said as a range, the lower: the safer plan ("maybe 3 or 4 days")."""
    first, second = found[0], found[-1]
    between = t.lower[first.start + len(first.text) : second.start]
    if not _RANGE_JOIN.match(between) or any(_COUNT_WORDS.search(f.text.lower()) for f in found):
        return found
    low, high = _RANGES[first.slot]
    values = [float(f.value) for f in (first, second)]
    if not (low <= values[0] < values[1] <= high):
        return found  # a range goes up, within what can be planned ("2019, two stents": no)
    return [f for f in found if f.value == first.value]


def _key(found: Found) -> str:
    return repr(found.value)


# "72 not 70" said while another question is open: the number taken back names the answer.
_UNIT_SAID: Final = (
    r"(?:\s*(?P<unit>days?|times?|minutes?|mins?|years?(?:\s+old)?|kgs?|kilos?)"
    r"(?:\s+(?:a|per)\s+week)?)?"
    # a particle before the old number: "only 3 days can, not 4"
    r"(?:\s+(?:can|lah|la|lor|ok|okay|only|please))?"
)
# The slot a unit said with the new number names: "3 days not 4" corrects the days.
_UNIT_SLOTS: Final = (
    ("day", DAYS),
    ("time", DAYS),
    ("min", MINUTES),
    ("year", AGE_SLOT),
    ("kg", WEIGHT_SLOT),
    ("kilo", WEIGHT_SLOT),
)
_NUMBER_CORRECTION: Final = re.compile(
    r"(?<![\d.])(?P<new>\d+(?:\.\d+)?)" + _UNIT_SAID + r"\s*,?\s*(?:not|instead of|rather than)\s+"
    r"(?P<old>\d+(?:\.\d+)?)(?![\d.])"
    # "no, not sixty, sixty six"
    r"|\bnot\s+(?P<old2>\d+(?:\.\d+)?)\s*[,.;-]?\s*(?:it's\s+|i'm\s+|but\s+)?"
    r"(?P<new2>\d+(?:\.\d+)?)(?![\d.])"
)
_NUMBER_SLOTS: Final = (AGE_SLOT, MINUTES, DAYS, WEIGHT_SLOT)


_NUMBER_WORDS: Final = re.compile(
    r"\b(?:(?:"
    + "|".join(sorted({*UNITS_WORDS, *TENS_WORDS} - {"a", "an", "nil"}, key=len, reverse=True))
    + r")[\s-]*)+\b"
)


def _in_digits(text: str) -> str:
    """Number words written as digits: "forty four not forty" -> "44 not 40"."""

    def digits(match: re.Match[str]) -> str:
        trailing = match.group()[len(match.group().rstrip()) :]
        value = parse_number(match.group().strip(" -"))
        if value is not None:
            return f"{value:g}{trailing}"
        # two numbers said one after the other: "sixty sixty six" -> "60 66"
        words = match.group().split()
        for cut in range(1, len(words)):
            first, second = (parse_number(" ".join(part)) for part in (words[:cut], words[cut:]))
            if first is not None and second is not None:
                return f"{first:g} {second:g}{trailing}"
        return match.group()

    return _NUMBER_WORDS.sub(digits, text)


def corrected_number(text: str, known: Mapping[str, Any]) -> tuple[str, str] | None:
    """The answer a bare "72 not 70" corrects, from the answers already given.

    Args:
        text: The message.
        known: The answers so far, by slot (age, minutes, days, weight in kg).

    Returns:
        ``(slot, new number as said)`` when the number taken back is a known answer's value;
        otherwise None.
    """
    for match in _NUMBER_CORRECTION.finditer(_in_digits(text.lower())):
        old = float(match.group("old") or match.group("old2"))
        unit = match.group("unit") or ""
        named = next((slot for start, slot in _UNIT_SLOTS if unit.startswith(start)), None)
        for slot in _NUMBER_SLOTS:
            if named is not None and slot != named:
                continue
            value = known.get(slot)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            if abs(float(value) - old) < 1e-9:
                return slot, match.group("new") or match.group("new2")
    return None
