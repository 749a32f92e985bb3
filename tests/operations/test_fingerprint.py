"""The model fingerprint changes with every model input and only with them."""

from __future__ import annotations

from pathlib import Path

from operations.fingerprint import model_fingerprint


def make_project(root: Path) -> None:
    (root / "data").mkdir()
    (root / "data" / "nlu.yml").write_text("nlu: []\n")
    (root / "config.yml").write_text("pipeline: []\n")


def test_fingerprint_is_stable_and_sensitive(tmp_path: Path) -> None:
    make_project(tmp_path)
    first = model_fingerprint(tmp_path, ["config.yml", "data"])
    assert first == model_fingerprint(tmp_path, ["config.yml", "data"])
    (tmp_path / "data" / "nlu.yml").write_text("nlu: [x]\n")
    second = model_fingerprint(tmp_path, ["config.yml", "data"])
    assert second != first
    (tmp_path / "data" / "rules.yml").write_text("rules: []\n")
    assert model_fingerprint(tmp_path, ["config.yml", "data"]) != second


def test_unrelated_files_and_caches_do_not_count(tmp_path: Path) -> None:
    make_project(tmp_path)
    before = model_fingerprint(tmp_path, ["config.yml", "data"])
    (tmp_path / "README.md").write_text("docs\n")
    (tmp_path / "data" / "__pycache__").mkdir()
    (tmp_path / "data" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert model_fingerprint(tmp_path, ["config.yml", "data"]) == before


def test_renaming_a_file_changes_it(tmp_path: Path) -> None:
    make_project(tmp_path)
    before = model_fingerprint(tmp_path, ["config.yml", "data"])
    (tmp_path / "data" / "nlu.yml").rename(tmp_path / "data" / "other.yml")
    assert model_fingerprint(tmp_path, ["config.yml", "data"]) != before
