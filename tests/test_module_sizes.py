"""Module size: a module over 400 lines holds one concept and says so; none is over 800."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "actions", "voice", "operations", "scripts")
ANCHOR = 400
LIMIT = 800


def modules() -> dict[str, int]:
    return {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def test_no_module_is_over_800_lines() -> None:
    sizes = modules()
    assert len(sizes) > 150
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}


def test_a_module_over_400_lines_says_it_holds_one_concept() -> None:
    silent = []
    for name, lines in modules().items():
        if lines <= ANCHOR:
            continue
        doc = ast.get_docstring(ast.parse((ROOT / name).read_text(encoding="utf-8"))) or ""
        if "one concept" not in doc.lower():
            silent.append(name)
    assert silent == []
