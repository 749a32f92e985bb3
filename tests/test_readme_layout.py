"""The README's layout table matches the tree: every folder has a row, every package is
named in its folder's row, and every file or folder a row names exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE_FOLDERS = ("bot", "voice", "operations", "actions")


def layout() -> dict[str, str]:
    """``{folder: its row's text}`` of the README's "Project layout" table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Project layout", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        row = re.match(r"\| `([^`/]+)/` \| (.*) \|$", line)
        if row:
            rows[row.group(1)] = row.group(2)
    return rows


def named(row: str) -> set[str]:
    return set(re.findall(r"`([^`\s]+)`", row))


def test_every_top_level_folder_has_a_row() -> None:
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    folders = {f.split("/", 1)[0] for f in files if "/" in f and not f.startswith(".")}
    assert folders - set(layout()) == set()


def test_every_package_is_named_in_its_folders_row() -> None:
    rows = layout()
    missing = []
    for folder in CODE_FOLDERS:
        text = " ".join(named(rows[folder]))
        for init in sorted((ROOT / folder).rglob("__init__.py")):
            package = init.parent
            if package != ROOT / folder and f"{package.name}/" not in text:
                missing.append(str(package.relative_to(ROOT)))
    assert missing == []


def test_every_file_a_row_names_exists_in_its_folder() -> None:
    stale = []
    for folder, row in layout().items():
        for name in named(row):
            if not re.fullmatch(r"[\w./-]+\.(?:py|yml|yaml|sh|txt|lock|json|md|html)/?", name):
                continue
            if not list((ROOT / folder).rglob(Path(name).name)):
                stale.append(f"{folder}/: {name}")
    assert stale == []
