"""Adapting a plan to the logged walks: advance, repeat, step back or pause (§5.2, §3.3).

:func:`adapt` reads the walker's logs for the week just done; a balance scare is found in a
log's note, read with the shared negation helper :func:`bot.nlp.negation.negated` ("no
wobbles" is not a scare).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.nlp.negation import negated
from bot.plan.model import Plan
from bot.profile.model import WalkLog

AdaptAction = Literal["advance", "repeat", "step_back", "pause"]

RPE_HARD = 13  # §5.2: don't progress intensity if RPE > 13


@dataclass(frozen=True)
class Adaptation:
    """What to do next after looking at the logged walks.

    Attributes:
        action: advance, repeat, step_back or pause.
        next_week: The plan week to do next.
        reason: Plain-words reason for the walker.
    """

    action: AdaptAction
    next_week: int
    reason: str


_BALANCE_SCARE = re.compile(
    r"\b(lost (my )?balance|(nearly|almost) (fell|fall|tripped)|tripped|stumbled|fell|"
    r"wobbl\w*|unsteady)\b"
)
# "no wobbles", "didn't stumble", "never lost my balance": a negation word up to two words
# before the scare. The note's scope is narrower than a profile answer's: any punctuation ends
# it, and so does an apostrophe other than the one of "didn't" ("I wasn't wobbly" is read as
# it always was here: a scare).
_SCARE_NEGATORS = frozenset({"no", "not", "never", "didn't", "without"})
_NOTE_BREAKS = re.compile(r"[^\w\s']|(?<!\bdidn)'|'(?!t\b)")
_NOTE_WORD_RE = re.compile(r"[\w']+")


def _balance_scare(note: str) -> bool:
    text = note.lower().replace("’", "'")
    return any(
        not negated(
            text,
            m.start(),
            3,
            negators=_SCARE_NEGATORS,
            scope_ends=frozenset(),
            breaks=_NOTE_BREAKS,
            word_re=_NOTE_WORD_RE,
        )
        for m in _BALANCE_SCARE.finditer(text)
    )


def _is_hard(log: WalkLog) -> bool:
    # §5.2: don't progress if RPE > 13.
    return log.feel == "hard" or (log.rpe is not None and log.rpe > RPE_HARD)


def adapt(plan: Plan, current_week: int, logs: Sequence[WalkLog]) -> Adaptation:
    """Decide the next plan week from the logged walks (§5.2, §3.3).

    Logs are ordered by ``day``; a log with no ``plan_week`` is counted in the current week.

    1. Pain, or a balance scare in a note, in this week's logs or the latest log: pause.
    2. The two latest logs both hard (feel "hard" or RPE > 13): step back a week.
    3. Any hard or incomplete session this week: repeat the week.
    4. Completed easy/ok sessions this week >= the planned sessions, or >= 2 all "easy":
       advance.
    5. Otherwise repeat (not enough sessions logged yet).

    Args:
        plan: The plan being followed.
        current_week: The week just done, from 1.
        logs: Logged walks (any order).

    Returns:
        The action, the week to do next and the reason.

    Raises:
        ValueError: If ``current_week`` is not a week of the plan.
    """
    if not 1 <= current_week <= len(plan.weeks):
        raise ValueError(f"current_week must be 1-{len(plan.weeks)}, not {current_week}")
    ordered = sorted(logs, key=lambda log: log.day)
    this_week = [log for log in ordered if log.plan_week in (None, current_week)]
    recent = list(this_week)
    if ordered and all(log is not ordered[-1] for log in recent):
        recent.append(ordered[-1])

    if any(log.pain for log in recent):
        return Adaptation(
            "pause",
            current_week,
            "You mentioned pain, so let's hold your plan where it is. If the pain persists, "
            "stop and see a physiotherapist or doctor, and if soreness lasts more than 2-3 "
            "days, contact a healthcare provider.",
        )
    if any(_balance_scare(log.note) for log in recent):
        return Adaptation(
            "pause",
            current_week,
            "You mentioned a balance scare, so let's hold your plan where it is. Practise "
            "beside a wall or with someone nearby, and see a physiotherapist if it happens again.",
        )
    if len(ordered) >= 2 and all(_is_hard(log) for log in ordered[-2:]):
        previous = max(1, current_week - 1)
        return Adaptation(
            "step_back",
            previous,
            f"Your last two walks felt hard, so let's go back to week {previous} for a while."
            if previous < current_week
            else "Your last two walks felt hard, so let's stay at week 1 and take it easy.",
        )
    if any(_is_hard(log) or not log.completed for log in this_week):
        return Adaptation(
            "repeat",
            current_week,
            f"This week had a hard or unfinished session, so let's repeat week {current_week} "
            "before moving on.",
        )
    done = [log for log in this_week if log.completed and log.feel in ("easy", "ok")]
    planned = plan.weeks[current_week - 1].sessions
    all_easy = bool(done) and all(log.feel == "easy" for log in this_week)
    if len(done) >= planned or (len(done) >= 2 and all_easy):
        if current_week == len(plan.weeks):
            return Adaptation(
                "advance",
                current_week,
                "Well done, that's the last week of your plan. Keep this level steady, or ask "
                "me for a new plan.",
            )
        return Adaptation(
            "advance",
            current_week + 1,
            f"Week {current_week} went well, so you're ready for week {current_week + 1}.",
        )
    return Adaptation(
        "repeat",
        current_week,
        f"You've logged {len(done)} of {planned} sessions for week {current_week}; let's finish "
        "this week before moving on.",
    )
