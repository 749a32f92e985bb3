"""The message being read: normalised text, the stretches already read, what was found.

Every extractor works on a :class:`Text` (the message lower-cased character by character, so
offsets stay valid) and records candidates in :class:`Results`; the shared regex pieces
(``NUM``, ``WEEK``) and small helpers live here too. Clauses and negation come from
:mod:`bot.nlp.negation`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from bot.nlp.negation import WORD_RE, clause_before
from bot.nlp.quantities.lexicon import TENS_WORDS
from bot.nlp.quantities.numbers import parse_number
from bot.nlp.split_words import join_split_words
from bot.profile.slots import MAX_TEXT_CHARS, Rejection

_MASK: Final = "\x00"
_CHAR_MAP: Final[dict[str, str]] = {
    "’": "'",
    "‘": "'",
    "`": "'",
    "–": "-",
    "—": "-",
    "−": "-",
    "‐": "-",
}

# Claim tags: which extractor family read a stretch of text.
TAG_NUM: Final = "num"
TAG_PLACE: Final = "place"
TAG_COND: Final = "cond"
TAG_ACT: Final = "act"


# Words a speech recogniser or a hurried typist splits in two ("tread mill", "in doors",
# "back words"): joined, the space moved after the word so that offsets stay valid.
_SPLIT_WORDS: Final[dict[str, str]] = {
    "treadmill": "treadmill",
    "treadmills": "treadmills",
    "indoors": "indoors",
    "outdoors": "outdoors",
    "outside": "outside",
    "backwards": "backwards",
    "backward": "backward",
    "backwords": "backwards",
    "handrail": "handrail",
    "handrails": "handrails",
    "hallway": "hallway",
    "footpath": "footpath",
    "sidewalk": "sidewalk",
    "walkway": "walkway",
}


# The answers' key words, whose slips a hurried typist makes ("balamce", "fitmess",
# "15 minuets", "treadmil l"): one letter changed, two swapped or one too many are put right,
# keeping the length; one too few, by a shorter form. Real words one slip away are left alone.
_KEY_WORDS: Final = (
    "balance", "fitness", "treadmill", "minutes", "conditions", "condition", "outdoors",
    "indoors", "outside", "strength", "posture", "mobility", "injuries", "injury", "stamina",
    "hallway", "backwards",
)  # fmt: skip
_REAL_NEIGHBOURS: Final = frozenset({"witness", "valance", "balanced", "injured", "outsider"})
# A key word with a letter left out ("fitnes", "outdors") is too short to hold the word; it
# becomes a shorter word the answers read the same way, padded to its length.
_SHORT_FORMS: Final = {
    "fitness": "fit",
    "outdoors": "outdoor",
    "indoors": "indoor",
    "injuries": "injury",
    "conditions": "condition",
    "minutes": "mins",
    "backwards": "backward",
}
_LETTERS: Final = re.compile(r"[a-z]{5,}")


def _slip_of(word: str) -> str | None:
    """The key word ``word`` is a one-letter slip of, padded to its length, or None."""
    if word in _KEY_WORDS or word in _REAL_NEIGHBOURS:
        return None
    for key in _KEY_WORDS:
        if len(word) == len(key):
            diff = [i for i, (a, b) in enumerate(zip(word, key, strict=True)) if a != b]
            swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == key[diff[1]]
            if len(diff) == 1 or (swapped and word[diff[1]] == key[diff[0]]):
                return key
        elif len(word) == len(key) + 1 and any(
            word[:i] + word[i + 1 :] == key for i in range(len(word))
        ):
            return key + " "
        elif (
            len(word) == len(key) - 1
            and key in _SHORT_FORMS
            and len(word) >= 5
            and any(key[:i] + key[i + 1 :] == word for i in range(len(key)))
        ):
            return _SHORT_FORMS[key].ljust(len(word))
    return None


def _put_slips_right(text: str) -> str:
    return _LETTERS.sub(lambda m: _slip_of(m.group()) or m.group(), text)


# Numbers a speech recogniser wrote as their homophones, where only a number fits: "for days
# a week", "to or three days". Written as digits padded to the word's length.
_COUNTED: Final = r"(?:days?|times?|sessions?|walks?)\s+(?:a|per|each|every)\s+week\b(?!\s+ago)"
_HOMOPHONES: Final = (
    (re.compile(rf"\bfor(?=\s+{_COUNTED}|\s+or\s+(?:five|six|5|6)\b)"), "4  "),
    (re.compile(rf"\bto(?=\s+{_COUNTED}|\s+or\s+(?:three|3)\b)"), "2 "),
    (re.compile(rf"\btoo(?=\s+{_COUNTED}|\s+or\s+(?:three|3)\b)"), "2  "),
)


# An age heard with its unit as a homophone: "i am sixty for" (64), "im fifty to" (52).
_AGE_HEARD: Final = re.compile(
    r"\b(?:i\s+am|i'm|im|am|aged?)\s+(?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety)(?P<gap>\s+|-)(?P<unit>for|to|too)\b"
)
# "Ah'm late sixties" (Northern English and Scots "I'm"), "I is 44" (Caribbean English).
_DIALECT_I_AM: Final = re.compile(r"\bah'm |\bi is ")
# "I've nivver done it" (Northern English "never"), padded to the word's length, and words a
# tablet's autocorrect put in.
_DIALECT_WORDS: Final = (
    (re.compile(r"\bnivver\b"), "never "),
    (re.compile(r"\bniver\b"), "never"),
    # a tablet's autocorrect: "for my knew", "bad knews"
    (
        re.compile(r"(?:(?<=\bmy )|(?<=\bme )|(?<=\bbad )|(?<=\bhis )|(?<=\bher ))knew(?=s?\b)"),
        "knee",
    ),
)


def _age_heard(m: re.Match[str]) -> str:
    age = str(TENS_WORDS[m["tens"]] + (4 if m["unit"] == "for" else 2))
    start, end = m.start("tens"), m.end("unit")
    return m.group()[: start - m.start()] + age.ljust(end - start)


def _numbers_heard_as_words(text: str) -> str:
    for pattern, digits in _HOMOPHONES:
        text = pattern.sub(digits, text)  # each pattern matches a word of the digits' length
    for pattern, word in _DIALECT_WORDS:
        text = pattern.sub(word, text)
    return _AGE_HEARD.sub(
        _age_heard, _DIALECT_I_AM.sub(lambda m: "i'm".ljust(len(m.group())), text)
    )


def normalise(text: str) -> str:
    """Lower-case ``text`` character by character, keeping its length (offsets stay valid),
    end an answer at a line break, join words split in two ("tread mill"), put slips of the
    answers' key words right ("balamce") and numbers heard as words ("for days a week")."""
    out = []
    for char in text:
        char = _CHAR_MAP.get(char, char)
        low = char.lower()
        if char in "\n\r":
            out.append(";")  # a line of its own ends an answer: "- 67 years old\n- never"
        elif char.isspace() or char == _MASK:
            out.append(" ")
        else:
            out.append(low if len(low) == 1 else char)
    joined = join_split_words("".join(out), _SPLIT_WORDS.get, keep_length=True)
    return _numbers_heard_as_words(_put_slips_right(joined))


@dataclass
class Text:
    """The message, its normalised form and the stretches already read ("claims")."""

    original: str
    lower: str
    claims: list[tuple[int, int, str]] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> Text:
        """Wrap a message (cut to :data:`MAX_TEXT_CHARS`)."""
        text = text[:MAX_TEXT_CHARS]
        return cls(text, normalise(text))

    def view(self, *tags: str) -> str:
        """The normalised text with the stretches claimed under ``tags`` masked out."""
        chars = list(self.lower)
        for start, end, tag in self.claims:
            if tag in tags:
                chars[start:end] = _MASK * (end - start)
        return "".join(chars)

    def is_free(self, start: int, end: int, *tags: str) -> bool:
        """Whether ``[start, end)`` overlaps no claim made under ``tags``."""
        return all(end <= s or start >= e for s, e, tag in self.claims if tag in tags)

    def claim(self, start: int, end: int, tag: str) -> None:
        """Mark ``[start, end)`` as read by the ``tag`` family."""
        self.claims.append((start, end, tag))

    def source(self, start: int, end: int) -> str:
        """The original words of ``[start, end)``, whitespace collapsed."""
        return " ".join(self.original[start:end].split())


@dataclass
class Found:
    """A candidate value for a slot."""

    slot: str
    value: Any
    text: str
    start: int = 0
    weak: bool = False


@dataclass
class Results:
    """Everything the extractors found in one message."""

    found: list[Found] = field(default_factory=list)
    problems: list[Rejection] = field(default_factory=list)
    no_conditions: str | None = None

    def add(self, slot: str, value: Any, text: str, start: int = 0, weak: bool = False) -> None:
        """Record a candidate value."""
        self.found.append(Found(slot, value, text, start, weak))

    def of(self, slot: str) -> list[Found]:
        """The candidates for ``slot``, in text order."""
        return sorted((f for f in self.found if f.slot == slot), key=lambda f: f.start)

    def has(self, slot: str) -> bool:
        """Whether any candidate for ``slot`` was found."""
        return any(f.slot == slot for f in self.found)

    def drop(self, slot: str) -> None:
        """Forget every candidate for ``slot`` (read, then found to answer something else)."""
        self.found = [f for f in self.found if f.slot != slot]

    def problem(self, slot: str, reason: str) -> None:
        """Record a reason to ask ``slot`` again (used only if the slot has no candidate)."""
        self.problems.append(Rejection(slot, reason))


_UNIT_WORDS_RE: Final = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    "|fifteen|sixteen|seventeen|eighteen|nineteen"
)
_TENS_RE: Final = "twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety"
_WORD_NUMBER: Final = (
    rf"(?:(?:a |one )?hundred(?: and (?:(?:{_TENS_RE})(?:[ -](?:{_UNIT_WORDS_RE}))?"
    rf"|{_UNIT_WORDS_RE}))?|(?:{_TENS_RE})(?:[ -](?:one|two|three|four|five|six|seven|eight"
    rf"|nine)\b)?|{_UNIT_WORDS_RE})"
)
#: A number in digits ("70", "2.5", "-3") or words ("seventy-five", "a hundred and ten").
NUM: Final = rf"(?:(?<![\w.])-?[0-9]+(?:[.,][0-9]+)?(?![0-9])|\b{_WORD_NUMBER}\b)"

WEEK: Final = r"(?:\s*(?:a|an|per|each|every|in\s+a|/)\s*(?:week|wk)s?\b|\s+weekly\b)"


# A request for a plan in the message ("need a plan. 33, never done it"): context that makes
# terse answers and someone else's age ("He's 81") readable.
PLAN_WORD: Final = re.compile(r"\bplan\b")


# Words that speak of what is to come ("I'll", "going to", "would"): the core of the readings
# that tell what someone will do from what they did or do now.
FUTURE_WORDS: Final = r"i'll|ill|i\s+will|will|going\s+to|gonna|i'd|would"


def rx(pattern: str) -> re.Pattern[str]:
    """Compile a rule pattern (all rules match normalised, lower-case text)."""
    return re.compile(pattern)


def finite_number(text: str) -> float | None:
    """A finite number from digits or words ("70", "seventy", "-3"), else ``None``."""
    value = parse_number(text)
    return value if value is not None and math.isfinite(value) else None


def adjacent_words(text: str, pos: int, count: int) -> list[str]:
    """The last ``count`` words before ``pos`` with no masked (already read) text between."""
    before = clause_before(text, pos)
    return WORD_RE.findall(before[before.rfind(_MASK) + 1 :])[-count:]


def fmt_number(value: float) -> str:
    """A number for a message: "70", "2.5", "-3"."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"


def in_range(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def unmasked(pattern: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """Matches of ``pattern`` in ``text`` that contain no masked character."""
    return (m for m in pattern.finditer(text) if _MASK not in m.group())


# --------------------------------------------------------------------------------------------
