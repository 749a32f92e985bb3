"""The fixed things the voice coach says, so they can be rendered before the walk starts."""

from __future__ import annotations

from bot.safety import RedFlag, default_content, red_flag_message
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


def time_left_text(seconds: float) -> str:
    """How much of the walk is left, rounded to what a walker needs to hear."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "Less than a minute left."
    minutes = round(seconds / 60)
    return "About 1 minute left." if minutes == 1 else f"About {minutes} minutes left."


def time_left_texts(total_seconds: float) -> list[str]:
    """Every ``time_left_text`` a walk of this length can produce."""
    texts = {time_left_text(0)}
    for minute in range(1, int(total_seconds // 60) + 2):
        texts.add(time_left_text(minute * 60))
    return sorted(texts)


def red_flag_messages() -> list[str]:
    """The stop-now message for every red-flag kind, plus the generic one."""
    content = default_content()
    messages = [red_flag_message(None, content)]
    for rule in content.red_flags:
        flag = RedFlag(kind=rule.id, phrase="", advice=rule.advice)
        messages.append(red_flag_message(flag, content))
    return messages


def fixed_phrases(total_seconds: float) -> list[str]:
    """Everything said outside the cue timeline that can be known before the walk."""
    return [
        *COMMAND_ACKNOWLEDGEMENTS.values(),
        NOTHING_TO_REPEAT,
        BOT_UNAVAILABLE,
        NOT_UNDERSTOOD,
        NO_PLAN,
        OFFLINE_START,
        LOG_SAVED_LOCALLY,
        *time_left_texts(total_seconds),
        *red_flag_messages(),
    ]
