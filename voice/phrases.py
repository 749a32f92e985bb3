"""The fixed things the voice coach says, so they can be rendered before the walk starts."""

from __future__ import annotations

from collections.abc import Sequence

from bot.safety.assessment import RedFlag
from bot.safety.lexicon import default_lexicon
from bot.safety.stop_message import stop_message
from voice.commands import Command

PAUSED = "Paused. Say resume when you're ready."
RESUMED = "Resuming."
SKIPPED = "Skipping ahead."
STOPPING = "Stopping the walk."
NOTHING_TO_REPEAT = "There's nothing to repeat yet."
BOT_UNAVAILABLE = (
    "Sorry, I can't answer questions right now because the coach is unreachable. "
    "You can still say pause, resume, skip, repeat, time left or stop."
)
NOT_UNDERSTOOD = "Sorry, I didn't catch that. Please say it again."
NO_PLAN = (
    "You don't have a plan yet, so this is a short starter session. "
    "Ask the coach in the chat to make you a plan for a personal one."
)
OFFLINE_START = (
    "I can't reach the coach right now, so this is a short starter session. "
    "Questions can't be answered until the coach is back."
)
OFFLINE_LAST = (
    "I can't reach the coach right now, so this is the last session it gave you. "
    "Questions can't be answered until the coach is back."
)
# Said when the bot gives no walk (by the bot's reason); its full words are shown too.
REFUSALS = {
    "needs_clearance": (
        "I can't start a walk yet. Please get the OK from a doctor or physical therapist "
        "first, then tell the coach in the chat."
    ),
    "supervised_only": (
        "I can't start a walk on your own. Please practise walking backwards only with a "
        "physical therapist supervising you."
    ),
}
LOG_SAVED_LOCALLY = (
    "I couldn't reach the coach to log this walk, so I've saved it on this device "
    "and will send it next time."
)

COMMAND_ACKNOWLEDGEMENTS: dict[Command, str] = {
    Command.PAUSE: PAUSED,
    Command.RESUME: RESUMED,
    Command.SKIP: SKIPPED,
    Command.STOP: STOPPING,
}


def red_flag_messages() -> list[str]:
    """The spoken stop message for every red-flag kind, person and walk setting."""
    severities = {p.kind: p.severity for p in default_lexicon().symptoms}
    messages: list[str] = []
    for setting in ("walking", "treadmill"):
        messages.append(stop_message(None, setting).spoken)
        for kind, severity in severities.items():
            for who in ("self", "other"):
                flag = RedFlag(kind=kind, severity=severity, who=who, phrase="")
                messages.append(stop_message(flag, setting).spoken)
    return list(dict.fromkeys(messages))


def fixed_phrases() -> list[str]:
    """Everything said outside the cue timeline that can be known before the walk."""
    return [
        *COMMAND_ACKNOWLEDGEMENTS.values(),
        NOTHING_TO_REPEAT,
        BOT_UNAVAILABLE,
        NOT_UNDERSTOOD,
        NO_PLAN,
        OFFLINE_START,
        OFFLINE_LAST,
        LOG_SAVED_LOCALLY,
        *red_flag_messages(),
    ]


def refusal(reason: str) -> str:
    """The spoken words for the bot's reason to give no walk (clearance when unknown)."""
    return REFUSALS.get(reason, REFUSALS["needs_clearance"])


def options_sentence(titles: Sequence[str]) -> str:
    """How a reply's buttons are said: ``You can say: Yes, Later or No.``

    Args:
        titles: The button titles, at least one.
    """
    options = ", ".join(titles[:-1]) + f" or {titles[-1]}" if len(titles) > 1 else titles[0]
    return f"You can say: {options}."
