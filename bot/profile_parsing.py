"""Turn free-text answers to the profile questions into profile slot values.

Plain Python with no Rasa import. The profile form asks for retro-walking experience, age,
injuries and health conditions, where the user will walk, their goal, minutes per session,
days per week and (optionally) weight. People answer in any order, several at once ("I'm 70,
I walk in the park 3 days a week") and in any phrasing. :func:`parse_answers` extracts every
slot present in one message; values that cannot be used come back as a :class:`Rejection`
with a friendly, specific sentence to show the user.

Sources. Text is parsed with rules that reuse :mod:`bot.nlp.quantities` for every number and
unit ("half an hour", "11 st 4 lb", "seventy-five"). Rasa entities from the spaCy pipeline
(``entity``/``value``/``unit``/``raw``, optionally ``start``/``end``) are used as well:
``place``, ``condition`` and ``symptom`` entities are read first (their canonical values win
over the free-text rules for the same words); ``age``, ``duration`` and ``weight`` entities
only fill in spans that the text rules did not already read. An entity whose ``raw`` text
cannot be found in the message is used only when the text gave nothing for that slot.

Mapping decisions:

* **experience**: "never tried it", "first time", "beginner", "new to this" -> ``none``;
  "tried it", "a few times", "once or twice", "occasionally" -> ``some``; "regularly",
  "every week", "for years", "experienced" -> ``regular``. Frequency words count only when
  they are about backward walking (the clause mentions retro/backward/reverse or says "it") or
  when the coach asked about experience. Several levels in one message: the highest wins
  ("I'm a beginner but I've tried it twice" -> ``some``). When asked: "no"/"not really" ->
  ``none``, "a bit" -> ``some``, a frequency ("every day") -> ``regular``, and a bare "yes"
  is a Rejection asking how much.
* **age**: "I'm 70", "70 years old", "aged 70", "in my sixties" (60; "mid" +5, "late" +8, as
  in quantities.py). A bare number only when the coach asked for the age ("1954" then gets a
  Rejection asking for the age rather than the birth year). Numbers followed by a unit ("I'm
  70 kg", "I'm 5 foot 6", "I'm 6 weeks post-op", "70 minutes") are never ages, nor are ages of
  someone else ("my mum is 95"). "I'm 70" is an age even when the weight was asked.
* **conditions**: ``condition``/``symptom`` entity values plus free text ("bad knee", "knee
  pain", "pain in my hip", and named conditions such as asthma or high blood pressure).
  "no injuries", "I'm healthy", and, when asked, "none"/"no"/"nothing" -> ``()``; negated
  mentions ("no knee problems", "never had a fall") and things to prevent ("to avoid falls")
  are not conditions. A bare "yes" to the conditions question is a Rejection asking which.
* **location**: treadmill -> ``treadmill``; park, track, path, trail, road, pavement, beach,
  grass, field, hill, garden, outside -> ``outdoor``; hallway, corridor, indoors, inside,
  kitchen, living room -> ``indoor_support``. *Weak* places give way to any specific place in
  the same message: containers (gym, leisure centre, mall, "at home") and supports (wall,
  handrail, chair, counter, stairs). So "the treadmill at the gym" -> treadmill and "the
  garden at home" -> outdoor, while "the gym" alone -> ``indoor_support`` (a gym has open
  floor and something to hold; the treadmill is chosen only when it is named). Any track,
  indoor or outdoor, is ``outdoor`` (open flat lane, no support). Negated places ("no
  treadmill", "instead of the park") are ignored; pool is ignored. Two specific places that
  map to different locations -> a Rejection asking which.
* **goal**: balance/steadier/falls -> ``balance``; knees/joints/arthritis/hips -> ``joints``;
  fitness/calories/weight loss/cardio/running -> ``fitness``; rehab/recovery/after
  surgery/physio -> ``rehab``; curious/just trying/fun -> ``curiosity``. Unambiguous goal
  phrases count anywhere ("just curious", "for fun", "weight loss", "lose 5 kg", "rehab",
  "recovering", "physio", "after surgery"); other keywords count only within a few words
  after a goal cue ("for", "to", "want", "help", "improve", "prevent", ...) or when the coach
  asked for the goal, so "I have arthritis in my knees" is a condition, not a goal. Curiosity
  gives way to any other goal, and joints to rehab ("rehab for my knee" -> rehab); other
  pairs -> a Rejection asking which matters most.
* **minutes_per_session**: any duration ("20 minutes", "half an hour" = 30, "an hour" = 60,
  "1h30" = 90), rounded to whole minutes. Ranges ("20-30 minutes", "20 to 30 mins", "half an
  hour to an hour") give the **lower bound**, the safe start. A bare number only when asked.
  A duration "a week" is a weekly total and is a Rejection asking for minutes per session.
* **days_per_week**: "3 days a week", "three times a week", "3x/week", "twice a week" (2),
  "once a week" (1), "every day"/"daily" (7), "weekdays" (5), "weekends" (2), "most days" (5),
  "a couple of days a week" (2), "a few times a week" (3), "several days a week" (4), and
  "every other day"/"alternate days" -> **3** (the lower of 3 or 4, keeping a rest day between
  walks). Ranges ("3-4 days a week") give the lower bound. Two or more weekday names
  ("Mondays and Thursdays") count the days. "twice"/"3 times"/"3 days" with no "a week" count
  only after "I can/could do" or when the coach asked for days (otherwise "I've tried it
  twice" is experience). Work or other sports frequencies ("I work 5 days a week", "I swim
  twice a week") are not walking days. Fractional days are a Rejection.
* **weight_kg**: kg, lb and stone through quantities.py ("80 kg", "176 lbs", "12 stone", "11
  st 4"), rounded to 0.1 kg. A number without a unit ("I weigh 80") is a Rejection asking for
  the unit, **except** when the coach asked for the weight and the number is a plausible
  weight in kg (25-300), which is then taken as kg. Weights that are not body weight ("lose 5
  kg", "a 5 kg backpack", "get down to 70 kg") are ignored.
* **regularly_active**: "I'm active", "I exercise regularly", "I swim twice a week" -> True;
  "inactive", "sedentary", "I haven't exercised in years", "not very active", "I used to be
  active" -> False. When asked, "yes"/"no" answer it.

Values outside the plausible ranges of :mod:`bot.profile` (``AGE_RANGE``,
``WEIGHT_KG_RANGE``, ``MINUTES_RANGE``, ``DAYS_RANGE``) and different values for one slot in
one message ("I'm 65... I'm 70") give a Rejection, never a ParsedAnswer. A slot appears at
most once, either in the answers or in the rejections.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from bot.nlp.quantities import (
    AGE,
    DURATION,
    INCLINE,
    SPEED,
    WEIGHT,
    is_number_token,
    is_unit_token,
    parse_number,
    parse_quantity,
)
from bot.profile import (
    AGE_RANGE,
    DAYS_RANGE,
    EXPERIENCES,
    MINUTES_RANGE,
    WEIGHT_KG_RANGE,
)

__all__ = [
    "ACTIVE",
    "AGE_SLOT",
    "CONDITIONS",
    "DAYS",
    "EXPERIENCE",
    "GOAL",
    "LOCATION",
    "MAX_TEXT_CHARS",
    "MINUTES",
    "SLOTS",
    "WEIGHT_SLOT",
    "ParsedAnswer",
    "Rejection",
    "parse_answers",
]

EXPERIENCE: Final = "experience"
AGE_SLOT: Final = "age"
CONDITIONS: Final = "conditions"
LOCATION: Final = "location"
GOAL: Final = "goal"
MINUTES: Final = "minutes_per_session"
DAYS: Final = "days_per_week"
WEIGHT_SLOT: Final = "weight_kg"
ACTIVE: Final = "regularly_active"

#: The profile slots, in the order answers and rejections are returned.
SLOTS: Final[tuple[str, ...]] = (
    EXPERIENCE,
    AGE_SLOT,
    CONDITIONS,
    LOCATION,
    GOAL,
    MINUTES,
    DAYS,
    WEIGHT_SLOT,
    ACTIVE,
)

#: Longer messages are cut to this many characters before parsing.
MAX_TEXT_CHARS: Final = 2000

_ASKED_ALIASES: Final[dict[str, str]] = {
    "weight": WEIGHT_SLOT,
    "minutes": MINUTES,
    "days": DAYS,
    "condition": CONDITIONS,
    "active": ACTIVE,
}


@dataclass(frozen=True)
class ParsedAnswer:
    """One profile slot value found in a message.

    Attributes:
        slot: The slot name (one of :data:`SLOTS`).
        value: The value: ``str`` for experience/location/goal, ``int`` for age, minutes and
            days, ``float`` for weight_kg, ``tuple[str, ...]`` for conditions, ``bool`` for
            regularly_active.
        text: The words of the message the value was read from.
    """

    slot: str
    value: Any
    text: str


@dataclass(frozen=True)
class Rejection:
    """A slot the user answered with something the coach cannot use.

    Attributes:
        slot: The slot name (one of :data:`SLOTS`).
        reason: A friendly, specific sentence to show the user, ending with the question to
            ask again.
    """

    slot: str
    reason: str


# --------------------------------------------------------------------------------------------
# Text, claims and collected values
# --------------------------------------------------------------------------------------------

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
_NUM: Final = "num"
_PLACE: Final = "place"
_COND: Final = "cond"
_ACT: Final = "act"


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
_SPLIT_PAIR_RE: Final = re.compile(r"\b([a-z]+) ([a-z]+)\b")


def _join_split_words(lower: str) -> str:
    def join(m: re.Match[str]) -> str:
        word = _SPLIT_WORDS.get(m.group(1) + m.group(2))
        return f"{word} " if word else m.group()

    return _SPLIT_PAIR_RE.sub(join, lower)


def _normalise(text: str) -> str:
    """Lower-case ``text`` character by character, keeping its length (offsets stay valid),
    and join words split in two ("tread mill")."""
    out = []
    for char in text:
        char = _CHAR_MAP.get(char, char)
        low = char.lower()
        if char.isspace() or char == _MASK:
            out.append(" ")
        else:
            out.append(low if len(low) == 1 else char)
    return _join_split_words("".join(out))


@dataclass
class _Text:
    """The message, its normalised form and the stretches already read ("claims")."""

    original: str
    lower: str
    claims: list[tuple[int, int, str]] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> _Text:
        """Wrap a message (cut to :data:`MAX_TEXT_CHARS`)."""
        text = text[:MAX_TEXT_CHARS]
        return cls(text, _normalise(text))

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
class _Found:
    """A candidate value for a slot."""

    slot: str
    value: Any
    text: str
    start: int = 0
    weak: bool = False


@dataclass
class _Results:
    """Everything the extractors found in one message."""

    found: list[_Found] = field(default_factory=list)
    problems: list[Rejection] = field(default_factory=list)
    no_conditions: str | None = None

    def add(self, slot: str, value: Any, text: str, start: int = 0, weak: bool = False) -> None:
        """Record a candidate value."""
        self.found.append(_Found(slot, value, text, start, weak))

    def of(self, slot: str) -> list[_Found]:
        """The candidates for ``slot``, in text order."""
        return sorted((f for f in self.found if f.slot == slot), key=lambda f: f.start)

    def has(self, slot: str) -> bool:
        """Whether any candidate for ``slot`` was found."""
        return any(f.slot == slot for f in self.found)

    def problem(self, slot: str, reason: str) -> None:
        """Record a reason to ask ``slot`` again (used only if the slot has no candidate)."""
        self.problems.append(Rejection(slot, reason))


@dataclass(frozen=True)
class _Entity:
    """A Rasa entity, validated and located in the text when possible."""

    label: str
    value: Any
    span: tuple[int, int] | None


# --------------------------------------------------------------------------------------------
# Shared regex pieces and helpers
# --------------------------------------------------------------------------------------------

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

_WEEK: Final = r"(?:\s*(?:a|an|per|each|every|in\s+a|/)\s*(?:week|wk)s?\b|\s+weekly\b)"
_CLAUSE_BREAK_RE: Final = re.compile(
    r"[.!?;,:\n()]|\bbut\b|\bthough\b|\balthough\b|\bhowever\b|\bwhereas\b"
)
_WORD_RE: Final = re.compile(r"[a-z']+")
_NEGATORS: Final = frozenset(
    {
        "no",
        "not",
        "never",
        "don't",
        "dont",
        "doesn't",
        "didn't",
        "without",
        "haven't",
        "havent",
        "hasn't",
        "hadn't",
        "isn't",
        "aren't",
        "can't",
        "cant",
        "cannot",
        "won't",
        "instead",
        "rather",
        "nor",
        "free",
        "hate",
    }
)


_SCOPE_ENDS: Final = frozenset({"so", "and", "then", "because", "since", "which", "now", "just"})
_PLACE_NEGATION_WINDOW: Final = 5
# What "no" is about in "no injuries treadmill at the gym": not the place that follows.
_HEALTH_NOUNS: Final = frozenset(
    {"injury", "injuries", "problems", "problem", "issues", "issue", "conditions", "condition"}
    | {"pain", "pains", "illness", "illnesses", "health"}
)


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile a rule pattern (all rules match normalised, lower-case text)."""
    return re.compile(pattern)


def _number(text: str) -> float | None:
    """A finite number from digits or words ("70", "seventy", "-3"), else ``None``."""
    value = parse_number(text)
    return value if value is not None and math.isfinite(value) else None


def _clause_start(text: str, pos: int) -> int:
    """Where the clause containing ``pos`` starts (after punctuation, "but", ...)."""
    start = 0
    for match in _CLAUSE_BREAK_RE.finditer(text, 0, pos):
        start = match.end()
    return start


def _before(text: str, pos: int) -> str:
    """The part of ``pos``'s clause that precedes ``pos``."""
    return text[_clause_start(text, pos) : pos]


def _words_before(text: str, pos: int, count: int) -> list[str]:
    """The last ``count`` words of the clause before ``pos``."""
    return _WORD_RE.findall(_before(text, pos))[-count:]


def _adjacent_words(text: str, pos: int, count: int) -> list[str]:
    """The last ``count`` words before ``pos`` with no masked (already read) text between."""
    before = _before(text, pos)
    return _WORD_RE.findall(before[before.rfind(_MASK) + 1 :])[-count:]


def _negated(text: str, pos: int, window: int = 3, objects: frozenset[str] = frozenset()) -> bool:
    """Whether one of the few words before ``pos`` negates what follows.

    The scope ends at the clause start and at words such as "so" or "and" ("I can't go
    outside so the treadmill": the treadmill is not negated), and at one of ``objects``,
    which the negation is about instead ("no injuries treadmill at the gym").
    """
    for word in reversed(_words_before(text, pos, window)):
        if word in _NEGATORS:
            return True
        if word in _SCOPE_ENDS or word in objects:
            return False
    return False


def _fmt(value: float) -> str:
    """A number for a message: "70", "2.5", "-3"."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"


def _in_range(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _matches(pattern: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """Matches of ``pattern`` in ``text`` that contain no masked character."""
    return (m for m in pattern.finditer(text) if _MASK not in m.group())


# --------------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------------

_VOCAB_LABELS: Final = frozenset({"place", "condition", "symptom"})
_QUANTITY_SLOTS: Final[dict[str, str]] = {
    "age": AGE_SLOT,
    "duration": MINUTES,
    "weight": WEIGHT_SLOT,
}


def _as_float(value: Any) -> float | None:
    """A finite float from an entity value (numbers or numeric strings), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and len(value) < 40:
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _locate(t: _Text, item: Mapping[str, Any]) -> tuple[int, int] | None:
    """Where an entity's ``raw`` text is in the message (``start``/``end`` if they agree)."""
    raw = item.get("raw")
    if not isinstance(raw, str) or not raw.strip():
        return None
    needle = _normalise(raw)
    start, end = item.get("start"), item.get("end")
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start < end <= len(t.lower)
        and t.lower[start:end] == needle
    ):
        return start, end
    found = t.lower.find(needle)
    return (found, found + len(needle)) if found >= 0 else None


def _read_entities(t: _Text, entities: Any) -> list[_Entity]:
    """Validate Rasa entity dicts; anything malformed is skipped."""
    try:
        items = list(entities or ())
    except TypeError:
        return []
    result = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        label = item.get("entity")
        if not isinstance(label, str):
            continue
        value = item.get("value")
        if label in _VOCAB_LABELS:
            if not isinstance(value, str) or not value.strip() or len(value) > 80:
                continue
            value = " ".join(value.lower().split())
        elif label in _QUANTITY_SLOTS:
            value = _as_float(value)
            if value is None:
                continue
        else:
            continue
        result.append(_Entity(label, value, _locate(t, item)))
    return result


# --------------------------------------------------------------------------------------------
# Places -> location
# --------------------------------------------------------------------------------------------

_OUTDOOR_PLACES: Final = frozenset(
    {
        "park",
        "track",
        "path",
        "trail",
        "road",
        "pavement",
        "beach",
        "grass",
        "outdoors",
        "outside",
        "garden",
        "field",
        "hill",
        "sand",
        "car park",
    }
)
_INDOOR_PLACES: Final = frozenset(
    {"hallway", "corridor", "indoors", "inside", "kitchen", "living room"}
)
_WEAK_PLACES: Final = frozenset(
    {"gym", "mall", "wall", "handrail", "chair", "stairs", "kitchen counter", "counter"}
)

_PLACE_RULES: Final[tuple[tuple[re.Pattern[str], str, bool], ...]] = (
    (_rx(r"\btread\s*-?\s*mills?\b|\b(?:walking|running)\s+machines?\b"), "treadmill", False),
    (
        _rx(
            r"(?:^\W*|\b(?:running|athletics|race|school|walking|indoor|outdoor|the|a|an|my|our"
            r"|local)\s+)tracks?\b(?!\s+(?:my|your|his|her|our|of|it|this|that|how)\b)"
        ),
        "outdoor",
        False,
    ),
    (
        _rx(
            r"\b(?:car\s+)?parks?\b|\b(?:foot|tow|bike|cycle)?paths?\b|\btrails?\b|\broads?\b"
            r"|\bstreets?\b|\bpavements?\b|\bsidewalks?\b|\bbeach(?:es)?\b|\bpromenade\b"
            r"|\bseafront\b|\bgrass(?:y)?\b|\blawns?\b|\bfields?\b|\bpitch\b|\bout\s*doors\b"
            r"|\boutside\b(?!\s+(?:of\s+)?my\s+comfort)|\bgardens?\b|\b(?:back)?yard\b|\bhills?\b"
            r"|\bsand\b|\baround\s+the\s+block\b|\bneighbou?rhood\b|\bparking\s+lot\b"
            r"|\bwoods\b|\bforest\b|\bcountryside\b|\bcanal\b|\bplayground\b|\bin\s+the\s+open\b"
        ),
        "outdoor",
        False,
    ),
    (
        _rx(
            r"\bhall(?:way)?s?\b|\bcorridors?\b|\bin\s*doors\b|\binside\b(?!\s+(?:of\b|my\s+(?:knee|hip|leg|head|body)))"
            r"|\bkitchen\b(?!\s+(?:counter|worktop|bench|table))|\bliving\s*room\b|\blounge\b"
            r"|\bbedroom\b"
        ),
        "indoor_support",
        False,
    ),
    (
        _rx(
            r"\bgyms?\b|\bgymnasium\b|\b(?:leisure|fitness|sports|rec|recreation)\s+cent(?:re|er)\b"
            r"|\bhealth\s+club\b|\b(?:at|around|in)\s+(?:my\s+|the\s+)?(?:home|house|flat|apartment)\b"
            r"|\bmalls?\b|\bshopping\s+cent(?:re|er)\b"
            r"|\b(?:kitchen\s+)?(?:counter|worktop)s?\b|\bwalls?\b|\b(?:hand\s*)?rails?\b"
            r"|\brailings?\b|\bbann?isters?\b|\bchairs?\b|\bstairs\b|\bgrab\s+bars?\b"
        ),
        "indoor_support",
        True,
    ),
)


def _place_location(value: str) -> tuple[str, bool] | None:
    """Map a canonical place entity value to (location, weak); ``None`` for unusable places."""
    if value == "treadmill":
        return "treadmill", False
    if value in _OUTDOOR_PLACES:
        return "outdoor", False
    if value in _INDOOR_PLACES:
        return "indoor_support", False
    if value in _WEAK_PLACES:
        return "indoor_support", True
    return None


def _place_entities(t: _Text, ents: list[_Entity], out: _Results) -> None:
    """Locations from ``place`` entities (negated ones are read but ignored)."""
    for ent in ents:
        if ent.label != "place":
            continue
        mapped = _place_location(ent.value)
        if ent.span is None:
            if mapped:
                out.add(LOCATION, mapped[0], ent.value, len(t.lower), mapped[1])
            continue
        start, end = ent.span
        if not t.is_free(start, end, _PLACE, _ACT):
            continue
        t.claim(start, end, _PLACE)
        weak = mapped is not None and (mapped[1] or _is_home(t.lower[start:end]))
        if mapped and not _negated(t.lower, start, _PLACE_NEGATION_WINDOW, _HEALTH_NOUNS):
            out.add(LOCATION, mapped[0], t.source(start, end), start, weak)


def _is_home(text: str) -> bool:
    return bool(re.search(r"\b(?:home|house|flat|apartment)\b", text))


def _place_text(t: _Text, out: _Results) -> None:
    """Locations from place words in the text."""
    for pattern, location, weak in _PLACE_RULES:
        view = t.view(_PLACE, _ACT)
        for m in _matches(pattern, view):
            t.claim(m.start(), m.end(), _PLACE)
            if not _negated(view, m.start(), _PLACE_NEGATION_WINDOW, _HEALTH_NOUNS):
                out.add(LOCATION, location, t.source(m.start(), m.end()), m.start(), weak)


# --------------------------------------------------------------------------------------------
# Regular activity
# --------------------------------------------------------------------------------------------

_SPORT: Final = (
    r"(?:exercise|work\s+out|workout|train|go\s+to\s+(?:the\s+)?gym|go\s+to\s+classes|run|jog"
    r"|cycle|bike|swim|dance|do\s+(?:yoga|pilates|aerobics|zumba|sport)"
    r"|play\s+(?:tennis|golf|football|soccer|badminton|squash|netball|bowls|cricket|padel))"
)
_OFTEN: Final = (
    rf"(?:regularly|a\s+lot|often|most\s+days|daily|every\s*day|every\s+week"
    rf"|(?:{NUM}|once|twice|several|a\s+few|a\s+couple\s+of)\s*(?:times|days|x)?{_WEEK})"
)
_INACTIVE_RE: Final = _rx(
    r"\b(?:haven't|have\s+not|havent|hasn't|not|hadn't)\s+(?:really\s+|properly\s+)?"
    r"(?:exercised|worked\s+out|been\s+active|done\s+(?:any|much)\s+(?:exercise|sport))"
    r"(?:\s+(?:in|for)\s+(?:years|ages|decades|months|a\s+(?:long\s+)?while|a\s+long\s+time))?"
    r"|\binactive\b|\bsedentary\b|\bunfit\b|\bout\s+of\s+shape\b|\bcouch\s+potato\b"
    r"|\bnot\s+(?:very\s+|that\s+|really\s+|particularly\s+|at\s+all\s+)?(?:active|fit|sporty)\b"
    r"|\b(?:don't|dont|do\s+not|never|rarely|hardly\s+ever|hardly)\s+(?:really\s+)?"
    r"(?:exercise|work\s+out|do\s+(?:much\s+|any\s+)?(?:exercise|sport))\b"
    r"|\bused\s+to\s+be\s+(?:very\s+|quite\s+|pretty\s+|really\s+)?(?:active|fit|sporty)\b"
)
_ACTIVE_RE: Final = _rx(
    r"\b(?:i'm|i\s+am|im|i\s+keep|i\s+stay)\s+(?:very\s+|quite\s+|pretty\s+|fairly\s+|reasonably\s+"
    r"|really\s+|still\s+|generally\s+|regularly\s+)?(?:active|fit|sporty)\b"
    rf"|\bregularly\s+active\b|\b{_SPORT}(?:\s+[\w']+){{0,3}}?\s+{_OFTEN}"
)


def _activity(t: _Text, out: _Results) -> None:
    """regularly_active from "I'm active"/"I exercise regularly" vs "sedentary"."""
    for pattern, value in ((_INACTIVE_RE, False), (_ACTIVE_RE, True)):
        view = t.view(_ACT)
        for m in _matches(pattern, view):
            t.claim(m.start(), m.end(), _ACT)
            if value and _negated(view, m.start(), 2):
                continue
            out.add(ACTIVE, value, t.source(m.start(), m.end()), m.start())


# --------------------------------------------------------------------------------------------
# Quantities with units: weight and duration (speed and incline are read and dropped)
# --------------------------------------------------------------------------------------------

_TOKEN_RE: Final = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[^\W\d_]+(?:'[^\W\d_]+)?|[%°/½¼¾-]")
_WINDOW_KINDS: Final = (SPEED, INCLINE, WEIGHT, DURATION)
_WINDOW_STARTS: Final = frozenset(
    {"a", "an", "incline", "inclination", "gradient", "slope", "elevation", "decline"}
)
_BEFORE_SPAN: Final = 6
_AFTER_SPAN: Final = 4
_TRAILING_OK_RE: Final = re.compile(r"\s*(?:$|[,.;:!?)\n])")
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
    number = _number(m.group("a") or m.group("b") or "")
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
    rf"{_WEEK}|\s+(?:in\s+)?total\b|\s+altogether\b|\s+(?:a|per)\s+month\b"
)
_NOT_SESSION_AFTER_RE: Final = re.compile(
    r"\s*(?:ago|away|from|drive|walk\s+(?:from|to)|later|earlier|before|after|late|early)\b"
)
_NOT_SESSION_BEFORE: Final = frozenset(
    {"every", "in", "within", "miles", "mile", "km", "kms", "kilometres", "kilometers"}
    | {"metres", "meters", "calories", "kcal", "steps", "rest", "break", "wait"}
)


def _weight_span(t: _Text, view: str, span: _Span, out: _Results) -> None:
    """A body weight candidate, unless the context says it is some other weight."""
    words = _words_before(view, span.start, 3)
    if any(w in _NOT_BODY_WEIGHT_BEFORE for w in words):
        return
    if _NOT_BODY_WEIGHT_AFTER_RE.match(view, span.end):
        return
    span = _signed(view, span)
    out.add(WEIGHT_SLOT, span.value, t.source(span.start, span.end), span.start)


def _duration_span(t: _Text, view: str, span: _Span, out: _Results) -> None:
    """A minutes-per-session candidate (weekly totals become a problem)."""
    words = _words_before(view, span.start, 1)
    if words and words[-1] in _NOT_SESSION_BEFORE:
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


def _unit_quantities(t: _Text, out: _Results) -> None:
    """Weights and durations with units; speeds and inclines are only masked."""
    view = t.view(_NUM, _ACT)
    spans = _merge_ranges(view, _unit_spans(view))
    for span in spans:
        if span.kind == DURATION:
            ranged = _range_start(view, span)
            if ranged is not None:
                span = _Span(ranged[0], span.end, DURATION, ranged[1], span.unit)
        t.claim(span.start, span.end, _NUM)
        if span.kind == WEIGHT:
            _weight_span(t, view, span, out)
        elif span.kind == DURATION:
            _duration_span(t, view, span, out)


_WEIGHT_UNIT_RE: Final = r"kgs?|kilos?|kilograms?|lbs?|pounds?|stones?|st"
_DURATION_UNIT_RE: Final = r"minutes?|mins?|hours?|hrs?|seconds?|secs?"
_BARE_UNIT_RE: Final = re.compile(rf"(?P<n>{NUM})\s*(?P<u>{_WEIGHT_UNIT_RE}|{_DURATION_UNIT_RE})\b")


def _out_of_range_units(t: _Text, out: _Results) -> None:
    """ "1000 kg", "0 minutes", "-20 minutes": numbers with a unit that quantities.py refuses."""
    view = t.view(_NUM, _ACT)
    for m in _matches(_BARE_UNIT_RE, view):
        number = _number(m.group("n"))
        unit_text = m.group("u")
        if number is None or (unit_text == "st" and _ORDINAL_ST_RE.search(m.group())):
            continue
        kind = WEIGHT if re.fullmatch(_WEIGHT_UNIT_RE, unit_text) else DURATION
        unit = parse_quantity(kind, f"1 {unit_text}")
        if unit is None:
            continue
        span = _Span(m.start(), m.end(), kind, number * unit.value, unit_text)
        t.claim(m.start(), m.end(), _NUM)
        if kind == WEIGHT:
            _weight_span(t, view, span, out)
        else:
            _duration_span(t, view, span, out)


# --------------------------------------------------------------------------------------------
# Days per week
# --------------------------------------------------------------------------------------------

_COUNT_WORDS: Final[dict[str, float]] = {
    "once": 1,
    "twice": 2,
    "thrice": 3,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
    "several": 4,
}
_PER: Final = r"(?:x|times?|days?|sessions?|walks?|mornings?|evenings?|nights?|occasions?)"
_DAY_RULES: Final[tuple[tuple[re.Pattern[str], float | None], ...]] = (
    (_rx(rf"(?P<n>{NUM})(?:\s*(?:-|to|or)\s*(?P<m>{NUM}))?\s*{_PER}?{_WEEK}"), None),
    (
        _rx(
            r"\b(?P<w>once|twice|thrice)(?:\s+or\s+(?:twice|thrice|three\s+times))?"
            rf"(?:\s+{_PER})?{_WEEK}"
        ),
        None,
    ),
    (_rx(rf"\b(?P<w>a\s+couple(?:\s+of)?|a\s+few|several)\s+{_PER}{_WEEK}"), None),
    (
        _rx(
            r"\bevery\s+(?:other|second|2nd|two|2)\s+days?\b|\b(?:on\s+)?alternate\s+days\b"
            r"|\bevery\s+48\s+hours\b"
        ),
        3,
    ),
    (
        _rx(
            r"\bevery\s*(?:single\s+)?day(?:\s+of\s+the\s+week)?\b|\beveryday\b|\bdaily\b"
            r"|\beach\s+day\b|\ball\s+week\b|\bseven\s+days\b"
        ),
        7,
    ),
    (
        _rx(
            r"\b(?:every\s+|on\s+|during\s+the\s+)?week\s*-?\s*days\b"
            r"|\bmonday\s+(?:to|through|thru|-)\s+friday\b|\bmon\s*(?:-|to)\s*fri\b"
        ),
        5,
    ),
    (
        _rx(
            r"\b(?:at\s+|on\s+|over\s+)?(?:the\s+)?week\s*-?\s*ends?\b"
            r"|\bsaturdays?\s+and\s+sundays?\b|\bsat\s+and\s+sun\b"
        ),
        2,
    ),
    (_rx(r"\bmost\s+days\b"), 5),
    (
        _rx(
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
        return _COUNT_WORDS.get(" ".join(groups["w"].split()))
    first = _number(groups.get("n") or "")
    second = _number(groups.get("m") or "") if groups.get("m") else None
    if first is not None and second is not None:
        return min(first, second)
    return first


_BARE_DAYS_RE: Final = _rx(
    rf"(?P<n>{NUM})(?:\s*(?:-|to|or)\s*(?P<m>{NUM}))?\s*days?\b"
    r"(?!\s+(?:ago|later|off|in\s+a\s+row|before|after|since|old|of"
    r"|back|rest|running|straight)\b)"
)


def _bare_days(t: _Text, asked: str | None, out: _Results) -> None:
    """ "5 days roughly", "maybe 3 or 4 days" when the days were asked; "15 minutes, 4 days"."""
    if asked != DAYS and not out.has(MINUTES):
        return
    view = t.view(_NUM, _ACT)
    for m in _matches(_BARE_DAYS_RE, view):
        value = _day_value(m, None)  # "maybe 3 or 4 days": the lower
        t.claim(m.start(), m.end(), _NUM)
        if value is not None:  # out of range ("0 days") is explained when resolved
            out.add(DAYS, value, t.source(m.start(), m.end()), m.start())


def _days(t: _Text, out: _Results) -> None:
    """days_per_week from "3 days a week", "twice a week", "every day", "weekdays", ...

    A count already read ("5 days roughly, weekends I see the family") wins over a named
    set of days.
    """
    counted = out.has(DAYS)
    for pattern, fixed in _DAY_RULES:
        if counted and fixed is not None:
            continue
        view = t.view(_NUM, _ACT)
        for m in _matches(pattern, view):
            t.claim(m.start(), m.end(), _NUM)
            if any(_WORK_RE.fullmatch(w) for w in _adjacent_words(view, m.start(), 2)):
                continue
            value = _day_value(m, fixed)
            if value is not None:
                out.add(DAYS, value, t.source(m.start(), m.end()), m.start())


def _weekday_names(t: _Text, asked: str | None, out: _Results) -> None:
    """ "Mondays and Thursdays" -> 2 (two or more names, or one when days were asked)."""
    if out.has(DAYS):
        return
    view = t.view(_NUM, _ACT)
    matches = [m for m in _matches(_WEEKDAY_RE, view)]
    full = [m for m in matches if m.group(1)]
    use = matches if asked == DAYS else full
    names = {(m.group(1) or m.group(2))[:3] for m in use}
    if len(names) >= 2 or (names and asked == DAYS):
        first, last = use[0], use[-1]
        out.add(DAYS, float(len(names)), t.source(first.start(), last.end()), first.start())


# --------------------------------------------------------------------------------------------
# Age
# --------------------------------------------------------------------------------------------

_AGE_SUFFIX: Final = (
    r"(?:\s*-?\s*(?:years?|yrs?|yr)(?:\s*-?\s*(?:old|young|of\s+age))?|\s*(?:yo|y/o|y\.o\.?)\b)?"
)
_AGE_RULES: Final[tuple[re.Pattern[str], ...]] = (
    _rx(
        r"\b(?:i'm|i\s+am|im|i\s+m)\s+(?:now\s+|currently\s+|just\s+|nearly\s+|almost\s+"
        r"|about\s+|around\s+|turning\s+|aged\s+)?"
        rf"(?P<n>{NUM}){_AGE_SUFFIX}"
    ),
    _rx(
        rf"(?P<n>{NUM})\s*-?\s*(?:years?|yrs?|yr)\s*-?\s*(?:old|young|of\s+age)\b"
        rf"|(?P<m>{NUM})\s*(?:yo|y/o|y\.o\.?)(?![a-z])"
    ),
    _rx(
        r"\b(?:aged|age|age\s+is|my\s+age\s+is|turning|just\s+turned|turned|i'll\s+be"
        r"|i\s+will\s+be)\s*[:=-]?\s*(?:about\s+|around\s+|roughly\s+|approx\.?\s+"
        rf"|approximately\s+|nearly\s+|almost\s+)?(?P<n>{NUM}){_AGE_SUFFIX}"
    ),
)
_DECADE_RE: Final = _rx(
    r"\b(?P<in>in\s+(?:my|his|her|their)\s+)?(?:(?:early|mid|late)\s*-?\s*)?"
    r"(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|[1-9]0\s*'?s)\b"
)
_NOT_AGE_AFTER_RE: Final = re.compile(
    r"\s*-?\s*(?:minutes?|mins?|min\b|hours?|hrs?|h\b|seconds?|secs?|days?|weeks?|wks?|months?"
    r"|kgs?|kilos?|kilograms?|lbs?|pounds?|stones?|st\b|foot|feet|ft\b|cm\b|m\b|inch|'|\"|%"
    r"|percent|times|x\b|of\b|out\b|miles?|mi\b|km|k\b|steps|degrees|mph|laps|rounds|sessions"
    r"|reps|calories|kcal|am\b|pm\b|o'clock|:[0-9]|[.,][0-9]|/|more|less|years?\s+(?:ago|since)"
    r"|or\s+so\b)"
)
_OTHER_PERSON_RE: Final = re.compile(
    r"\b(?:my|our|his|her|their)\s+(?:mum|mom|mother|dad|father|husband|wife|partner|son"
    r"|daughter|kids?|children|child|friend|sister|brother|grand\w*|dog|cat|neighbou?r|boss"
    r"|aunt|uncle|spouse|wife's|husband's)\b|\b(?:he|she|they|he's|she's|they're)\b"
)


def _ages(t: _Text, asked: str | None, out: _Results) -> None:
    """Age from "I'm 70", "70 years old", "aged 70", "in my sixties"."""
    for index, pattern in enumerate(_AGE_RULES):
        view = t.view(_NUM, _ACT)
        for m in _matches(pattern, view):
            number = m.groupdict().get("n") or m.groupdict().get("m") or ""
            if _NOT_AGE_AFTER_RE.match(view, m.end()) or not number:
                continue
            t.claim(m.start(), m.end(), _NUM)
            if index > 0 and _OTHER_PERSON_RE.search(_before(view, m.start())):
                continue
            value = _number(number)
            if value is not None:
                out.add(AGE_SLOT, value, t.source(m.start(), m.end()), m.start())
    _decades(t, asked, out)
    _birthday_age(t, out)


_BIRTHDAY_RE: Final = re.compile(r"\b(?:birthday|bday|b-day)\b", re.IGNORECASE)
_BARE_NUMBER_RE: Final = re.compile(r"(?<![\w.,/-])(?P<n>[0-9]{2,3})(?![\w/%-]|[.,][0-9]|\s*[0-9])")


def _birthday_age(t: _Text, out: _Results) -> None:
    """ "actually 39, birthday last week": a lone number beside a birthday is the age."""
    view = t.view(_NUM, _ACT)
    if out.has(AGE_SLOT) or not _BIRTHDAY_RE.search(view):
        return
    numbers = [
        m
        for m in _BARE_NUMBER_RE.finditer(view)
        if not _NOT_AGE_AFTER_RE.match(view, m.end()) and _in_range(float(m.group("n")), AGE_RANGE)
    ]
    if len(numbers) == 1 and not _OTHER_PERSON_RE.search(view):
        m = numbers[0]
        t.claim(m.start(), m.end(), _NUM)
        out.add(AGE_SLOT, float(m.group("n")), t.source(m.start(), m.end()), m.start())


def _decades(t: _Text, asked: str | None, out: _Results) -> None:
    """ "in my sixties", "early 70s" (a bare decade only when the age was asked)."""
    view = t.view(_NUM, _ACT)
    for m in _matches(_DECADE_RE, view):
        if not m.group("in") and asked != AGE_SLOT:
            continue
        text = m.group() if m.group("in") else f"in my {m.group()}"
        quantity = parse_quantity(AGE, text)
        t.claim(m.start(), m.end(), _NUM)
        if quantity is not None and not _OTHER_PERSON_RE.search(m.group()):
            out.add(AGE_SLOT, quantity.value, t.source(m.start(), m.end()), m.start())


# --------------------------------------------------------------------------------------------
# Weight without a unit
# --------------------------------------------------------------------------------------------

_WEIGH_RE: Final = _rx(
    r"\b(?:weigh(?:s|ing)?|(?:my\s+)?(?:body\s*)?weight(?:\s+is|\s+of)?\s*[:=-]?)\s*"
    r"(?:in\s+at\s+|about\s+|around\s+|roughly\s+|approx\.?\s+|approximately\s+|nearly\s+"
    rf"|almost\s+|just\s+)?(?P<n>{NUM})(?![0-9])"
)


def _unit_question(number: float) -> str:
    shown = _fmt(number)
    return (
        f"Is that {shown} kg, {shown} lb or {shown} stone? "
        f"Please tell me your weight with the unit, e.g. '{shown} kg'."
    )


def _weight_without_unit(t: _Text, asked: str | None, out: _Results) -> None:
    """ "I weigh 80": kg when the weight was asked and 80 is plausible in kg, else ask."""
    view = t.view(_NUM, _ACT)
    for m in _matches(_WEIGH_RE, view):
        number = _number(m.group("n"))
        t.claim(m.start(), m.end(), _NUM)
        if number is None:
            continue
        _bare_weight(t, number, t.source(m.start(), m.end()), m.start(), asked, out)


def _bare_weight(
    t: _Text, number: float, text: str, start: int, asked: str | None, out: _Results
) -> None:
    """Accept a unitless weight as kg only when asked for and plausible; else ask the unit."""
    if asked == WEIGHT_SLOT and _in_range(number, WEIGHT_KG_RANGE):
        out.add(WEIGHT_SLOT, number, text, start)
    else:
        out.problem(WEIGHT_SLOT, _unit_question(number))


# --------------------------------------------------------------------------------------------
# Quantity entities
# --------------------------------------------------------------------------------------------


def _quantity_entities(t: _Text, ents: list[_Entity], out: _Results) -> None:
    """Ages, durations and weights the entity extractor found where the rules found none."""
    view = t.view(_NUM, _ACT)
    for ent in ents:
        slot = _QUANTITY_SLOTS.get(ent.label)
        if slot is None:
            continue
        if ent.span is None:
            if not out.has(slot):
                out.add(slot, ent.value, _fmt(ent.value), len(t.lower))
            continue
        start, end = ent.span
        if not t.is_free(start, end, _NUM, _ACT):
            continue
        t.claim(start, end, _NUM)
        _entity_quantity(t, view, ent, slot, out)


def _entity_quantity(t: _Text, view: str, ent: _Entity, slot: str, out: _Results) -> None:
    """Run a located quantity entity through the same context checks as the rules."""
    assert ent.span is not None
    start, end = ent.span
    if slot == WEIGHT_SLOT:
        _weight_span(t, view, _Span(start, end, WEIGHT, ent.value, "kg"), out)
    elif slot == MINUTES:
        _duration_span(t, view, _Span(start, end, DURATION, ent.value, "min"), out)
    elif not _OTHER_PERSON_RE.search(_before(view, start)):
        out.add(AGE_SLOT, ent.value, t.source(start, end), start)


# --------------------------------------------------------------------------------------------
# Conditions
# --------------------------------------------------------------------------------------------

_BODY: Final = (
    r"(?:knees?|hips?|(?:lower\s+|upper\s+)?back|ankles?|feet|foot|hamstrings?|calf|calves"
    r"|shoulders?|neck|achilles|heels?|shins?|legs?|wrists?|toes?|spine|pelvis|groin|quads?"
    r"|glutes?|joints?)"
)
_SIDE: Final = r"(?:(?:left|right|both)\s+)?"
_FREE_CONDITION_RULES: Final[tuple[re.Pattern[str], ...]] = (
    _rx(
        r"\b(?:bad|dodgy|weak|sore|stiff|painful|injured|gammy|creaky|wonky|dicky|arthritic"
        r"|replaced|torn|sprained|broken|twisted|pulled|tight|achy|aching|troublesome|problem"
        rf"|fused|bionic|new|false|unstable|swollen|damaged|operated)\s+{_SIDE}{_BODY}\b"
    ),
    _rx(
        rf"\b{_SIDE}{_BODY}\s+(?:pain|problems?|issues?|trouble|injur(?:y|ies)|surgery"
        r"|replacement|operation|op|arthritis|reconstruction|sprain|strain|fracture|niggle)\b"
    ),
    _rx(
        r"\b(?:pain|problems?|trouble|issues?|arthritis|injur(?:y|ies))\s+(?:in|with|on)\s+"
        rf"(?:my|the|both)\s+{_SIDE}{_BODY}\b"
    ),
    _rx(
        rf"\b{_SIDE}{_BODY}\s+(?:hurts?|hurting|aches?|aching|(?:is|are|get|gets)\s+"
        r"(?:sore|stiff|painful|swollen)|gives?\s+way|clicks?|locks?)\b"
    ),
)
_NAMED_CONDITIONS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (_rx(pattern), name)
    for pattern, name in (
        (r"\brheumatoid\s+arthritis\b", "rheumatoid arthritis"),
        (r"\bosteo\s*-?\s*arthritis\b", "osteoarthritis"),
        (r"\barthritis\b", "arthritis"),
        (r"\bosteoporosis\b", "osteoporosis"),
        (r"\bosteopenia\b", "osteopenia"),
        (r"\basthma(?:tic)?\b", "asthma"),
        (r"\bdiabet(?:es|ic)\b", "diabetes"),
        (r"\bhigh\s+blood\s+pressure\b|\bhypertension\b", "high blood pressure"),
        (r"\blow\s+blood\s+pressure\b", "low blood pressure"),
        (r"\bheart\s+(?:condition|problems?|disease|failure|attack)\b", "heart condition"),
        (r"\bangina\b", "angina"),
        (r"\bacl\s+(?:reconstruction|repair|surgery|graft)\b", "acl reconstruction"),
        (r"\bacl\b", "acl injury"),
        (r"\bmenisc(?:us|al)\s+tear\b|\btorn\s+menisc(?:us|i)\b", "meniscus tear"),
        (r"\b(?:herniated|slipped|bulging)\s+disc\b", "herniated disc"),
        (r"\bspinal\s+stenosis\b", "spinal stenosis"),
        (r"\bscoliosis\b", "scoliosis"),
        (r"\bbursitis\b", "bursitis"),
        (r"\bhernia\b", "hernia"),
        (r"\bfear\s+of\s+fall(?:ing|s)?\b", "fear of falling"),
        (r"\bpost\s*-?\s*partum\b|\bjust\s+had\s+a\s+baby\b", "postpartum"),
        (r"\bcancer\b", "cancer"),
        (r"\bcopd\b|\bemphysema\b", "copd"),
        (r"\bvertigo\b", "vertigo"),
        (r"\bdizz(?:y\s+spells|iness)\b", "dizziness"),
        (r"\bparkinson'?s\b", "parkinson's disease"),
        (r"\bmultiple\s+sclerosis\b", "multiple sclerosis"),
        (r"\bstroke\b", "stroke"),
        (r"\bepilep(?:sy|tic)\b", "epilepsy"),
        (r"\bsciatica\b", "sciatica"),
        (r"\bplantar\s+fasciitis\b", "plantar fasciitis"),
        (r"\bshin\s+splints\b", "shin splints"),
        (r"\bpregnan(?:t|cy)\b", "pregnancy"),
        (r"\b(?:poor|bad)\s+balance\b|\bbalance\s+problems?\b", "balance disorder"),
        (r"\bhad\s+(?:a\s+)?(?:few\s+)?falls?\b|\bhistory\s+of\s+falls\b", "history of falls"),
        (r"\bneuropathy\b", "peripheral neuropathy"),
        (r"\bfibromyalgia\b", "fibromyalgia"),
        (r"\bgout\b", "gout"),
        (r"\btendon?itis\b", "tendinitis"),
        (r"\blong\s+covid\b", "long covid"),
        (r"\bdementia\b", "dementia"),
        (r"\bpacemaker\b", "pacemaker"),
        (
            r"\b(?:had|recent|recovering\s+from|after\s+(?:my|the|an?))\s+(?:an?\s+)?"
            r"(?:surgery|operation)\b",
            "surgery",
        ),
    )
)
_PREVENT: Final = frozenset(
    {"prevent", "preventing", "avoid", "avoiding", "reduce", "reducing", "stop", "fewer", "less"}
    | {"lower", "risk", "fear"}
)
_NO_CONDITIONS_RE: Final = _rx(
    r"\bno\s+(?:known\s+|major\s+|current\s+|real\s+|serious\s+|significant\s+|other\s+)?"
    r"(?:injur(?:y|ies)|health\s+(?:problems?|issues?|conditions?|stuff|worries|things)|medical\s+(?:problems?"
    r"|issues?|conditions?)|conditions?|illness(?:es)?|ailments?)\b"
    r"|\b(?:i'm|i\s+am|im|and|perfectly|completely|totally|generally|pretty|very|quite)\s+"
    r"healthy\b|\bin\s+(?:good|great|excellent)\s+health\b|\bnothing\s+wrong\s+with\s+me\b"
    r"|\binjury\s*-?\s*free\b|\bfit\s+as\s+a\s+fiddle\b"
)
_NO_CONDITIONS_ASKED_RE: Final = _rx(
    r"^\W*(?:no|nope|nah|none|nothing|not\s+really|not\s+that\s+i\s+know\s+of|n/?a|nil"
    r"|(?:i\s+)?(?:don't|dont|do\s+not)\s+have\s+any"
    r"|negative|all\s+good|i'm\s+fine|im\s+fine|i\s+am\s+fine|fine|healthy|no\s+problems"
    r"|no\s+issues|nothing\s+at\s+all|zero)\b"
)
_YES_RE: Final = _rx(
    r"^\W*(?:yes|yeah|yep|yup|ya|i\s+do|i\s+have|a\s+few|some|a\s+couple|several"
    r"|unfortunately|sadly|afraid\s+so|correct)\b"
)


def _condition_ok(view: str, start: int) -> bool:
    """Not negated ("no knee pain") and not something to prevent ("avoid falls")."""
    if _negated(view, start):
        return False
    return not any(word in _PREVENT for word in _words_before(view, start, 2))


def _condition_entities(t: _Text, ents: list[_Entity], out: _Results) -> None:
    """Canonical values of ``condition`` and ``symptom`` entities."""
    for ent in ents:
        if ent.label not in ("condition", "symptom"):
            continue
        if ent.span is None:
            out.add(CONDITIONS, ent.value, ent.value, len(t.lower))
            continue
        start, end = ent.span
        if not t.is_free(start, end, _COND):
            continue
        t.claim(start, end, _COND)
        if _condition_ok(t.lower, start):
            out.add(CONDITIONS, ent.value, t.source(start, end), start)


def _condition_text(t: _Text, out: _Results) -> None:
    """Free-text conditions: "bad knee", "knee pain", named conditions."""
    rules: list[tuple[re.Pattern[str], str | None]] = [(p, None) for p in _FREE_CONDITION_RULES]
    rules += list(_NAMED_CONDITIONS)
    for pattern, name in rules:
        view = t.view(_COND)
        for m in _matches(pattern, view):
            t.claim(m.start(), m.end(), _COND)
            if _condition_ok(view, m.start()):
                value = name or " ".join(m.group().split())
                out.add(CONDITIONS, value, t.source(m.start(), m.end()), m.start())


def _no_conditions(t: _Text, asked: str | None, out: _Results) -> None:
    """ "no injuries", "I'm healthy"; when asked: "none", "no", "nothing"."""
    m = _NO_CONDITIONS_RE.search(t.lower)
    if m is None and asked == CONDITIONS:
        m = _NO_CONDITIONS_ASKED_RE.search(t.lower)
    if m is not None:
        out.no_conditions = t.source(m.start(), m.end())
    elif asked == CONDITIONS and _YES_RE.search(t.lower) and not out.has(CONDITIONS):
        out.problem(
            CONDITIONS,
            "Thanks for telling me. Which injuries or health conditions do you have? "
            "For example 'a bad knee' or 'high blood pressure'.",
        )


# --------------------------------------------------------------------------------------------
# Goal
# --------------------------------------------------------------------------------------------

_GOAL_RULES: Final[tuple[tuple[re.Pattern[str], str, bool], ...]] = tuple(
    (_rx(pattern), goal, self_cued)
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
            r"\brecover(?:y|ing)?\b|\bafter\s+(?:my\s+|the\s+|an?\s+)?(?:surgery|operation|op"
            r"|injury|(?:knee|hip)\s+replacement|stroke|fracture|accident)\b|\bpost\s*-?\s*op"
            r"\b|\bpost\s*-?\s*surgery\b|\bphysio(?:therapy|therapist)?\b"
            r"|\bphysical\s+therap(?:y|ist)\b|\b(?:get|getting)\s+back\s+on\s+my\s+feet\b",
            "rehab",
            True,
        ),
        (
            r"\bbalance\b|\bsteadi(?:er|ness)\b|\bsteady\b|\bstability\b|\bstable\b"
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
            r"\bfit(?:ter|ness)?\b(?!\s*-?\s*(?:class|classes|club|group|session|sessions"
            r"|instructor|centre|center|studio|app|tracker|watch|band|programme|video|videos)\b)"
            r"|\bcalories\b|\bcardio\b|\brunning\b(?!\s*(?:club|group|shoes|track)\b)"
            r"|\bstamina\b"
            r"|\bendurance\b|\bin\s+shape\b|\bburn\s+fat\b|\bfat\s+burning\b|\btone\b"
            r"|\btoning\b|\bhealth(?:y|ier)?\b|\bheart\s+health\b|\bslim(?:\s+down)?\b",
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


def _goal_ok(view: str, m: re.Match[str], goal: str, cued: bool, asked: str | None) -> bool:
    """Whether a goal keyword is stated as a goal here (cue, self-cued phrase or asked)."""
    if goal not in _NO_NEGATION_GOALS and _negated(view, m.start(), 2):
        return False
    if cued or asked == GOAL:
        return True
    return any(word in _GOAL_CUES for word in _words_before(view, m.start(), _CUE_WINDOW))


def _goals(t: _Text, asked: str | None, out: _Results) -> None:
    """Goal keywords stated as goals."""
    view = t.view(_PLACE, _ACT)
    taken: list[tuple[int, int]] = []
    for pattern, goal, cued in _GOAL_RULES:
        for m in _matches(pattern, view):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if _goal_ok(view, m, goal, cued, asked):
                out.add(GOAL, goal, t.source(m.start(), m.end()), m.start())


# --------------------------------------------------------------------------------------------
# Experience
# --------------------------------------------------------------------------------------------

_REF: Final = (
    r"(?:it|this|that|retro\w*|backwards?\s+walk\w*|walk\w*\s+backwards?|reverse\s+walk\w*"
    r"|walk\w*\s+in\s+reverse)"
)
_REF_RE: Final = re.compile(r"\bretro|\bbackwards?\b|\breverse\b|\bit\b|\bthis\b")
_EXPERIENCE_RULES: Final[tuple[tuple[re.Pattern[str], str, bool], ...]] = tuple(
    (_rx(pattern), level, needs_context)
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
            r"|\bloads\b|\bplenty\b|\bpart\s+of\s+my\s+routine\b",
            "regular",
            True,
        ),
        (
            rf"\b(?:tried|done|did|given|practised|practiced)\s+{_REF}\b"
            r"|\bhad\s+a\s+go\b|\bsome\s+experience\b|\ba\s+(?:little|bit\s+of)\s+experience\b"
            r"|\bdabbled\b|\bdabble\b",
            "some",
            False,
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
        _rx(
            _FILLER + r"(?:no|none|nope|nah|never|not\s+yet|not\s+at\s+all|not\s+really|zero"
            r"|nothing)\b"
        ),
        "none",
    ),
    (_rx(_FILLER + r"(?:some|a\s+bit|a\s+little|not\s+much|a\s+few)\b"), "some"),
    (
        _rx(
            r"\b(?:some\s*times|a\s+few\s+times|once\s+or\s+twice|a\s+couple\s+of\s+times|"
            r"now\s+and\s+then|occasionally|not\s+regular(?:ly)?)\b"
        ),
        "some",
    ),
    (_rx(r"\b(?:never|not\s+once|first\s+time)\b"), "none"),  # "I never do it before"
)


def _experience(t: _Text, asked: str | None, out: _Results) -> None:
    """Retro-walking experience levels stated in the message."""
    view = t.view(_NUM, _ACT)
    for pattern, level, needs_context in _EXPERIENCE_RULES:
        for m in _matches(pattern, view):
            if level != "none" and _negated(view, m.start(), 2):
                continue
            if needs_context and asked != EXPERIENCE and not _has_ref(view, m.start()):
                continue
            if level == "some" and needs_context and out.has(EXPERIENCE):
                continue  # "never done it, sounds a bit scary": "a bit" is no amount here
            t.claim(m.start(), m.end(), _NUM)
            out.add(EXPERIENCE, level, t.source(m.start(), m.end()), m.start())
        view = t.view(_NUM, _ACT)
    if asked == EXPERIENCE:
        _experience_asked(t, out)


def _has_ref(view: str, pos: int) -> bool:
    """Whether the clause around ``pos`` is about backward walking."""
    start = _clause_start(view, pos)
    end_match = _CLAUSE_BREAK_RE.search(view, pos)
    end = end_match.start() if end_match else len(view)
    return bool(_REF_RE.search(view[start:end]))


def _experience_asked(t: _Text, out: _Results) -> None:
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
    elif _YES_RE.search(t.lower):
        out.problem(
            EXPERIENCE,
            "Nice! Roughly how much have you done: just a few times, or regularly?",
        )


# --------------------------------------------------------------------------------------------
# Bare answers to the question just asked
# --------------------------------------------------------------------------------------------

_BARE_RE: Final = re.compile(
    rf"(?P<n>{NUM})(?:\s*(?:-|to|or)\s*(?P<m>{NUM}))?(?:\s*ish\b)?(?P<per>\s*{_PER}\b)?"
)
_BIRTH_YEARS: Final = (1900.0, 2100.0)
_BARE_COUNT_RE: Final = re.compile(r"\b(?P<w>once|twice|thrice|a\s+couple|a\s+few|several)\b")
_YES_NO: Final[tuple[tuple[re.Pattern[str], bool], ...]] = (
    (_rx(r"^\W*(?:yes|yeah|yep|yup|i\s+am|i\s+do|definitely|absolutely|sure)\b"), True),
    (_rx(r"^\W*(?:no|nope|nah|not\s+really|not\s+at\s+all|i'm\s+not|i\s+don't)\b"), False),
)


def _bare_numbers(t: _Text, asked: str | None, out: _Results) -> None:
    """ "70" when asked for the age, "3" for days, "20" for minutes, "80" for weight."""
    if asked not in (AGE_SLOT, MINUTES, DAYS, WEIGHT_SLOT) or out.has(asked):
        return
    view = t.view(_NUM, _ACT)
    for m in _matches(_BARE_RE, view):
        if m.group("per") and asked != DAYS:
            continue
        numbers = [_number(g) for g in (m.group("n"), m.group("m")) if g]
        values = [n for n in numbers if n is not None]
        if asked in (MINUTES, DAYS) and values:
            values = [min(values)]
        for value in values:
            _bare_value(t, asked, value, t.source(m.start(), m.end()), m.start(), out)
    if asked == DAYS and not out.has(DAYS):
        for m in _matches(_BARE_COUNT_RE, view):
            value = _COUNT_WORDS.get(" ".join(m.group("w").split()), 0)
            out.add(DAYS, value, t.source(m.start(), m.end()), m.start())


_LIST_ITEM_RE: Final = re.compile(r"[^.;,/\n!?()]+")
_LIST_DAYS_RE: Final = re.compile(rf"(?P<n>{NUM})\s*(?:days?|x)", re.IGNORECASE)
_LIST_GOALS: Final[dict[str, str]] = {
    "balance": "balance",
    "fitness": "fitness",
    "general fitness": "fitness",
    "weight loss": "fitness",
    "knees": "joints",
    "joints": "joints",
    "rehab": "rehab",
    "curiosity": "curiosity",
}
# The answers a list item must come with before a lone number is read as the age.
_LIST_CONTEXT: Final = 2
_PLAN_WORD: Final = re.compile(r"\bplan\b")


def _list_items(t: _Text, asked: str | None, out: _Results) -> None:
    """Terse lists: "38. no conditions. outdoor track. fitness. 30 min, 3 days/wk".

    When a message already gives at least :data:`_LIST_CONTEXT` other answers (a request
    for a plan counts as one), an item that
    is only a whole number in the age range is the age, an item that is only a goal word
    is the goal, and "3 days" is the days a week. Alone, "38", "fitness" or "3 days" stay
    unread unless that question was asked.
    """
    answered = {f.slot for f in out.found} | ({CONDITIONS} if out.no_conditions else set())
    if _PLAN_WORD.search(t.lower):
        answered.add("plan")  # "need a plan. 33, never done it": the request is context too
    if len(answered) < _LIST_CONTEXT:
        return
    view = t.view(_NUM, _ACT)
    for m in _LIST_ITEM_RE.finditer(view):
        item = " ".join(m.group().split())
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        if not out.has(AGE_SLOT) and asked != AGE_SLOT and item.isdigit():
            value = float(item)
            if _in_range(value, AGE_RANGE) and value >= 16:
                out.add(AGE_SLOT, value, t.source(start, start + len(item)), start, weak=True)
        elif not out.has(GOAL) and item in _LIST_GOALS:
            out.add(GOAL, _LIST_GOALS[item], t.source(start, start + len(item)), start)
        elif not out.has(DAYS) and (days := _LIST_DAYS_RE.fullmatch(item)):
            count = _number(days.group("n"))  # "20 mins, 3 days": days a week
            if count is not None and 1 <= count <= 7:
                out.add(DAYS, count, t.source(start, start + len(item)), start)


_CORRECTED_DAYS_RE: Final = re.compile(
    rf"\b(?:make\s+(?:it|that)|change\s+(?:it\s+|that\s+)?to|switch\s+(?:it\s+)?to|let'?s\s+(?:do|say)"
    rf"|go\s+(?:for|with)|i'?d\s+rather\s+(?:do)?|actually)\s+(?P<n>{NUM})\s+days?\b"
    r"(?!\s+(?:ago|later|off|in\s+a\s+row))",
    re.IGNORECASE,
)


def _corrected_days(t: _Text, out: _Results) -> None:
    """ "make it 4 days not 3": a change of days said without "a week"."""
    if out.has(DAYS):
        return
    view = t.view(_NUM, _ACT)
    for m in _CORRECTED_DAYS_RE.finditer(view):
        value = _number(m.group("n"))
        if value is not None:
            t.claim(m.start(), m.end(), _NUM)
            out.add(DAYS, value, t.source(m.start(), m.end()), m.start())
            return


def _bare_value(t: _Text, asked: str, value: float, text: str, start: int, out: _Results) -> None:
    """Record one bare number as an answer to ``asked``."""
    if asked == WEIGHT_SLOT:
        _bare_weight(t, value, text, start, asked, out)
    elif asked == AGE_SLOT and _in_range(value, _BIRTH_YEARS):
        out.problem(
            AGE_SLOT,
            f"Is {_fmt(value)} the year you were born? Please tell me your age in years.",
        )
    else:
        out.add(asked, value, text, start)


def _yes_no(t: _Text, asked: str | None, out: _Results) -> None:
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


@dataclass(frozen=True)
class _NumberRule:
    """How to turn numeric candidates of one slot into a value or a rejection."""

    convert: Callable[[float], float]
    bounds: tuple[float, float]
    out_of_range: Callable[[float, str], str]
    conflict: Callable[[list[str]], str]
    tolerance: float = 0.0


def _minutes_message(value: float, text: str) -> str:
    low, high = MINUTES_RANGE
    if not re.search(r"[^\W\d_]", text):
        text = f"{text} minutes"
    if value < low:
        return (
            f"{text} is too short for a session I can plan; I need at least {low} minutes. "
            "How many minutes could you give each session?"
        )
    return (
        f"{text} is more than I'd plan for one session (up to {high} minutes). "
        "How many minutes could you give each session?"
    )


def _days_message(value: float, text: str) -> str:
    low, high = DAYS_RANGE
    if value > high:
        return (
            f"There are only {high} days in a week, so I can't plan {_fmt(value)}. "
            "How many days a week can you walk?"
        )
    if not value.is_integer():
        return f"How many whole days a week can you walk? A number from {low} to {high} works."
    return (
        f"{_fmt(value)} days a week doesn't give me anything to plan. "
        f"How many days a week, from {low} to {high}, could you walk?"
    )


def _weight_message(value: float, text: str) -> str:
    low, high = WEIGHT_KG_RANGE
    return (
        f"{text} doesn't look like a body weight I can use (I work with {low:g}-{high:g} kg). "
        "What do you weigh? You can say it in kg, lb or stone."
    )


def _whole_days(value: float) -> float:
    return value if value.is_integer() else math.nan


_NUMBER_RULES: Final[dict[str, _NumberRule]] = {
    AGE_SLOT: _NumberRule(
        convert=lambda v: float(math.floor(v)),
        bounds=AGE_RANGE,
        out_of_range=lambda v, text: (
            f"{_fmt(v)} isn't an age I can plan for. How old are you, in years?"
        ),
        conflict=lambda vs: (
            f"You mentioned more than one age ({' and '.join(vs)}). Which one is yours?"
        ),
    ),
    MINUTES: _NumberRule(
        convert=lambda v: float(round(v)),
        bounds=MINUTES_RANGE,
        out_of_range=_minutes_message,
        conflict=lambda vs: (
            f"I heard both {' and '.join(vs)} minutes. "
            "How many minutes do you have for each session?"
        ),
    ),
    DAYS: _NumberRule(
        convert=_whole_days,
        bounds=DAYS_RANGE,
        out_of_range=_days_message,
        conflict=lambda vs: (
            f"I heard both {' and '.join(vs)} days a week. How many days a week can you walk?"
        ),
    ),
    WEIGHT_SLOT: _NumberRule(
        convert=lambda v: round(v, 1),
        bounds=WEIGHT_KG_RANGE,
        out_of_range=_weight_message,
        conflict=lambda vs: (
            f"I heard two different weights ({' and '.join(vs)} kg). Which one is right?"
        ),
        tolerance=1.0,
    ),
}
_INT_SLOTS: Final = frozenset({AGE_SLOT, MINUTES, DAYS})


def _resolve_number(slot: str, found: list[_Found]) -> ParsedAnswer | Rejection:
    """Range-check numeric candidates and detect contradictions."""
    rule = _NUMBER_RULES[slot]
    values: list[float] = []
    for f in found:
        raw = float(f.value)
        value = rule.convert(raw) if math.isfinite(raw) else math.nan
        if math.isnan(value) or not _in_range(value, rule.bounds):
            return Rejection(slot, rule.out_of_range(raw, f.text))
        if all(abs(value - v) > rule.tolerance for v in values):
            values.append(value)
    if len(values) > 1:
        return Rejection(slot, rule.conflict([_fmt(v) for v in values]))
    answer: int | float = int(values[0]) if slot in _INT_SLOTS else values[0]
    return ParsedAnswer(slot, answer, found[0].text)


def _distinct(found: list[_Found]) -> list[Any]:
    values: list[Any] = []
    for f in found:
        if f.value not in values:
            values.append(f.value)
    return values


def _text_for(found: list[_Found], value: Any) -> str:
    return next(f.text for f in found if f.value == value)


_LOCATION_WORDS: Final[dict[str, str]] = {
    "treadmill": "the treadmill",
    "outdoor": "walking outdoors",
    "indoor_support": "walking indoors",
}
_GOAL_WORDS: Final[dict[str, str]] = {
    "balance": "balance",
    "joints": "your joints",
    "fitness": "fitness",
    "rehab": "rehab",
    "curiosity": "just trying it out",
}


def _resolve_location(found: list[_Found]) -> ParsedAnswer | Rejection:
    strong = [f for f in found if not f.weak]
    use = strong or found
    values = _distinct(use)
    if len(values) > 1:
        names = " and ".join(_LOCATION_WORDS[v] for v in values)
        return Rejection(
            LOCATION,
            f"You mentioned {names}. Where will you do most of your backward walking: "
            "on a treadmill, outdoors on a flat path, or indoors next to a wall or rail?",
        )
    return ParsedAnswer(LOCATION, values[0], _text_for(use, values[0]))


def _resolve_goal(found: list[_Found]) -> ParsedAnswer | Rejection:
    values = _distinct(found)
    if len(values) > 1 and "curiosity" in values:
        values.remove("curiosity")
    if "rehab" in values and "joints" in values:
        values.remove("joints")
    if len(values) > 1:
        names = " and ".join(_GOAL_WORDS[v] for v in values)
        return Rejection(
            GOAL,
            f"You mentioned {names}. Which one matters most to you right now? "
            "I'll build the plan around it.",
        )
    return ParsedAnswer(GOAL, values[0], _text_for(found, values[0]))


def _resolve_experience(found: list[_Found]) -> ParsedAnswer:
    best = max(found, key=lambda f: EXPERIENCES.index(f.value))
    return ParsedAnswer(EXPERIENCE, best.value, best.text)


def _resolve_active(found: list[_Found]) -> ParsedAnswer | Rejection:
    values = _distinct(found)
    if len(values) > 1:
        return Rejection(
            ACTIVE,
            "I'm not sure whether you're active at the moment. "
            "Do you exercise regularly these days?",
        )
    return ParsedAnswer(ACTIVE, values[0], found[0].text)


def _resolve_conditions(found: list[_Found], out: _Results) -> ParsedAnswer | None:
    values = tuple(_distinct(found))
    if values:
        return ParsedAnswer(CONDITIONS, values, ", ".join(dict.fromkeys(f.text for f in found)))
    if out.no_conditions is not None:
        return ParsedAnswer(CONDITIONS, (), out.no_conditions)
    return None


def _resolve_slot(slot: str, out: _Results) -> ParsedAnswer | Rejection | None:
    found = out.of(slot)
    if slot == CONDITIONS:
        return _resolve_conditions(found, out)
    if not found:
        return None
    if slot in _NUMBER_RULES:
        return _resolve_number(slot, found)
    if slot == LOCATION:
        return _resolve_location(found)
    if slot == GOAL:
        return _resolve_goal(found)
    if slot == EXPERIENCE:
        return _resolve_experience(found)
    return _resolve_active(found)


def _resolve(out: _Results) -> tuple[list[ParsedAnswer], list[Rejection]]:
    answers: list[ParsedAnswer] = []
    rejections: list[Rejection] = []
    for slot in SLOTS:
        result = _resolve_slot(slot, out)
        if result is None:
            result = next((p for p in out.problems if p.slot == slot), None)
        if isinstance(result, ParsedAnswer):
            answers.append(result)
        elif isinstance(result, Rejection):
            rejections.append(result)
    return answers, rejections


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def _asked_slot(asked: Any) -> str | None:
    if not isinstance(asked, str):
        return None
    asked = _ASKED_ALIASES.get(asked, asked)
    return asked if asked in SLOTS else None


def parse_answers(
    text: str,
    entities: Sequence[Mapping[str, Any]] = (),
    asked: str | None = None,
) -> tuple[list[ParsedAnswer], list[Rejection]]:
    """Extract every profile slot answered in one message.

    Args:
        text: The user's message.
        entities: Rasa entity dicts from the spaCy pipeline (keys ``entity``, ``value``,
            ``unit``, ``raw`` and optionally ``start``/``end``). Malformed items are skipped.
        asked: The slot the coach just asked for, if any (one of :data:`SLOTS`); it lets bare
            answers count ("70" for the age, "3" for days, "none" for conditions).

    Returns:
        ``(answers, rejections)``: at most one item per slot across both lists, each list in
        :data:`SLOTS` order. Answer values are always usable (in the ranges and value sets of
        :mod:`bot.profile`); everything else is a :class:`Rejection`. Never raises.
    """
    if not isinstance(text, str):
        return [], []
    t = _Text.of(text)
    ask = _asked_slot(asked)
    ents = _read_entities(t, entities)
    out = _Results()
    _activity(t, out)
    _place_entities(t, ents, out)
    _place_text(t, out)
    _condition_entities(t, ents, out)
    _unit_quantities(t, out)
    _out_of_range_units(t, out)
    _bare_days(t, ask, out)
    _days(t, out)
    _ages(t, ask, out)
    _weight_without_unit(t, ask, out)
    _quantity_entities(t, ents, out)
    _condition_text(t, out)
    _no_conditions(t, ask, out)
    _goals(t, ask, out)
    _experience(t, ask, out)
    _bare_numbers(t, ask, out)
    _corrected_days(t, out)
    _list_items(t, ask, out)
    _weekday_names(t, ask, out)
    _yes_no(t, ask, out)
    return _resolve(out)


_QUESTION_START: Final = re.compile(
    r"^\W*(what|what's|whats|how|why|when|where|which|who|whom|whose|is|are|am|was|were|can|"
    r"could|should|shall|would|will|do|does|did|may|might|must|have|has|isn't|aren't|can't|"
    r"won't|shouldn't|don't|doesn't|tell me|explain)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    """Whether ``text`` is phrased as a question ("is it good for my knees", "why?").

    Args:
        text: A user message.

    Returns:
        True for a question mark or a question word / auxiliary verb at the start.
    """
    return "?" in text or bool(_QUESTION_START.match(text))
