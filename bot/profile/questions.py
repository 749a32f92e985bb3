"""Whether a message is phrased as a question rather than an answer."""

from __future__ import annotations

import re
from typing import Final

_SENTENCE: Final = re.compile(r"[^.!?]+[.!?]*")
_QUESTION_START: Final = re.compile(
    r"^\W*(what|what's|whats|how|why|when|where|which|who|whom|whose|is|are|am|was|were|can|"
    r"could|should|shall|would|will|do|does|did|may|might|must|have|has|isn't|aren't|can't|"
    r"won't|shouldn't|don't|doesn't|tell me|explain)\b"
    # with no subject, an answer: "can do 20 minutes before work", "could manage 3 days",
    # "did 12 minutes", "can't do more than 15"
    r"(?!\W+(?:do|manage|fit|squeeze|go|walk|try|only|probably|easily|usually|prob|def|maybe"
    r"|\d+)\b)",
    re.IGNORECASE,
)


# A statement with a short tag asking to confirm it: "30 minutes, 5 days a week can?",
# "Half an hour, is that ok?", "20 mins alright?", "Tuesdays and Fridays yeah?".
_CONFIRM_TAG: Final = re.compile(
    r"\S[^?]*?[\s,]+(?:can|can\s+or\s+not|can\s+ah|ok|okay|alright|all\s+right|right|yeah|yes"
    r"|fine|good|possible|enough|lah|la|ah|eh|hey|innit|no|(?:is|would|will)\s+(?:that|it|this)"
    r"(?:\s+(?:be|do|work))?(?:\s+(?:ok|okay|alright|all\s+right|fine|enough|good))?"
    r"|does\s+that\s+(?:work|sound\s+(?:ok|okay|alright|good|right))|sound\s+(?:ok|okay|good|right))"
    r"\W*\?\W*$",
    re.IGNORECASE,
)


# A greeting asked as a question: "How are you?", "Wha happening?", "What's up?".
_GREETING_QUESTION: Final = re.compile(
    r"^\W*(?:(?:hi|hey|hello|hiya|morning|evening|afternoon|yo|ey up|alright)\W+)*"
    r"(?:how\s+(?:are|r)\s+(?:you|u|ya|yous)(?:\s+(?:doing|today|keeping))?|how's\s+it\s+going"
    r"|how\s+(?:ya|you)\s+doing|what's\s+up|whats\s+up|sup|wha(?:t)?\s+happening|wah\s+gwaan"
    r"|how\s+do|you\s+alright|alright)\W*$",
    re.IGNORECASE,
)


# What a plan answer to confirm says: a number, a time or days ("my knee hurts, is that ok?"
# asks about the knee).
_AMOUNT: Final = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|half|hour|days?|minutes?|mins?|week|weekly|daily)\b",
    re.IGNORECASE,
)


def _asks_nothing(sentence: str) -> bool:
    """Whether a sentence with a question mark asks nothing: an amount said with a tag asking
    to confirm it ("20 mins ok?") or a greeting ("Wha happening?")."""
    if _GREETING_QUESTION.match(sentence):
        return True
    return (
        not _QUESTION_START.match(sentence)
        and _CONFIRM_TAG.fullmatch(sentence.strip()) is not None
        and _AMOUNT.search(sentence) is not None
    )


def looks_like_question(text: str) -> bool:
    """Whether ``text`` is phrased as a question ("is it good for my knees", "why?").

    A statement with a confirming tag ("Half an hour each time, 5 days a week can?") is
    not one: it says what it says and asks only whether that will do; nor is a greeting
    ("Wha happening? I want a plan. I is 44.").

    Args:
        text: A user message.

    Returns:
        True for a question mark or a question word / auxiliary verb at the start.
    """
    if _QUESTION_START.match(text):
        return True
    return "?" in text and not all(_asks_nothing(s) for s in _SENTENCE.findall(text) if "?" in s)


# Words that lead into a question after an answer: "Quick one though, should I...?"
_LEAD_IN: Final = re.compile(
    r"^\W*(?:(?:quick one|quick question|one more thing|one question|also|and|but|oh|so|though|"
    r"by the way|btw|just wondering|actually|anyway)\b[\s,:;-]*)+",
    re.IGNORECASE,
)
# A question begun inside a sentence: "im 55 by the way what shoes should i wear".
_INNER_QUESTION: Final = re.compile(
    r"\b(?:what|how|why|when|where|which|should i|can i|could i|do i|does it|is it|is that|"
    r"are there|will it)\b",
    re.IGNORECASE,
)
_MIN_QUESTION_WORDS = 3
_WH: Final = frozenset({"what", "how", "why", "when", "where", "which"})
_ASKS: Final = frozenset(
    {
        "should",
        "can",
        "could",
        "do",
        "does",
        "did",
        "is",
        "are",
        "will",
        "would",
        "much",
        "many",
        "long",
        "often",
        "far",
    }
)


def trailing_question(text: str) -> str | None:
    """The question a message asks after saying something else, or None.

    "No health issues. Quick one though, should I look over my shoulder?" asks "should I look
    over my shoulder?"; "im 55 by the way what shoes should i wear" asks "what shoes should i
    wear". A message that is only a question, or asks none, gives None.

    Args:
        text: A user message.
    """
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if not sentences:
        return None
    if len(sentences) >= 2:
        last = _LEAD_IN.sub("", sentences[-1]).strip()
        if looks_like_question(last) and not looks_like_question(sentences[0]):
            return last if len(last.split()) >= _MIN_QUESTION_WORDS else None
        return None
    if _QUESTION_START.match(text):
        return None  # the whole message is the question
    found = _INNER_QUESTION.search(text)
    if found is None or len(text[: found.start()].split()) < 2:
        return None
    question = text[found.start() :].strip()
    words = question.lower().split()
    if words[0] in _WH and not _ASKS.intersection(words[1:5]):
        return None  # "I know what I want": a clause, not a question
    return question if len(words) >= _MIN_QUESTION_WORDS else None


def statements(text: str) -> str:
    """The sentences of a message that are not questions, joined ("" when all are).

    "Hmm, not really? Well, once on a hotel treadmill. So I guess a little." states "Well,
    once on a hotel treadmill. So I guess a little."; "lowkey done it like twice? idk if that
    counts" states both: a question mark without a question's words is a rising voice.

    Args:
        text: A user message.
    """
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    return " ".join(s for s in sentences if not _asks(s))


def _asks(sentence: str) -> bool:
    """A sentence that asks: phrased as a question, and with a question's words, not only
    a question mark ("lowkey done it like twice?" says how often, with a rising voice)."""
    if not looks_like_question(sentence):
        return False
    return bool(_QUESTION_START.match(sentence) or _INNER_QUESTION.search(sentence))
