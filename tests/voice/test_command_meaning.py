"""Unit tests of voice.command_meaning and its place in voice.commands.parse_command.

The examples were written for these tests (not taken from the command sets in tests/data/).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.nlp.linear_model import LinearModel
from tests.support.scripts import check_weights
from voice.command_meaning import CommandWeights, default_command_meaning
from voice.commands import Command, _read, parse_command


def test_the_packaged_weights_are_trained_on_todays_data() -> None:
    result = check_weights("train_command_meaning.py")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("right, let us crack on with it", Command.RESUME),
        ("give this section a miss", Command.SKIP),
        ("sorry, I lost the thread of what you told me", Command.REPEAT),
        ("how much more of this is there", Command.TIME_LEFT),
    ],
)
def test_idioms_the_grammar_lacks_are_read_by_meaning(text: str, command: Command) -> None:
    assert _read(text) is None  # no phrase of the grammar fits
    assert parse_command(text) is command


@pytest.mark.parametrize(
    "text",
    [
        "why do you keep saying that?",  # about the coach, not "say it again"
        "what's the time?",  # the clock, not the time left in the walk
        "should I stop if my knee hurts?",
        "can I skip a day this week?",
        "my chest is tight, stop",  # a symptom: the bot decides
        "lovely day for it, isn't it",
        "can you pause my music",  # a command word, but not about the walk
        "could you stop my alarm please",
        "the car park is full again",  # a remark about something else
        "remind me to stop at the chemist",
        "",
    ],
)
def test_questions_remarks_and_symptoms_are_not_commands(text: str) -> None:
    assert parse_command(text) is None


def test_the_reader_is_unsure_below_its_threshold() -> None:
    reader = default_command_meaning()
    assert reader is not None
    assert reader.read("the ducks are out on the pond today") is None
    assert reader.read("   ") is None


def test_weights_round_trip_and_bad_files_are_clear_errors(tmp_path: Path) -> None:
    model = LinearModel(("none", "pause"), np.zeros((2, 3)), np.zeros(2))
    path = tmp_path / "w.npz"
    CommandWeights(model, 0.8, {"data_sha256": "x"}).save(path)
    loaded = CommandWeights.load(path)
    assert loaded.model.labels == ("none", "pause") and loaded.threshold == 0.8
    np.savez(tmp_path / "missing.npz", labels=np.array(["none"]))
    with pytest.raises(ValueError, match="missing"):
        CommandWeights.load(tmp_path / "missing.npz")
    bad = LinearModel(("pause", "stop"), np.zeros((2, 3)), np.zeros(2))
    CommandWeights(bad, 0.8, {}).save(tmp_path / "nonone.npz")
    with pytest.raises(ValueError, match="no 'none' label"):
        CommandWeights.load(tmp_path / "nonone.npz")


def test_without_its_weights_the_grammar_alone_reads_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("voice.command_meaning.WEIGHTS_PATH", tmp_path / "missing.npz")
    default_command_meaning.cache_clear()
    try:
        assert default_command_meaning() is None
        assert "read by their phrases only" in caplog.text
        assert parse_command("pause the walk please") is Command.PAUSE
        assert parse_command("give this section a miss") is None  # only the reader knew it
    finally:
        default_command_meaning.cache_clear()
