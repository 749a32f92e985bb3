"""Train the safety classifier (``bot/content/safety_classifier.npz``).

Usage::

    python scripts/train_safety_classifier.py           # cross-validate, train, write
    python scripts/train_safety_classifier.py --check   # exit 1 if the weights are stale

Training data: the safety development set (``tests/data/safety_dev/``, each message with
its category and, for acute ones, its kind) and the NLU training data (``data/nlu/``:
``red_flag`` examples are ``acute``, every other intent's examples ``other``). Never the
held-out test set (``tests/data/safety_test/``).

The decision thresholds (one for emergency kinds, one for urgent ones) are chosen by
leave-one-writer-out cross-validation on the development set: each writer's messages are
read by models trained without them, combined with the lexicon exactly as
:func:`bot.safety.assessment.assess` does. The pair with the highest recall whose
false-alarm rate on questions, history, negation, mild effects and condition answers stays
within ``--max-false-alarms`` (3%), and on ordinary messages (the NLU development sets and
the development conversations' user turns) within ``--max-ordinary-false-alarms`` (0.3%:
a conversation of six or seven messages then meets a false stop about once in 50), wins
(ties: the higher thresholds). The figures go to ``artifacts/safety-classifier/cv.md``.
Deterministic: the same data gives the same weights.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlp.embedding import default_embedder  # noqa: E402
from bot.nlp.linear_model import LinearModel  # noqa: E402
from bot.safety.assessment import MESSAGE_CONTEXTS, assess_rules, with_reading  # noqa: E402
from bot.safety.classifier import (  # noqa: E402
    WEIGHTS_PATH,
    ClassifierWeights,
    Reading,
)

DEV = ROOT / "tests" / "data" / "safety_dev"
NLU = ROOT / "data" / "nlu"
NLU_DEV = ROOT / "tests" / "data" / "nlu_dev"  # ordinary messages, never trained on
# The later NLU development sets (helper writers' questions and requests, "items" with a
# label) and the development conversations' user turns: more ordinary messages, never
# trained on.
DATA = ROOT / "tests" / "data"
REPORT = ROOT / "artifacts" / "safety-classifier" / "cv.md"
CALM = ("question", "history", "negated", "mild", "condition")
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.2, 0.91, 0.05))
C = 4.0  # inverse regularisation strength of both models
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Example:
    """One training message."""

    text: str
    category: str
    kind: str | None
    context: str
    group: str  # the dev writer, or "nlu"


def dev_examples(folder: Path = DEV) -> list[Example]:
    """The development set's messages."""
    examples = []
    for path in sorted(folder.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            examples.append(
                Example(
                    text=str(item["text"]),
                    category=str(item["category"]),
                    kind=item.get("kind"),
                    context=str(item.get("context", "chat")),
                    group=path.stem,
                )
            )
    return examples


def nlu_examples(folder: Path = NLU, group: str = "nlu") -> list[Example]:
    """NLU examples: ``red_flag`` as acute, the rest as other."""
    examples = []
    for path in sorted(folder.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" not in block:
                continue
            category = "acute" if block["intent"] == "red_flag" else "other"
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = _ANNOTATION.sub(lambda m: m.group(1), line[2:].strip())
                    examples.append(Example(text, category, None, "chat", group))
    return examples


def question_set_examples(data: Path = DATA) -> list[Example]:
    """The messages of the later NLU development sets (``tests/data/nlu_dev2``...) and the
    user turns of the development conversations (``tests/data/conversations_dev*``: plan
    answers such as "down by the river", walk logs, soreness), none of them an emergency."""
    examples = []
    for folder in sorted(data.glob("nlu_dev[0-9]*")):
        for path in sorted(folder.glob("*.yml")):
            for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("items") or []:
                category = "acute" if item.get("label") == "red_flag" else "other"
                examples.append(Example(str(item["text"]), category, None, "chat", folder.name))
    for folder in sorted(data.glob("conversations_dev*")):
        for path in sorted(folder.glob("*.yml")):
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            for conversation in document.get("conversations") or []:
                for turn in conversation["turns"]:
                    text = str(turn["user"])
                    examples.append(Example(text, "other", None, "chat", folder.name))
    return examples


def check_fresh(output: Path, trained_on: str | None, data_hash: str, script: str) -> int:
    """``--check``: 0 when the weights in ``output`` were trained on today's data, else 1."""
    if trained_on != data_hash:
        print(f"{output} is stale: retrain with {script}")
        return 1
    print(f"{output} is up to date")
    return 0


def fingerprint(examples: Sequence[Example]) -> str:
    """sha256 of the training data as the script reads it."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(json.dumps([example.text, example.category, example.kind]).encode())
    digest.update(json.dumps({"C": C, "thresholds": THRESHOLDS}).encode())
    return digest.hexdigest()


def fit(x: np.ndarray, labels: Sequence[str]) -> LinearModel:
    """A balanced, L2-regularised logistic regression, as a :class:`LinearModel`."""
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    model.fit(x, list(labels))
    return LinearModel(tuple(str(c) for c in model.classes_), model.coef_, model.intercept_)


def train(x: np.ndarray, examples: Sequence[Example]) -> tuple[LinearModel, LinearModel]:
    """The category model (all examples) and the kind model (acute dev examples)."""
    category = fit(x, [e.category for e in examples])
    with_kind = [i for i, e in enumerate(examples) if e.kind]
    kind = fit(x[with_kind], [str(examples[i].kind) for i in with_kind])
    return category, kind


def readings(x: np.ndarray, category: LinearModel, kind: LinearModel) -> list[Reading]:
    """The classifier's readings of rows ``x``."""
    acute = category.labels.index("acute")
    cats = category.probabilities(x)
    kinds = kind.probabilities(x)
    return [
        Reading(
            acute=float(c[acute]),
            category=category.labels[int(c.argmax())],
            kind=kind.labels[int(k.argmax())],
            kind_probability=float(k.max()),
        )
        for c, k in zip(cats, kinds, strict=True)
    ]


Pair = tuple[float, float]  # (emergency threshold, urgent threshold)


def cross_validate(
    x: np.ndarray,
    examples: Sequence[Example],
    ordinary_x: np.ndarray,
    ordinary: Sequence[Example],
) -> dict[Pair, dict[str, float]]:
    """Leave-one-writer-out figures of the combined decision, per pair of thresholds, and
    the false alarms on ``ordinary`` messages (the NLU development sets and conversations:
    greetings, plan answers, walk feedback, questions) read by models trained on everything
    else.

    The pair ``(2.0, 2.0)`` is the lexicon alone (no probability reaches 2).
    """
    writers = sorted({e.group for e in examples if e.group != "nlu"})
    held: list[tuple[Example, Reading]] = []
    for writer in writers:
        train_rows = [i for i, e in enumerate(examples) if e.group != writer]
        test_rows = [i for i, e in enumerate(examples) if e.group == writer]
        category, kind = train(x[train_rows], [examples[i] for i in train_rows])
        chosen = [examples[i] for i in test_rows]
        held += zip(chosen, readings(x[test_rows], category, kind), strict=True)
    held = [(e, r) for e, r in held if e.category == "acute" or e.category in CALM]
    category, kind = train(x, examples)
    everyday = [
        (e, r)
        for e, r in zip(ordinary, readings(ordinary_x, category, kind), strict=True)
        if e.category != "acute"
    ]
    everyday_rules = [assess_rules(e.text) for e, _ in everyday]
    rules = [assess_rules(e.text, _context(e)) for e, _ in held]
    figures: dict[Pair, dict[str, float]] = {}
    for pair in [(2.0, 2.0), *((a, b) for a in THRESHOLDS for b in THRESHOLDS)]:
        thresholds = {"emergency": pair[0], "urgent": pair[1]}
        acute = stopped = calm = alarms = kind_right = 0
        for (example, reading), rule in zip(held, rules, strict=True):
            decision = with_reading(rule, example.text, reading, thresholds)
            if example.category == "acute":
                acute += 1
                stopped += decision.acute is not None
                kind_right += decision.acute is not None and decision.acute.kind == example.kind
            else:
                calm += 1
                alarms += decision.acute is not None
        everyday_alarms = sum(
            with_reading(rule, e.text, r, thresholds).acute is not None
            for (e, r), rule in zip(everyday, everyday_rules, strict=True)
        )
        figures[pair] = {
            "recall": stopped / acute,
            "false_alarms": alarms / calm,
            "ordinary_false_alarms": everyday_alarms / len(everyday),
            "kind_agreement": kind_right / max(1, stopped),
        }
    return figures


def _context(example: Example) -> str:
    return example.context if example.context in MESSAGE_CONTEXTS else "chat"


def choose(
    figures: dict[Pair, dict[str, float]], max_false_alarms: float, max_ordinary: float
) -> Pair:
    """The pair with the highest recall within both false-alarm limits; among equals, the
    fewest false alarms, then the higher thresholds."""
    fitting = [
        p
        for p in figures
        if p[0] <= 1
        and figures[p]["false_alarms"] <= max_false_alarms
        and figures[p]["ordinary_false_alarms"] <= max_ordinary
    ]
    if not fitting:
        return (max(THRESHOLDS), max(THRESHOLDS))
    return max(
        fitting,
        key=lambda p: (
            figures[p]["recall"],
            -(figures[p]["false_alarms"] + figures[p]["ordinary_false_alarms"]),
            p[0] + p[1],
        ),
    )


def report(figures: dict[Pair, dict[str, float]], chosen: Pair, count: int) -> str:
    """The cross-validation figures in Markdown: the lexicon alone, equal thresholds, and
    the chosen pair."""
    lines = [
        "# Safety classifier: leave-one-writer-out cross-validation on the dev set",
        "",
        f"{count} training messages. Each dev writer's messages read by models trained "
        "without them, combined with the lexicon as `assess` does.",
        "",
        "| thresholds (emergency, urgent) | acute recall | false alarms (question, history, "
        "negated, mild, condition) | false alarms (ordinary messages: NLU dev sets, dev "
        "conversations) "
        "| kind agreement |",
        "|---|---:|---:|---:|---:|",
    ]
    shown = [(2.0, 2.0), *((t, t) for t in THRESHOLDS)]
    if chosen not in shown:
        shown.append(chosen)
    for pair in shown:
        f = figures[pair]
        name = "lexicon alone" if pair == (2.0, 2.0) else f"{pair[0]:g}, {pair[1]:g}"
        mark = " (chosen)" if pair == chosen else ""
        lines.append(
            f"| {name}{mark} | {f['recall']:.1%} | {f['false_alarms']:.1%} "
            f"| {f['ordinary_false_alarms']:.1%} | {f['kind_agreement']:.1%} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Cross-validate, train on everything, write the weights and the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the weights are stale")
    parser.add_argument("--max-false-alarms", type=float, default=0.03)
    parser.add_argument("--max-ordinary-false-alarms", type=float, default=0.003)
    parser.add_argument("--output", type=Path, default=WEIGHTS_PATH)
    args = parser.parse_args(argv)

    examples = dev_examples() + nlu_examples()
    # the ordinary messages choose the thresholds, so they count as data too
    ordinary = nlu_examples(NLU_DEV, "nlu_dev") + question_set_examples()
    data_hash = fingerprint([*examples, *ordinary])
    if args.check:
        current = ClassifierWeights.load(args.output).meta.get("data_sha256")
        return check_fresh(args.output, current, data_hash, Path(__file__).name)
    embedder = default_embedder()
    x = embedder.embed([e.text for e in examples])
    figures = cross_validate(x, examples, embedder.embed([e.text for e in ordinary]), ordinary)
    chosen = choose(figures, args.max_false_alarms, args.max_ordinary_false_alarms)
    category, kind = train(x, examples)
    meta = {
        "data_sha256": data_hash,
        "examples": len(examples),
        "dev_examples": sum(e.group != "nlu" for e in examples),
        "C": C,
        "max_false_alarms": args.max_false_alarms,
        "max_ordinary_false_alarms": args.max_ordinary_false_alarms,
        "cv_chosen": figures[chosen],
        "cv_lexicon_alone": figures[(2.0, 2.0)],
    }
    thresholds = {"emergency": chosen[0], "urgent": chosen[1]}
    ClassifierWeights(category, kind, thresholds, meta).save(args.output)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report(figures, chosen, len(examples)), encoding="utf-8")
    print(report(figures, chosen, len(examples)))
    print(f"wrote {args.output} (thresholds {thresholds})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
