"""The benchmark's pure parts: statistics, target checks, report and plot from fixed figures."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from bench_load import ERROR_REPLY_PREFIX, scripts_for, summarize  # noqa: E402
from bench_messages import RETROWALK_PLAN, retrowalk_script, stock_script  # noqa: E402
from bench_model import (  # noqa: E402
    FULL_PLAN,
    QUICK_PLAN,
    SCALED,
    SINGLE,
    STOCK,
    ConfigResult,
    Figures,
    LatencyStats,
    LoadFigures,
    conversation_ratio,
    figures_from_json,
    figures_to_json,
    load_figures,
    percentile,
)
from bench_plot import write_plot  # noqa: E402
from bench_report import render_report  # noqa: E402
from bench_targets import check_targets, p95_explanation  # noqa: E402

from operations.loadgen import Turn  # noqa: E402


def step(
    users: int, rate: float, p95_ms: float, think: tuple[float, float] | None = None
) -> LoadFigures:
    """A load step answering ``rate`` msg/s over 10 s, with p95 ``p95_ms``."""
    messages = round(rate * 10)
    return LoadFigures(
        users=users,
        messages=messages,
        errors=0,
        empty=0,
        wall_s=10.0,
        mean_s=users / rate * 0.8 if think is None else p95_ms / 2000,
        p50_s=p95_ms / 2000,
        p95_s=p95_ms / 1000,
        p99_s=p95_ms * 1.3 / 1000,
        think_s=think,
    )


def fixed_figures() -> Figures:
    """A run where the scaled topology misses the p95 target and meets one throughput target."""
    stock = ConfigResult(
        key=STOCK,
        prepare_s=0.1,
        training_s=77.0,
        startup_s=39.4,
        startup_parts={"rasa": 39.4},
        rss_start_mib=1118.0,
        rss_end_mib=1126.0,
        memory_parts={"rasa": 1126.0},
        first_reply_s=0.491,
        single=LatencyStats(samples=[0.03, 0.04, 0.05], errors=0, empty=1),
        conversation=LatencyStats(samples=[0.05] * 30 + [0.44] * 30),
        load=[step(1, 25.0, 60), step(10, 24.0, 600), step(50, 21.0, 3000)],
        think=step(10, 6.0, 90, (1.0, 2.0)),
    )
    single = ConfigResult(
        key=SINGLE,
        training_s=282.4,
        startup_s=31.2,
        startup_parts={"actions": 1.2, "rasa": 30.0},
        rss_start_mib=1492.0,
        rss_end_mib=1510.0,
        memory_parts={"actions": 64.0, "rasa": 1446.0},
        conversation=LatencyStats(samples=[0.060] * 30 + [0.073] * 30),
        load=[step(1, 12.0, 110), step(10, 21.3, 786), step(50, 19.9, 3600)],
    )
    scaled = ConfigResult(
        key=SCALED,
        training_s=282.4,
        startup_s=30.0,
        startup_parts={"postgres": 0.9, "rasa": 25.0},
        load=[step(1, 11.0, 120), step(10, 37.7, 507), step(50, 30.3, 2800)],
        think=step(10, 6.5, 180, (1.0, 2.0)),
        rss_end_mib=3300.0,
        memory_parts={"rasa-1": 1555.0, "rasa-2": 1550.0, "nginx": 12.0},
    )
    plan = replace(FULL_PLAN, conversation_turns=60, window=30)
    return Figures(
        plan=plan,
        date="2026-11-27 10:10 UTC",
        duration_s=1080.0,
        machine={"CPUs (nproc)": "2", "CPU model": "test CPU"},
        load_average=((0.5, 0.6, 0.7), (1.5, 1.6, 1.7)),
        command=".venv/bin/python scripts/benchmark.py",
        results=[stock, single, scaled],
    )


def test_percentile_interpolates_like_numpy() -> None:
    values = [4.0, 1.0, 3.0, 2.0, 5.0]
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.95) == pytest.approx(4.8)
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 1.0) == 5.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) is None


def test_load_figures_count_errors_apart_from_answered_messages() -> None:
    figures = load_figures(10, [0.1, 0.2, 0.3, 0.4], errors=1, empty=2, wall_s=2.0)
    assert figures.messages == 5
    assert figures.throughput == pytest.approx(2.0)  # 4 answered messages in 2 s
    assert figures.mean_s == pytest.approx(0.25)
    assert figures.p50_s == pytest.approx(0.25)
    assert figures.p99_s == pytest.approx(0.397)


def test_summarize_counts_the_rest_error_reply_and_failed_requests_as_errors() -> None:
    def turn(index: int, status: int, text: str | None, latency: float) -> Turn:
        replies = [] if text is None else [{"recipient_id": "u", "text": text}]
        return Turn("u", index, "hi", status, replies, latency, 0.0)

    turns = [
        turn(0, 200, "Hello!", 0.1),
        turn(1, 200, f"{ERROR_REPLY_PREFIX} Please try again in a moment.", 0.05),
        turn(2, 500, None, 0.01),
        turn(3, 200, None, 0.3),
    ]
    figures = summarize(2, turns, wall_s=1.0)
    assert (figures.messages, figures.errors, figures.empty) == (4, 2, 1)
    assert figures.p50_s == pytest.approx(0.2)  # the answered messages only
    assert figures.throughput == pytest.approx(2.0)


def test_conversation_ratio_compares_the_last_window_with_the_first() -> None:
    stats = LatencyStats(samples=[0.1] * 10 + [0.9] * 5 + [0.2] * 10)
    assert conversation_ratio(stats, 10) == pytest.approx(2.0)
    assert conversation_ratio(stats, 13) is None  # too few turns for two windows
    assert conversation_ratio(None, 10) is None


def test_scripts_mix_greeting_faq_plan_form_and_walks_in_twenty_messages() -> None:
    orders = set()
    for user in range(6):
        script = retrowalk_script(user, 20)
        assert len(script) == 20 and script[0] == "hi"
        start = script.index(RETROWALK_PLAN[0])
        assert script[start : start + len(RETROWALK_PLAN)] == RETROWALK_PLAN  # form unbroken
        assert sum(text.startswith("I walked") for text in script) == 2
        assert "how am I doing?" in script
        orders.add(start)
    assert len(orders) == 3  # users are in different parts at the same time
    assert len(retrowalk_script(1, 45)) == 45
    assert stock_script(3, 20)[0] == "hi" and len(stock_script(3, 20)) == 20
    first, second = scripts_for(5, 4, stock_script, "t"), scripts_for(5, 4, stock_script, "t")
    assert len(first) == 5 and not set(first) & set(second)  # distinct senders every step


def test_targets_report_misses_and_passes_with_measured_numbers() -> None:
    checks = check_targets(fixed_figures())
    assert [check.met for check in checks] == [False, True, False, True]
    assert checks[0].measured == "507 ms"
    assert checks[1].measured == "37.7 / 24.0 msg/s = 1.57x"
    assert checks[2].measured == "30.3 / 21.0 msg/s = 1.44x"
    assert checks[3].measured == "1.22"


def test_targets_are_not_measured_when_the_scaled_topology_failed() -> None:
    figures = fixed_figures()
    figures.results[2] = ConfigResult(key=SCALED, error="nginx did not start")
    checks = check_targets(figures)
    assert [check.met for check in checks[:3]] == [None, None, None]
    assert "not measured" in render_report(figures, None)
    assert "### RetroWalk, scaled topology failed" in render_report(figures, None)
    assert "not measured at 10 users" in p95_explanation(figures)


def test_report_renders_every_section_from_fixed_figures() -> None:
    report = render_report(fixed_figures(), "images/benchmark.png")
    assert "| p95 latency at 10 concurrent users on the scaled topology <= 250 ms | 507 ms |" in (
        report
    )
    assert "**not met**" in report
    assert "![Throughput and p95 latency against concurrent users](images/benchmark.png)" in report
    # Closed-loop rows for each configuration, and the think-time rows labelled apart.
    assert "| RetroWalk, scaled topology | 10 (closed loop) | 377 | 37.7 |" in report
    assert "| 507 ms | 659 ms | 0 | 0 |" in report
    assert "| RetroWalk, scaled topology | 10, **1-2 s think time** | 65 | 6.5 |" in report
    assert "RETROWALK_RATE_PER_MINUTE=0" in report
    # Little's law with the run's numbers: 10 users / 37.7 msg/s = 265 ms mean latency.
    assert "10 / 37.7 msg/s = 265 ms" in report
    assert "at least 40 msg/s" in report
    assert "p95 180 ms" in report
    # Why the throughput target is missed: the scaled topology against both single processes
    # (10 users: 37.7 / 21.3 and 37.7 / 24.0), and the target in msg/s (1.5 x 24.0).
    assert "### Why the throughput target is missed" in report
    assert "1.77x RetroWalk's single process (21.3 msg/s)" in report
    assert "1.57x the stock bot's single process (24.0 msg/s)" in report
    assert "the target, 1.5x the stock bot, is 36.0 msg/s" in report
    assert "One user alone: a RetroWalk message takes p50 55 ms, a stock one 30 ms." in report
    # Training, start-up and memory per configuration; parts listed where there are several.
    assert "| Training from scratch (`rasa train --force`) | 77.0 s | 282.4 s | 282.4 s |" in report
    assert "rasa-1 1,555, rasa-2 1,550, nginx 12 MiB" in report
    # The sequential measurements of the two single-process configurations.
    assert "| 60-turn conversation: p50 of turns 31-60 | 440 ms | 73 ms |" in report
    assert "1 user: 1 x 20 messages x 3 rounds = 60" in report
    assert "Run time: 18.0 min" in report


def test_quick_report_says_its_figures_are_not_comparable() -> None:
    figures = replace(fixed_figures(), plan=QUICK_PLAN)
    assert "figures not comparable" in render_report(figures, None)
    assert "![" not in render_report(figures, None)


def test_figures_round_trip_through_json() -> None:
    figures = fixed_figures()
    again = figures_from_json(figures_to_json(figures))
    assert again == figures
    assert render_report(again, "x.png") == render_report(figures, "x.png")


def test_plot_is_a_png_with_the_three_configurations(tmp_path: Path) -> None:
    path = tmp_path / "images" / "benchmark.png"
    assert write_plot(fixed_figures(), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    nothing = replace(fixed_figures(), results=[ConfigResult(key=STOCK, error="failed")])
    assert not write_plot(nothing, tmp_path / "none.png")
    assert not (tmp_path / "none.png").exists()


def test_throughput_heading_says_met_when_both_user_counts_reach_the_target() -> None:
    figures = fixed_figures()
    figures.results[0].load = [step(1, 10.0, 60), step(10, 20.0, 600), step(50, 15.0, 3000)]
    assert [check.met for check in check_targets(figures)[1:3]] == [True, True]
    assert "### Why the throughput target is met" in render_report(figures, None)
