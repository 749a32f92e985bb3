"""operations.cli's preparation of the voice coach where the voice group is not installed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.settings import Settings
from operations import cli


def test_the_voice_group_is_found_where_it_is_installed() -> None:
    assert cli.missing_voice_module() is None  # the dev environment has every group


@pytest.mark.parametrize("module", cli.VOICE_MODULES)
def test_a_runtime_only_install_skips_the_voice_preparation_and_says_so(
    module: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed: import fails
    monkeypatch.setenv("RETROWALK_VOICE_LM_DIR", str(tmp_path / "lm"))
    assert cli.missing_voice_module() == module
    cli._build_voice_model(Settings())
    out = capsys.readouterr().out
    assert f"Voice walk not installed ({module} is missing)" in out
    assert "requirements/voice.lock" in out
    assert not (tmp_path / "lm").exists()  # nothing was built


def test_the_walk_without_the_voice_group_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pocketsphinx", None)
    assert cli.main(["walk", "--text-only"]) == 1
    err = capsys.readouterr().err
    assert "the voice walk is not installed (pocketsphinx is missing)" in err
    assert "requirements/voice.lock" in err
