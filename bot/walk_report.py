"""Read a walker's report of a finished walk: minutes, how it felt, any pain.

Plain Python with no Rasa import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.nlp.negation import negated
from bot.nlp.quantities.lexicon import TENS_WORDS, UNITS_WORDS
from bot.nlp.quantities.numbers import parse_number
from bot.nlp.quantities.parse import parse_quantity

Feel = Literal["easy", "ok", "hard"]

_EASY = re.compile(r"\b(easy|easier|fine|breeze|comfortable|piece of cake|good|great|felt good)\b")
_HARD = re.compile(
    r"\b(hard|tough|difficult|exhausting|exhausted|struggled|brutal|tiring|knackered)\b"
)
_OK = re.compile(r"\b(ok|okay|alright|all right|not bad|moderate|so-so|manageable)\b")
_RPE = re.compile(r"\b(?:rpe|borg|exertion)\s*(?:of|was|=|:)?\s*(\d{1,2})\b")
_PAIN = re.compile(
    r"\b(pain|painful|hurt|hurts|hurting|sore|ache|aching|achy|twinge|throbbing|swollen)\b"
)
_NO_PAIN = re.compile(r"\b(no|without|zero|not any|nothing)\s+(pain|soreness|aches?|hurt)\b")
_NUMBER_WORD = "|".join(sorted({*UNITS_WORDS, *TENS_WORDS}, key=len, reverse=True))
_DURATION_SPAN = re.compile(
    rf"(?:\d+(?:[.,]\d+)?|half an|an?|(?:(?:{_NUMBER_WORD})[ -])?(?:{_NUMBER_WORD}))\s*"
    r"(?:hours?|hrs?|minutes?|mins?)\b"
)
# Words that say a walk took place: "walked", "did 12 minutes", "just got back", "went
# backwards round the park" ("sore after walking backwards" is not one). Without one, and
# without minutes, a message about how the legs feel is a feeling, not a walk to log.
_WALKED = re.compile(
    r"\b(walked|did|done|finished|completed|managed|went|got back|just back|back from|"
    r"practi[cs]ed|tried|jogged|ran|logged)\b"
)
_NOT_MINUTES_AFTER = (
    r"(?!\s*(?:%|percent|km|k\b|miles?|mi\b|mph|kph|kg|lbs?|pounds|steps|laps?|"
    r"times|days?|weeks?|am|pm|o'clock|:|\.\d))"
)
# The answer to "how many minutes?": a number first, perhaps hedged.
# Hedges before an answer's number ("about 15", "maybe twenty").
_HEDGES = r"about|around|roughly|maybe|like|approximately|nearly|almost|only|just"
_ASKED_MINUTES = re.compile(
    rf"^\W*(?:approx\.?|{_HEDGES})?\s*(\d{{1,3}})(?:\s*-?\s*ish)?\b" + _NOT_MINUTES_AFTER
)
# A hedge around a number said in words ("about twenty", "maybe fifteen or so").
_HEDGE = re.compile(rf"^\W*(?:{_HEDGES})\s+|\s+(?:or so|ish)\W*$")
_BARE_MINUTES = re.compile(
    r"\b(?:walked|did|done|managed|another|just)\s+(?:another\s+|about\s+|around\s+)?"
    r"(\d{1,3})\b" + _NOT_MINUTES_AFTER
)
_TIRED = re.compile(
    r"\b(tired|exhausted|knackered|shattered|worn out|fatigued|no energy|drained)\b"
)
_WORRY = re.compile(r"\b(worried|nervous|scared|afraid|anxious|frightened|fear)\b")
# "not too hard", "wasn't that easy": a feel word negated (bot.nlp.negation) within two words.
_FEEL_WORD = re.compile(r"\b(hard|tough|difficult|easy)\b")
_FEEL_NEGATORS = frozenset({"not", "wasn't", "wasnt", "isn't", "isnt", "never"})


@dataclass(frozen=True)
class WalkReport:
    """What a walk report says.

    Attributes:
        minutes: Backward minutes, if stated.
        feel: easy, ok or hard, if stated (RPE maps to it when no word is given).
        rpe: Borg 6-20 rating, if stated.
        pain: Whether pain or soreness was reported.
        note: The report text (kept for the walker's log).
    """

    minutes: float | None
    feel: Feel | None
    rpe: int | None
    pain: bool
    note: str
    walked: bool = True


def _walked(lowered: str) -> bool:
    """A walk verb not negated ("never walked backwards on purpose" tells no walk)."""
    return any(not negated(lowered, m.start(), 2) for m in _WALKED.finditer(lowered))


def reports_a_walk(text: str) -> bool:
    """Whether ``text`` says a walk took place ("walked 20 minutes", "just got back"), not
    only a number of minutes ("can do 20 minutes before work" answers another question)."""
    return _walked(text.lower())


_WALK_WORDS = re.compile(
    r"\b(?:walk\w*|back ?wards?|retro|reverse|treadmill|session|workout|lap|laps)\b"
)


def tells_a_walk(report: WalkReport) -> bool:
    """Whether a report tells a walk done, not only an errand ("did my shopping") and not as
    a question ("did 20 minutes, is that enough?"): a walk verb with minutes or a word for
    the walk ("just back from a backwards walk round the pitch", "did 12 minutes in the
    hallway")."""
    if not report.walked or "?" in report.note:
        return False
    return report.minutes is not None or _WALK_WORDS.search(report.note.lower()) is not None


def feeling_topic(report: WalkReport) -> str | None:
    """What a message that is not a walk is about: soreness, tiredness or worry.

    Args:
        report: The parsed message.

    Returns:
        ``soreness``, ``tiredness`` or ``worry`` for a feeling with no walk in it (no minutes,
        no word saying a walk happened); None when the message reports a walk.
    """
    if report.walked or report.minutes is not None:
        return None
    lowered = report.note.lower()
    if report.pain:
        return "soreness"
    if _TIRED.search(lowered):
        return "tiredness"
    if _WORRY.search(lowered):
        return "worry"
    return None


# "ok anyway, just did 10 min", "great, I walked 15": a word opening a walk report is a
# discourse marker, not how the walk felt ("ok" or "good, thanks" answering "How did it
# feel?" is).
_OPENING_MARKER = re.compile(
    r"^\W*(?:(?:ok|okay|alright|all right|right|so|well|anyway|good|great|yes|yeah)\b[\s,.!-]*)+"
    r"(?=\w)"
)


def _feel(text: str, rpe: int | None) -> Feel | None:
    rest = _OPENING_MARKER.sub("", text)
    if _WALKED.search(rest) or _DURATION_SPAN.search(rest):
        text = rest
    words = list(_FEEL_WORD.finditer(text))
    denied = [w for w in words if negated(text, w.start(), window=2, negators=_FEEL_NEGATORS)]
    if denied and len(denied) == len(words):  # "not too hard"; but "hard, not easy" is hard
        return "easy" if denied[0].group(1) != "easy" else "ok"
    if _HARD.search(text):
        return "hard"
    if _EASY.search(text):
        return "easy"
    if _OK.search(text):
        return "ok"
    if rpe is not None:
        return "easy" if rpe <= 11 else ("ok" if rpe <= 13 else "hard")
    return None


# A correction of the minutes just said: "no wait it was 20", "sorry, 25", "make that 30".
_CORRECTED_MINUTES = re.compile(
    r"\b(?:no,? wait|wait no|sorry|actually|i mean|make (?:it|that)|correction|oops)\b[\s,.!-]*"
    r"(?:(?:it|that) (?:was|is)|it's|more like|like|was)?\s*(\d{1,3})\b"
    r"(?!\s*(?:%|percent|kg|kilos?|lbs?|pounds|days?|times?|x|mph|km|am|pm|o'clock))"
)


def parse_walk_report(
    text: str, entities: Sequence[Mapping[str, Any]] = (), *, minutes_asked: bool = False
) -> WalkReport:
    """Parse a walk report.

    Args:
        text: The message, e.g. "did 12 minutes backwards today, felt easy".
        entities: Rasa entities from the spaCy pipeline (a ``duration`` in minutes is used).
        minutes_asked: The coach has just asked how many minutes: a bare number ("15",
            "about 15") is the minutes.

    Returns:
        The report; fields not stated are None (pain defaults to False).
    """
    lowered = text.lower()
    minutes = next(
        (float(e["value"]) for e in entities if e.get("entity") == "duration" and e.get("value")),
        None,
    )
    span = _DURATION_SPAN.search(lowered)
    if minutes is None:
        quantity = parse_quantity("duration", span.group(0)) if span else None
        minutes = quantity.value if quantity else None
    if minutes is not None and span is not None:
        # "15 min on the treadmill, no wait it was 20": the number said after the correction
        fixed = _CORRECTED_MINUTES.search(lowered, span.end())
        if fixed and 1 <= int(fixed.group(1)) <= 180:
            minutes = float(fixed.group(1))
    walked = _walked(lowered)
    if minutes is None and minutes_asked:
        asked = _ASKED_MINUTES.match(lowered)  # "15", "about 15", "15ish"
        if asked and 1 <= int(asked.group(1)) <= 180:
            minutes = float(asked.group(1))
        else:  # "fifteen", "about twenty"
            spoken = parse_number(_HEDGE.sub("", lowered).strip(" .!?"))
            minutes = spoken if spoken is not None and 1 <= spoken <= 180 else None
    if minutes is None and walked:
        # "did another 10 this evening": a bare number after a walk verb is minutes.
        bare = _BARE_MINUTES.search(lowered)
        if bare and 1 <= int(bare.group(1)) <= 180:
            minutes = float(bare.group(1))
    rpe_match = _RPE.search(lowered)
    rpe = int(rpe_match.group(1)) if rpe_match and 6 <= int(rpe_match.group(1)) <= 20 else None
    pain = bool(_PAIN.search(lowered)) and not _NO_PAIN.search(lowered)
    return WalkReport(
        minutes=minutes,
        feel=_feel(lowered, rpe),
        rpe=rpe,
        pain=pain,
        note=text,
        walked=walked,
    )
