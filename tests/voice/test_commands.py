"""Local walk commands: whole short utterances only; everything else goes to the bot."""

from __future__ import annotations

import pytest

from bot.safety.assessment import assess
from voice.commands import COMMAND_EXAMPLES, Command, all_command_examples, parse_command


def test_every_example_is_recognised_as_its_command() -> None:
    for command, phrases in COMMAND_EXAMPLES.items():
        assert phrases, command
        for phrase in phrases:
            assert parse_command(phrase) is command, phrase


def test_every_command_has_examples_and_they_are_listed_for_the_recogniser() -> None:
    assert set(COMMAND_EXAMPLES) == set(Command)
    examples = all_command_examples()
    assert len(examples) == sum(len(p) for p in COMMAND_EXAMPLES.values())
    assert "how much time is left" in examples and "pause" in examples


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("Okay coach, pause please.", Command.PAUSE),
        ("PAUSE!", Command.PAUSE),
        ("  hold on  ", Command.PAUSE),
        ("carry on", Command.RESUME),
        ("Resume the workout", Command.RESUME),
        ("um, next one", Command.SKIP),
        ("Repeat that?", Command.REPEAT),
        ("How much time is left?", Command.TIME_LEFT),
        ("how many minutes are left", Command.TIME_LEFT),
        ("I’m done", Command.STOP),
        ("hey coach, stop", Command.STOP),
        ("End the walk.", Command.STOP),
    ],
)
def test_spoken_variants(text: str, command: Command) -> None:
    assert parse_command(text) is command


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "...",
        "why should I stop if my knee hurts?",
        "can I pause the plan for a week?",
        "what's next in my plan?",
        "how much time should I walk backwards?",
        "repeat the benefits please",
        "stop walking backwards forever?",
        "I feel dizzy",
        "I have chest pain, stop",
    ],
)
def test_questions_and_sentences_are_not_commands(text: str) -> None:
    assert parse_command(text) is None


def test_red_flag_phrases_are_never_commands_and_commands_never_red_flags() -> None:
    for phrase in ("I feel dizzy", "chest pain", "I fell"):
        assert assess(phrase, "walking").stop
        assert parse_command(phrase) is None
    for phrase in all_command_examples():
        assert not assess(phrase, "walking").stop, phrase
