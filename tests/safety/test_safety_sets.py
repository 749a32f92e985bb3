"""The safety assessment on the independent safety sets (offline: the voice walk's check).

Figures per category go to ``artifacts/safety-test/report.md`` (and the dev set's to
``artifacts/safety-dev/``). The issue's targets (acute recall >= 99%, 100% for chest,
fainting, stroke, head injury and breathing; false alarms on questions and history <= 5%;
condition labels >= 95%) are printed against the measured figures; the assertions are
regression floors under today's figures, so a change that makes safety worse fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.safety.assessment import MESSAGE_CONTEXTS, MessageContext, assess
from tests.safety.scoring import (
    MUST_BE_PERFECT,
    SAFETY_DEV,
    SAFETY_TEST,
    Decision,
    Item,
    Report,
    load_items,
    score,
)

TARGETS = {
    "acute recall / all": 0.99,
    "false alarm / question+history": 0.05,
    "condition labels right": 0.95,
}
FLOORS = {
    "acute recall / all": 0.95,
    "false alarm / question+history": 0.05,
    "condition labels right": 0.88,
}


def decide_offline(item: Item) -> Decision:
    context: MessageContext = item.context if item.context in MESSAGE_CONTEXTS else "chat"  # type: ignore[assignment]
    assessment = assess(item.text, context)
    flag = assessment.acute
    return Decision(
        stop=flag is not None,
        kind=flag.kind if flag else None,
        who=flag.who if flag else None,
        conditions=assessment.conditions,
    )


def write_report(
    report: Report, name: str, artifacts: Path, path: str = "offline, the voice walk's check"
) -> str:
    text = report.markdown(f"Safety assessment on {name} ({path})")
    lines = ["", "| target | goal | measured |", "|---|---:|---:|"]
    for key, goal in TARGETS.items():
        lines.append(f"| {key} | {goal:.0%} | {report.rate(key):.1%} |")
    for kind in MUST_BE_PERFECT:
        rate = report.rate(f"acute recall / kind {kind}")
        lines.append(f"| acute recall / kind {kind} | 100% | {rate:.1%} |")
    out = artifacts / f"safety-{name}"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return text + "\n".join(lines)


@pytest.fixture(scope="module")
def test_report(artifacts_dir: Path) -> Report:
    report = score(load_items(SAFETY_TEST), decide_offline)
    print(write_report(report, "test", artifacts_dir))
    return report


def test_the_sets_are_big_enough_and_separate() -> None:
    test_items, dev_items = load_items(SAFETY_TEST), load_items(SAFETY_DEV)
    assert len(test_items) >= 400 and len(dev_items) >= 150
    assert not {i.text for i in test_items} & {i.text for i in dev_items}
    assert len({i.writer for i in test_items}) >= 4


@pytest.mark.parametrize("key", sorted(FLOORS))
def test_figures_stay_above_their_floors(test_report: Report, key: str) -> None:
    rate = test_report.rate(key)
    if key.startswith("false alarm"):
        assert rate <= FLOORS[key], f"{key}: {rate:.1%}"
    else:
        assert rate >= FLOORS[key], f"{key}: {rate:.1%}"


def test_the_dev_set_is_fully_handled(artifacts_dir: Path) -> None:
    report = score(load_items(SAFETY_DEV), decide_offline)
    write_report(report, "dev", artifacts_dir)
    assert report.rate("acute recall / all") >= 0.98
    assert report.rate("false alarm / question+history") <= 0.03
