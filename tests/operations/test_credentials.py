"""Which channels the Rasa server is started with: those whose secrets are set."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bot.settings import Settings
from operations.credentials import select_channels, write_credentials

CHANNELS = {
    "rest": None,
    "my.module.TelegramInput": {"required_env": ["TG_TOKEN", "TG_SECRET"], "extra": 1},
    "my.module.SlackInput": {"required_env": ["SLACK_TOKEN"]},
}


def test_a_channel_without_its_secrets_is_left_out() -> None:
    kept, skipped = select_channels(CHANNELS, {"TG_TOKEN": "t", "TG_SECRET": " ", "X": "y"})
    assert kept == {"rest": None}
    assert [(s.name, s.missing) for s in skipped] == [
        ("my.module.TelegramInput", ("TG_SECRET",)),
        ("my.module.SlackInput", ("SLACK_TOKEN",)),
    ]
    assert skipped[0].message == "channel TelegramInput not started: set TG_SECRET to enable it"


def test_a_channel_with_its_secrets_keeps_its_other_settings() -> None:
    kept, skipped = select_channels(CHANNELS, {"TG_TOKEN": "t", "TG_SECRET": "s"})
    assert kept == {"rest": None, "my.module.TelegramInput": {"extra": 1}}
    assert [s.name for s in skipped] == ["my.module.SlackInput"]


def test_written_file_logs_one_line_per_missing_channel(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "credentials.yml").write_text(yaml.safe_dump(CHANNELS))
    settings = replace(Settings(), root=tmp_path, var_dir=tmp_path / "var")
    with caplog.at_level(logging.WARNING):
        path = write_credentials(settings, {"SLACK_TOKEN": "xoxb"})
    assert yaml.safe_load(path.read_text()) == {"rest": None, "my.module.SlackInput": None}
    assert "SLACK_TOKEN" not in path.read_text().replace("SlackInput", "")
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["channel TelegramInput not started: set TG_TOKEN, TG_SECRET to enable it"]


def test_the_project_credentials_name_only_environment_variables() -> None:
    """No secret is written in credentials.yml: every channel secret comes from the environment."""
    channels = yaml.safe_load((Path(__file__).parents[2] / "credentials.yml").read_text())
    for name, entry in channels.items():
        for key, value in (entry or {}).items():
            assert key == "required_env" or not any(
                word in key.lower() for word in ("token", "secret", "password", "auth")
            ), f"{name}: {key} looks like a secret in credentials.yml"
            if key == "required_env":
                assert all(v.startswith("RETROWALK_") for v in value)
