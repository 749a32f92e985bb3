"""What a whole message does with the plan's answers, whatever else it sounds like.

"Plan. Now. 38, I run regularly but never done the backwards thing, no injuries, treadmill at
the gym, fitness, 20 min, 4 days a week. Go." asks for a plan with its answers, although a
classifier may hear a question about running. "Actually make that 4 days, not 3. I can fit it
in on my rest day." changes an answer, although it mentions rest days. The meaning stage
(:mod:`bot.rasa_adapters.meaning_stage`) asks this module before acting on such a reading.
Plain Python with no Rasa import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from bot.profile.parse import parse_answers
from bot.profile.questions import looks_like_question, trailing_question
from bot.profile.settled import corrects
from bot.profile.slots import AGE_SLOT, CONDITIONS, DAYS, EXPERIENCE, GOAL, LOCATION, MINUTES
from bot.walk_report import reports_a_walk

Reading = Literal["start_plan", "inform", "edit_profile"]

# A question inside the message, with no question mark: "knee pain for years now would walking
# in reverse help", "I'm 45 how long should I go for".
_ASKS: Final = re.compile(
    r"\b(?:would|could|can|will|does|do|should|is|are)\s+(?:walking|it|this|that|retro|reverse"
    r"|backwards?|going|doing|i|you)\b"
    r"|\b(?:what|how|why|which|when|where)\b",
    re.IGNORECASE,
)

# The seven answers a plan needs.
PLAN_ANSWERS: Final = frozenset({EXPERIENCE, AGE_SLOT, CONDITIONS, LOCATION, GOAL, MINUTES, DAYS})
# A request for a plan ("plan please", "sort me out with a programme").
_PLAN_WORD: Final = re.compile(r"\b(?:plan|programme|program|routine|schedule)\b", re.IGNORECASE)
# With a plan word, this many answers make the message a plan request; without, an answer.
WITH_REQUEST: Final = 2
WITHOUT_REQUEST: Final = 3
# Facts about the walker rather than a session; two of them are answers on their own ("Just
# so you know, I'm 55 and I've never done backwards walking").
ABOUT_THE_WALKER: Final = frozenset({AGE_SLOT, EXPERIENCE, CONDITIONS})
# Only words that change a value ("make that", "change it to", "not 3 but 4"), never a bare
# "sorry" or "no,", which start many ordinary messages.
_CHANGES: Final = re.compile(
    r"\b(?:make (?:it|that)|change (?:it|that|my \w+(?: \w+)?) to|i meant|not \w+ but"
    r"|actually|(?:bump|put|move|drop|push) (?:it|that) (?:up |down |back )?to"
    r"|(?:up|increase|lower|cut) it to)\b",
    re.IGNORECASE,
)


def plan_answers_reading(text: str, entities: Sequence[Mapping[str, Any]] = ()) -> Reading | None:
    """How a message with plan answers is meant, or None when it is not clearly one.

    Args:
        text: The message.
        entities: The entity extractor's entities for it.

    Returns:
        ``start_plan`` for a plan request carrying at least two answers, ``inform`` for three
        or more answers with no request and no walk told ("did 20 minutes on the treadmill, 3
        days this week" is a walk log), or two facts about the walker; ``edit_profile`` for
        a change of an answer ("actually make that 4 days, not 3"); None for a question or
        anything else.
    """
    if looks_like_question(text) or trailing_question(text) or _ASKS.search(text):
        return None
    answers, _ = parse_answers(text, entities)
    answered = {answer.slot for answer in answers} & PLAN_ANSWERS
    if _PLAN_WORD.search(text) and len(answered) >= WITH_REQUEST:
        return "start_plan"
    walker_facts = len(answered & ABOUT_THE_WALKER)
    if (len(answered) >= WITHOUT_REQUEST and not reports_a_walk(text)) or walker_facts >= 2:
        return "inform"
    if answered and corrects(text) and _CHANGES.search(text):
        return "edit_profile"
    return None


__all__ = ["PLAN_ANSWERS", "Reading", "plan_answers_reading"]
