"""Is a word negated? The one negation helper of the profile parser, plan adaptation, walk report.

:func:`negated` looks at the few words of the clause just before a position: a negation
word there ("no", "never", "didn't", "instead of"...) negates what follows, unless a word
that ends the negation's scope ("so", "and"...) or the thing the negation is about comes
first. The profile parser (:mod:`bot.profile.parse`) reads answers with it ("no knee problems",
"not the treadmill"); the plan adaptation (:mod:`bot.plan.adapt`) reads a walk note with it
("no wobbles today" is not a balance scare), with its own shorter list of negation words;
the walk report (:mod:`bot.walk_report`) reads the feel with it ("not too hard").

The safety assessment has its own reading (:mod:`bot.safety.context`): a ConText-style
model with pseudo-negations, scope terminators and sentence scopes, whose trigger words live
in ``bot/content/safety_lexicon.yml``; it decides whether a symptom is happening, which is a
different question from whether an answer or a note says "not".

Plain Python, no spaCy, no Rasa.
"""

from __future__ import annotations

import re
from typing import Final

#: Words that negate what follows them in a profile answer.
NEGATORS: Final = frozenset(
    {
        "no",
        "nae",  # Scots
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
#: Words that end a negation's scope: "I can't go outside so the treadmill".
SCOPE_ENDS: Final = frozenset({"so", "and", "then", "because", "since", "which", "now", "just"})
#: Where a clause starts: after punctuation and contrast words ("but", "though"...).
CLAUSE_BREAK_RE: Final = re.compile(
    r"[.!?;,:\n()]|\bbut\b|\bthough\b|\balthough\b|\bhowever\b|\bwhereas\b"
)
#: A word of lower-case text.
WORD_RE: Final = re.compile(r"[a-z']+")


def clause_start(text: str, pos: int, breaks: re.Pattern[str] = CLAUSE_BREAK_RE) -> int:
    """Where the clause containing ``pos`` starts (after punctuation, "but", ...).

    Args:
        text: Lower-case text.
        pos: A position in it.
        breaks: What separates clauses.
    """
    start = 0
    for match in breaks.finditer(text, 0, pos):
        start = match.end()
    return start


def clause_before(text: str, pos: int) -> str:
    """The part of ``pos``'s clause that precedes ``pos``."""
    return text[clause_start(text, pos) : pos]


def words_before(text: str, pos: int, count: int) -> list[str]:
    """The last ``count`` words of the clause before ``pos``."""
    return WORD_RE.findall(clause_before(text, pos))[-count:]


def negated(
    text: str,
    pos: int,
    window: int = 3,
    objects: frozenset[str] = frozenset(),
    *,
    negators: frozenset[str] = NEGATORS,
    scope_ends: frozenset[str] = SCOPE_ENDS,
    breaks: re.Pattern[str] = CLAUSE_BREAK_RE,
    word_re: re.Pattern[str] = WORD_RE,
) -> bool:
    """Whether one of the few words before ``pos`` negates what follows.

    The scope ends at the clause start and at words such as "so" or "and" ("I can't go
    outside so the treadmill": the treadmill is not negated), and at one of ``objects``,
    which the negation is about instead ("no injuries treadmill at the gym").

    Args:
        text: Lower-case text.
        pos: Where the word that may be negated starts.
        window: How many words before ``pos`` to look at.
        objects: Words the negation is about instead of what follows them.
        negators: The negation words.
        scope_ends: Words that end a negation's scope.
        breaks: What separates clauses (the scope never crosses one).
        word_re: What a word is.

    Returns:
        True when a negation word comes first, reading back from ``pos``.
    """
    before = text[clause_start(text, pos, breaks) : pos]
    for word in reversed(word_re.findall(before)[-window:]):
        if word in negators:
            return True
        if word in scope_ends or word in objects:
            return False
    return False
