"""Benchmark RetroWalk Coach against a stock ``rasa init`` bot and write a Markdown report.

Usage::

    .venv/bin/python scripts/benchmark.py [--quick] [--reuse-model] [--out docs/benchmarks.md]
                                          [--keep] [--render FIGURES.json]

One run measures, one after the other (never two at once), on private ports with temporary
databases, models and training caches:

1. the stock ``rasa init`` bot, one ``rasa run`` process (SQLite);
2. RetroWalk single process, as ``retrowalk run`` starts it (action server + Rasa, SQLite);
3. RetroWalk on the scaled topology (PostgreSQL, Redis lock store, 2 Rasa instances and
   2 action servers behind nginx: :class:`operations.topology.Topology`).

For each: training from scratch, start-up, memory, latency p50/p95/p99 and throughput with
1, 10 and 50 concurrent closed-loop users, and 10 users with 1-2 s of think time; for the
single-process configurations also single turns and a long conversation. The report
(``--out``) gets a plot in ``images/benchmark.png`` next to it; the figures are also saved as
JSON in ``artifacts/benchmark/figures.json`` (``--render`` re-renders a report from such a
file without measuring).

``--quick`` sends few messages (a smoke test; its figures are not comparable);
``--reuse-model`` serves the project's current RetroWalk model instead of training (for
development; the training time is then not measured). Every server started here is stopped
on exit, on error and on Ctrl-C. If a configuration fails, the others are still measured,
the failure is reported, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from types import FrameType

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench_configs import bench_scaled, bench_single, bench_stock, train_retrowalk  # noqa: E402
from bench_model import (  # noqa: E402
    FULL_PLAN,
    QUICK_PLAN,
    SCALED,
    SINGLE,
    ConfigResult,
    Figures,
    Plan,
    figures_from_json,
    figures_to_json,
)
from bench_plot import write_plot  # noqa: E402
from bench_report import render_report  # noqa: E402
from bench_servers import BenchmarkError  # noqa: E402
from bench_targets import check_targets  # noqa: E402

from operations.quiet import QUIET_ENV  # noqa: E402

FIGURES_PATH = PROJECT_ROOT / "artifacts" / "benchmark" / "figures.json"
PLOT_NAME = Path("images") / "benchmark.png"


def machine_description() -> dict[str, str]:
    """CPU count and model, RAM, OS, Python and package versions."""
    cpu_model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    versions = []
    for package in ("rasa", "rasa-sdk", "tensorflow", "spacy", "aiohttp"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package} {metadata.version(package)}")
    return {
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU model": cpu_model,
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Packages": ", ".join(versions),
    }


def _raise_interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def work_directory(keep: bool) -> Iterator[Path]:
    """A private temporary directory with its own Rasa training cache; removed unless ``keep``."""
    path = Path(tempfile.mkdtemp(prefix="retrowalk-bench-"))
    previous = os.environ.get("RASA_CACHE_DIRECTORY")
    os.environ["RASA_CACHE_DIRECTORY"] = str(path / "rasa-cache")
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop("RASA_CACHE_DIRECTORY", None)
        else:
            os.environ["RASA_CACHE_DIRECTORY"] = previous
        if keep:
            print(f"Kept the work directory {path}", flush=True)
        else:
            shutil.rmtree(path, ignore_errors=True)


def run_configurations(plan: Plan, keep: bool, reuse_model: bool) -> list[ConfigResult]:
    """Measure the three configurations one after the other in a private work directory."""
    with work_directory(keep) as work:
        results = [bench_stock(work, plan)]
        try:
            model, prepare_s, training_s = train_retrowalk(work, reuse_model)
        except BenchmarkError as error:
            print(f"error: RetroWalk: {error}", file=sys.stderr, flush=True)
            return [*results, *(ConfigResult(key, error=str(error)) for key in (SINGLE, SCALED))]
        for bench in (bench_single, bench_scaled):
            result = bench(work, plan, model)
            result.prepare_s, result.training_s = prepare_s, training_s
            results.append(result)
        return results


def write_outputs(figures: Figures, out: Path) -> None:
    """Write the plot next to the report, then the report."""
    plot = out.parent / PLOT_NAME
    has_plot = write_plot(figures, plot)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(figures, PLOT_NAME.as_posix() if has_plot else None))
    print(f"Report written to {out}" + (f", plot to {plot}" if has_plot else ""))


def print_summary(figures: Figures) -> None:
    """One line per load step and per target."""
    print()
    for result in figures.results:
        for step in [*result.load, *([result.think] if result.think else [])]:
            think = " (think time)" if step.think_s else ""
            print(
                f"{result.name:36s} {step.users:3d} users{think:13s} {step.throughput:6.1f} msg/s"
                f"  p50 {(step.p50_s or 0) * 1000:6.0f}  p95 {(step.p95_s or 0) * 1000:6.0f}"
                f"  p99 {(step.p99_s or 0) * 1000:6.0f} ms  errors {step.errors}"
            )
    for check in check_targets(figures):
        print(f"target: {check.target}: {check.measured} -> {check.verdict.strip('*')}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few messages (smoke test)")
    parser.add_argument(
        "--out", type=Path, default=Path("docs/benchmarks.md"), help="Markdown report path"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (logs, transcripts)"
    )
    parser.add_argument(
        "--reuse-model", action="store_true", help="serve the current model instead of training"
    )
    parser.add_argument("--render", type=Path, help="only render the report from a figures file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or only render), print the figures and write the report.

    Returns:
        0 if every configuration was measured, 1 if one failed, 130 on interruption.
    """
    args = parse_args(argv)
    out = args.out if args.out.is_absolute() else PROJECT_ROOT / args.out
    if args.render:
        figures = figures_from_json(args.render.read_text())
        write_outputs(figures, out)
        return 0
    plan = QUICK_PLAN if args.quick else FULL_PLAN
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    machine = machine_description()
    load_start = os.getloadavg()
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    began = time.monotonic()
    try:
        results = run_configurations(plan, args.keep, args.reuse_model)
    except KeyboardInterrupt:
        print("\nInterrupted; all servers stopped.", file=sys.stderr)
        return 130
    options = [
        opt for opt, on in (("--quick", plan.quick), ("--reuse-model", args.reuse_model)) if on
    ]
    if args.out != Path("docs/benchmarks.md"):
        options += ["--out", str(args.out)]
    figures = Figures(
        plan=plan,
        date=date,
        duration_s=time.monotonic() - began,
        machine=machine,
        load_average=(load_start, os.getloadavg()),
        command=" ".join([".venv/bin/python scripts/benchmark.py", *options]),
        results=results,
    )
    FIGURES_PATH.parent.mkdir(parents=True, exist_ok=True)
    FIGURES_PATH.write_text(figures_to_json(figures))
    write_outputs(figures, out)
    print_summary(figures)
    print(f"Figures saved to {FIGURES_PATH}")
    return 1 if any(result.error for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
