"""Scoring a safety decision function on the independent safety sets.

The sets (``tests/data/safety_test/``: the held-out test set; ``tests/data/safety_dev/``: the
development set used while writing the lexicon) were written by helper sessions that never
saw the rules, the training data or the bot's replies: each got only a topic list, the label
list and a style brief (see ``tests/data/safety_test/README.md``). Only the figures per
category are read from the test set, never its per-example errors.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SAFETY_TEST = Path(__file__).resolve().parents[1] / "data" / "safety_test"
SAFETY_DEV = Path(__file__).resolve().parents[1] / "data" / "safety_dev"
MUST_BE_PERFECT = ("chest", "fainting", "stroke", "head_injury", "breathing")
CALM_CATEGORIES = ("question", "history")


@dataclass(frozen=True)
class Item:
    """One labelled message."""

    text: str
    context: str
    category: str
    kind: str | None
    who: str | None
    conditions: tuple[str, ...]
    writer: str


@dataclass(frozen=True)
class Decision:
    """What a client decided for a message: stop or not, and the condition labels."""

    stop: bool
    kind: str | None = None
    who: str | None = None
    conditions: tuple[str, ...] = ()


def load_items(folder: Path) -> list[Item]:
    """Every item of every writer's file in ``folder``."""
    items: list[Item] = []
    for path in sorted(folder.glob("*.yml")):
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in raw["items"]:
            items.append(
                Item(
                    text=str(entry["text"]),
                    context=str(entry["context"]),
                    category=str(entry["category"]),
                    kind=entry.get("kind"),
                    who=entry.get("who"),
                    conditions=tuple(entry.get("conditions") or ()),
                    writer=str(raw["writer"]),
                )
            )
    return items


@dataclass
class Report:
    """Figures per category, kind, person and writer."""

    counts: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)

    def add(self, key: str, hit: bool) -> None:
        self.counts[key] += 1
        self.hits[key] += int(hit)

    def rate(self, key: str) -> float:
        return self.hits[key] / self.counts[key] if self.counts[key] else float("nan")

    def line(self, key: str) -> str:
        return f"| {key} | {self.hits[key]}/{self.counts[key]} | {self.rate(key):.1%} |"

    def markdown(self, title: str) -> str:
        rows = [f"### {title}", "", "| figure | count | rate |", "|---|---:|---:|"]
        rows += [self.line(key) for key in sorted(self.counts)]
        return "\n".join(rows) + "\n"


def score(items: Iterable[Item], decide: Callable[[Item], Decision]) -> Report:
    """Run ``decide`` on every item and count what matters.

    Keys: ``acute recall`` (all, ``/kind``, ``/who``, ``/context``, ``/writer``), ``kind
    agreement``, ``false alarm <category>`` (stop on a calm message), ``false alarm
    question+history``, ``condition labels right`` (exact set, no stop).
    """
    report = Report()
    for item in items:
        decision = decide(item)
        if item.category == "acute":
            for key in (
                "all",
                f"kind {item.kind}",
                f"who {item.who}",
                f"context {item.context}",
                f"writer {item.writer}",
            ):
                report.add(f"acute recall / {key}", decision.stop)
            if decision.stop:
                report.add("acute kind agreement", decision.kind == item.kind)
                report.add("acute who agreement", decision.who == item.who)
            continue
        report.add(f"false alarm / {item.category}", decision.stop)
        if item.category in CALM_CATEGORIES:
            report.add("false alarm / question+history", decision.stop)
        report.add("false alarm / all calm", decision.stop)
        if item.category == "condition":
            right = not decision.stop and set(decision.conditions) == set(item.conditions)
            report.add("condition labels right", right)
    return report


def by_label(items: Iterable[Item]) -> dict[str, int]:
    """How many condition items carry each label (for the report)."""
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        for label in item.conditions:
            counts[label] += 1
    return dict(counts)
