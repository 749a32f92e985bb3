"""Scoring understanding on held-out messages: right, honestly unsure, or confidently wrong.

Plain Python with no Rasa import. Two file formats are read:

- Rasa NLU YAML (``tests/data/nlu_test/``, ``tests/data/nlu_dev/``): ``- intent: faq/x``
  blocks with ``examples``; entity annotations (``[70](age)``) are reduced to their text;
- labelled items (``tests/data/nlu_test2/``, ``tests/data/nlu_dev2/``): ``writer`` and
  ``items`` with ``text`` and ``label``.

A prediction is the label the coach acts on (``faq/<key>`` for an answer, else the intent),
or None when it said it was not sure (``nlu_fallback``). ``red_flag`` counts as right for
nothing here (these sets hold no emergencies), so a stop on a question is a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

NOT_SURE = "nlu_fallback"
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class LabelledMessage:
    """A held-out message and the label a good coach acts on."""

    text: str
    label: str
    source: str


def _rasa_examples(data: Mapping[str, Any], source: str) -> list[LabelledMessage]:
    found = []
    for block in data.get("nlu") or []:
        label = block.get("intent")
        if not label:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = _ANNOTATION.sub(r"\1", line[2:]).strip()
                found.append(LabelledMessage(text, label, source))
    return found


def load_messages(folder: Path) -> list[LabelledMessage]:
    """Every labelled message in the YAML files of ``folder`` (either format)."""
    found: list[LabelledMessage] = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "items" in data:
            writer = str(data.get("writer") or path.stem)
            found.extend(
                LabelledMessage(str(item["text"]), str(item["label"]), writer)
                for item in data["items"]
            )
        else:
            found.extend(_rasa_examples(data, path.stem))
    return found


def predicted_label(parse: Mapping[str, Any]) -> str | None:
    """The label acted on in a Rasa parse result (None for "not sure")."""
    intent = (parse.get("intent") or {}).get("name")
    if intent == NOT_SURE or not intent:
        return None
    if intent == "faq":
        selector = (parse.get("response_selector") or {}).get("faq") or {}
        key = (selector.get("response") or {}).get("intent_response_key")
        return str(key) if key else "faq"
    return str(intent)


@dataclass
class Tally:
    """Counts for one group of messages."""

    right: int = 0
    unsure: int = 0
    wrong: int = 0
    wrong_examples: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.unsure + self.wrong

    def add(self, message: LabelledMessage, predicted: str | None) -> None:
        if predicted is None:
            self.unsure += 1
        elif predicted == message.label:
            self.right += 1
        else:
            self.wrong += 1
            self.wrong_examples.append((message.text, message.label, predicted))

    def rate(self, count: int) -> float:
        return count / self.total if self.total else 0.0


def category(label: str, new_topics: Iterable[str] = ()) -> str:
    """The report group of a label: FAQ answers (new topics apart) or the intent itself."""
    if label.startswith("faq/"):
        return "faq (new topics)" if label in set(new_topics) else "faq"
    return label


def score(
    messages: Sequence[LabelledMessage],
    predictions: Sequence[str | None],
    new_topics: Iterable[str] = (),
) -> dict[str, Tally]:
    """Tallies per category and per source, plus ``all``.

    Args:
        messages: The held-out messages.
        predictions: The label acted on for each (None: not sure).
        new_topics: FAQ labels reported apart.
    """
    new = set(new_topics)
    tallies: dict[str, Tally] = {"all": Tally()}
    for message, predicted in zip(messages, predictions, strict=True):
        for key in ("all", category(message.label, new), f"writer {message.source}"):
            tallies.setdefault(key, Tally()).add(message, predicted)
    return tallies


def report(title: str, tallies: Mapping[str, Tally]) -> str:
    """A Markdown table: per group, right / not sure / confidently wrong."""
    lines = [
        f"### {title}",
        "",
        "| group | messages | right | not sure | confidently wrong |",
        "|---|---:|---:|---:|---:|",
    ]
    for key in ["all", *sorted(k for k in tallies if k != "all")]:
        t = tallies[key]
        lines.append(
            f"| {key} | {t.total} | {t.rate(t.right):.1%} | {t.rate(t.unsure):.1%} "
            f"| {t.rate(t.wrong):.1%} |"
        )
    return "\n".join(lines) + "\n"
