"""The benchmark's plot: throughput and p95 latency against concurrent users."""

from __future__ import annotations

from pathlib import Path

from bench_model import STOCK, Figures
from bench_targets import P95_TARGET_S, THROUGHPUT_RATIO_TARGET

STYLES = {"stock": ("tab:gray", "s"), "single": ("tab:blue", "o"), "scaled": ("tab:orange", "^")}


def write_plot(figures: Figures, path: Path) -> bool:
    """Draw throughput and p95 against closed-loop users for every configuration.

    Args:
        figures: The run's figures.
        path: The PNG to write (its folder is created).

    Returns:
        Whether a plot was written (False when no configuration has load figures).
    """
    measured = [result for result in figures.results if result.load]
    if not measured:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    users = sorted({step.users for result in measured for step in result.load})
    for result in measured:
        colour, marker = STYLES.get(result.key, ("black", "x"))
        xs = [step.users for step in result.load]
        label = result.name.replace("`", "")
        left.plot(xs, [s.throughput for s in result.load], marker=marker, color=colour,
                  label=label)  # fmt: skip
        p95 = [(s.p95_s or 0) * 1000 for s in result.load]
        right.plot(xs, p95, marker=marker, color=colour, label=label)
    stock = figures.result(STOCK)
    if stock is not None and stock.load:
        left.plot([s.users for s in stock.load],
                  [s.throughput * THROUGHPUT_RATIO_TARGET for s in stock.load],
                  linestyle="--", color="tab:gray", linewidth=1,
                  label=f"target: {THROUGHPUT_RATIO_TARGET}x stock")  # fmt: skip
    right.axhline(P95_TARGET_S * 1000, linestyle="--", color="tab:red", linewidth=1,
                  label=f"target at 10 users: {P95_TARGET_S * 1000:.0f} ms")  # fmt: skip
    left.set_ylim(bottom=0)
    right.set_yscale("log")
    for axis, title, unit in (
        (left, "Throughput (higher is better)", "messages / s"),
        (right, "p95 latency (lower is better)", "ms (log scale)"),
    ):
        axis.set_xscale("log")
        axis.set_xticks(users)
        axis.set_xticklabels([str(u) for u in users])
        axis.set_xlabel("concurrent users (closed loop, no think time)")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    cores = figures.machine.get("CPUs (nproc)", "?")
    note = " (quick run: not comparable)" if figures.plan.quick else ""
    figure.suptitle(f"RetroWalk Coach vs stock rasa init, {cores} cores, {figures.date}{note}")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True
