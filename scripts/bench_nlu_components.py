"""Where a message's NLU time goes: each pipeline component's time per message, one process.

Usage::

    .venv/bin/python scripts/bench_nlu_components.py [--model models/X.tar.gz] [--rounds 3]

Loads the trained model (the newest in ``models/`` unless ``--model`` is given), times every
NLU component's ``process`` while the model parses the development questions (each text once
per round, so the sentence-embedding cache never answers), and prints the median time per
message of each component and of the whole parse. The baseline is the same run: the
meaning stage's share (its own decision plus the sentence embedding it shares with the safety
classifier) is printed against the rest of the parse, which is the pipeline as it was before
the meaning stage existed (spaCy, entities, DIET, the response selector, the safety override).
End-to-end message time (REST, dialogue, actions, database) comes from ``make bench``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlp.evaluation import load_messages  # noqa: E402

DEV_SETS = ("nlu_dev", "nlu_dev2", "nlu_dev3")


def dev_texts() -> list[str]:
    """Every distinct development-set question (never the held-out test sets)."""
    texts = [m.text for name in DEV_SETS for m in load_messages(ROOT / "tests" / "data" / name)]
    return list(dict.fromkeys(texts))


@contextmanager
def timed_components(agent: Any, times: dict[str, list[float]]) -> Iterator[None]:
    """Time each NLU graph node's function and the sentence embedding into ``times``.

    A graph node keeps the function it calls (``GraphNode._fn``, read when the model was
    loaded), so the timer wraps that, labelled with the node's component class.
    """
    from bot.nlp import embedding

    def timer(original: Callable[..., Any], label: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                times[label].append(time.perf_counter() - start)

        return timed

    nodes = agent.processor.graph_runner._instantiated_nodes
    restore: list[tuple[Any, Callable[..., Any]]] = []
    for name, node in nodes.items():
        if not name.startswith("run_") or node._fn.__name__ != "process":
            continue  # converters, providers and dialogue policies are not NLU components
        restore.append((node, node._fn))
        node._fn = timer(node._fn, name.removeprefix("run_").rsplit(".", 1)[-1])
    original_embed = embedding.SentenceEmbedder.embed
    embedding.SentenceEmbedder.embed = timer(  # type: ignore[method-assign]
        original_embed, "  (sentence embedding, inside the meaning stage)"
    )
    try:
        yield
    finally:
        embedding.SentenceEmbedder.embed = original_embed  # type: ignore[method-assign]
        for node, original in restore:
            node._fn = original


async def _parse_all(agent: Any, texts: list[str], parse_times: list[float]) -> None:
    for text in texts:
        start = time.perf_counter()
        await agent.parse_message(text)
        parse_times.append(time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    """Print per-component NLU time per message."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model archive (default: newest in models/)")
    parser.add_argument("--rounds", type=int, default=3, help="times through the questions")
    args = parser.parse_args(argv)
    model = args.model or max((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    texts = dev_texts()
    asyncio.run(_parse_all(agent, texts[:20], []))  # warm up (graph, TensorFlow, ONNX)
    rounds: list[dict[str, float]] = []
    for index in range(args.rounds):
        times: dict[str, list[float]] = defaultdict(list)
        parse_times: list[float] = []
        suffix = " " * (index + 1)  # a new text each round: no embedding cache hits
        with timed_components(agent, times):
            asyncio.run(_parse_all(agent, [text + suffix for text in texts], parse_times))
        per_message = {label: sum(values) / len(texts) for label, values in times.items()}
        per_message["whole parse"] = sum(parse_times) / len(texts)
        rounds.append(per_message)
    labels = sorted(rounds[0], key=lambda label: -rounds[0][label])
    print(f"model: {model.name}; {len(texts)} development questions x {args.rounds} rounds")
    print("mean ms per message (median over rounds):")
    median = {label: statistics.median(r[label] for r in rounds) * 1000 for label in labels}
    for label in labels:
        print(f"  {median[label]:7.2f}  {label}")
    meaning = sum(v for k, v in median.items() if k.startswith("MeaningStage"))
    whole = median["whole parse"]
    print(
        f"meaning stage (decision and embedding): {meaning:.2f} ms of {whole:.2f} ms; "
        f"the rest of the parse (baseline, same run): {whole - meaning:.2f} ms; "
        f"the meaning stage adds {meaning / (whole - meaning) * 100:.0f}% to NLU time"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
