"""Walk commands the voice coach handles itself, at once, without asking the bot.

Everything else a walker says goes to the bot; red-flag phrases are checked first, with the
bot's own safety rules (``bot.safety``), so they stop the walk even when the bot is down.
"""

from __future__ import annotations

import re
from enum import Enum


class Command(str, Enum):
    """A local walk command."""

    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    REPEAT = "repeat"
    TIME_LEFT = "time_left"
    STOP = "stop"


# Ways people say each command. Used to recognise commands and as speech-recogniser
# training text (voice/listen builds its language model from these and data/nlu).
COMMAND_EXAMPLES: dict[Command, tuple[str, ...]] = {
    Command.PAUSE: (
        "pause",
        "pause the workout",
        "pause please",
        "hold on",
        "wait",
        "hang on",
        "give me a second",
        "take a break",
        "pause it",
        "pause the walk",
    ),
    Command.RESUME: (
        "resume",
        "continue",
        "carry on",
        "go on",
        "keep going",
        "let's go again",
        "start again",
        "unpause",
        "i'm ready",
        "resume the workout",
        "resume the walk",
        "continue the walk",
    ),
    Command.SKIP: (
        "skip",
        "skip this",
        "skip this part",
        "next",
        "next part",
        "move on",
        "go to the next one",
        "next one",
        "skip it",
        "skip ahead",
    ),
    Command.REPEAT: (
        "repeat",
        "repeat that",
        "say that again",
        "what did you say",
        "again please",
        "pardon",
        "come again",
        "say it again",
        "one more time",
    ),
    Command.TIME_LEFT: (
        "how much time is left",
        "how long left",
        "how much longer",
        "how many minutes left",
        "time left",
        "how long to go",
        "what's the time left",
        "what is the time left",
        "how much time left",
        "how many minutes are left",
        "how long have i got left",
        "time remaining",
    ),
    Command.STOP: (
        "stop",
        "stop the workout",
        "end the workout",
        "finish the walk",
        "i'm done",
        "quit",
        "end session",
        "stop the walk",
        "end the walk",
        "stop walking",
    ),
}

_FILLER = re.compile(r"\b(hey coach|coach|please|ok(ay)?|um+|uh+|now|the|a)\b")
_PUNCT = re.compile(r"[^a-z' ]+")


def _normalise(text: str) -> str:
    text = _PUNCT.sub(" ", text.lower().replace("’", "'"))
    return " ".join(_FILLER.sub(" ", text).split())


_LOOKUP: dict[str, Command] = {
    _normalise(phrase): command
    for command, phrases in COMMAND_EXAMPLES.items()
    for phrase in phrases
}


def parse_command(text: str) -> Command | None:
    """The local command ``text`` asks for, or None when it is anything else.

    Only whole short utterances count: "stop" is a command, but "why should I stop if my
    knee hurts?" is a question for the bot.
    """
    key = _normalise(text)
    if not key:
        return None
    return _LOOKUP.get(key)


def all_command_examples() -> list[str]:
    """Every example phrase, for the speech recogniser's language model."""
    return [phrase for phrases in COMMAND_EXAMPLES.values() for phrase in phrases]
