"""Calibrate the meaning stage on the development sets: accuracy against coverage.

    .venv/bin/python scripts/calibrate_meaning.py

Loads the trained model (``models/``), reads the intent classifier's and the response
selector's output for every message of ``tests/data/nlu_dev/``, ``nlu_dev2/`` and ``nlu_dev3/``
(never the test sets), fits the meaning stage's label model on ``data/nlu/`` as training
does, and tries every mix of ``classifier_weight``, ``threshold`` and ``margin``. The chosen
options give the most right answers with at most ``MAX_WRONG`` confidently wrong ones; put
them in ``config.yml``. The table goes to ``artifacts/meaning/calibration.md``.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlp import meaning  # noqa: E402
from bot.nlp.embedding import default_embedder  # noqa: E402
from bot.nlp.evaluation import LabelledMessage, load_messages  # noqa: E402

DEV_SETS = tuple(ROOT / "tests" / "data" / name for name in ("nlu_dev", "nlu_dev2", "nlu_dev3"))
REPORT = ROOT / "artifacts" / "meaning" / "calibration.md"
MAX_WRONG = 0.01
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 1.0)  # 1.0: the classifier alone
THRESHOLDS = tuple(round(0.15 + 0.05 * i, 2) for i in range(13))
MARGINS = (0.0, 0.05, 0.1, 0.15, 0.2)


def classifier_readings(texts: list[str]) -> list[tuple[list[tuple[str, float]], list]]:
    """(intent ranking, FAQ answer ranking) from the trained model, before the meaning stage."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.settings import Settings
    from operations import training

    agent = Agent.load(str(training.ensure_model(ROOT, Settings().models_dir)))
    assert agent.processor is not None
    nodes = agent.processor.model_metadata.predict_schema.nodes
    target = next(name for name in nodes if "RetrievalIntentResponseSelector" in name)
    readings = []
    for text in texts:
        out = agent.processor.graph_runner.run(
            inputs={
                "__message__": [UserMessage(text)],
                "__tracker__": DialogueStateTracker("calibration", []),
            },
            targets=[target],
        )
        message = out[target][0]
        intents = [
            (str(i["name"]), float(i["confidence"])) for i in message.get("intent_ranking") or []
        ]
        selector = (message.get("response_selector") or {}).get("faq") or {}
        answers = [
            (str(i["intent_response_key"]), float(i["confidence"]))
            for i in selector.get("ranking") or []
        ]
        readings.append((intents, answers))
    return readings


def meaning_model(c: float) -> meaning.MeaningModel:
    """The label model as the meaning stage trains it."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples = [
        (str(m.get("text")), str(m.get("intent_response_key") or m.get("intent")))
        for m in load_data(str(ROOT / "data" / "nlu")).intent_examples
        if m.get("text") and m.get("intent")
    ]
    x = default_embedder().embed([text for text, _ in examples])
    return meaning.fit(x, [label for _, label in examples], c)


def evaluate(
    messages: list[LabelledMessage],
    classifier: list[dict[str, float]],
    by_meaning: list[dict[str, float]],
    weight: float,
    threshold: float,
    margin: float,
) -> tuple[float, float, float]:
    right = unsure = wrong = 0
    for message, reading, probabilities in zip(messages, classifier, by_meaning, strict=True):
        decision = meaning.decide(
            meaning.combine(reading, probabilities, weight), threshold, margin
        )
        if decision.label is None:
            unsure += 1
        elif decision.label == message.label:
            right += 1
        else:
            wrong += 1
    n = len(messages)
    return right / n, unsure / n, wrong / n


def main() -> int:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    stage = next(c for c in config["pipeline"] if c["name"].endswith("MeaningStage"))
    messages = [m for folder in DEV_SETS for m in load_messages(folder)]
    model = meaning_model(float(stage["c"]))
    x = default_embedder().embed([m.text for m in messages])
    probabilities = model.probabilities(x)
    by_meaning = [dict(zip(model.labels, map(float, row), strict=True)) for row in probabilities]
    classifier = [
        meaning.classifier_distribution(intents, answers, p)
        for (intents, answers), p in zip(
            classifier_readings([m.text for m in messages]), by_meaning, strict=True
        )
    ]
    rows = []
    for weight, threshold, margin in itertools.product(WEIGHTS, THRESHOLDS, MARGINS):
        right, unsure, wrong = evaluate(messages, classifier, by_meaning, weight, threshold, margin)
        rows.append((weight, threshold, margin, right, unsure, wrong))
    allowed = [row for row in rows if row[5] <= MAX_WRONG]
    chosen = max(allowed or rows, key=lambda row: (row[3], -row[5]))
    lines = [
        "# Meaning stage calibration (development sets only)",
        "",
        f"{len(messages)} messages from {', '.join(str(p.relative_to(ROOT)) for p in DEV_SETS)}; "
        f"label model C={stage['c']}. Chosen: the most right answers with at most "
        f"{MAX_WRONG:.0%} confidently wrong.",
        "",
        "| classifier_weight | threshold | margin | right | not sure | confidently wrong |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    best_per_weight = {}
    for row in allowed:
        if row[0] not in best_per_weight or row[3] > best_per_weight[row[0]][3]:
            best_per_weight[row[0]] = row
    # The classifier alone with the old FallbackClassifier's settings, for comparison.
    before = evaluate(messages, classifier, by_meaning, 1.0, 0.55, 0.08)
    lines.append(
        f"| 1.0 (classifier alone, before) | 0.55 | 0.08 | {before[0]:.1%} | {before[1]:.1%} "
        f"| {before[2]:.1%} |"
    )
    for row in sorted(best_per_weight.values()):
        mark = " (chosen)" if row == chosen else ""
        lines.append(
            f"| {row[0]}{mark} | {row[1]} | {row[2]} | {row[3]:.1%} | {row[4]:.1%} | {row[5]:.1%} |"
        )
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(
        f"\nconfig.yml: classifier_weight: {chosen[0]}, threshold: {chosen[1]}, margin: {chosen[2]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
