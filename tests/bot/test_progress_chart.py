"""The progress chart PNG (Pillow), decoded and checked pixel by pixel."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pytest
from PIL import Image

from bot.profile.model import WalkLog
from bot.progress_chart import (
    CHART_SIZE_PX,
    LINE_BLUE,
    MAX_DATE_LABELS,
    PAIN_ORANGE,
    _tick_days,
    progress_chart_png,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def walk(day: str, minutes: float = 10, **fields: object) -> WalkLog:
    return WalkLog(day=day, backward_minutes=minutes, **fields)  # type: ignore[arg-type]


def decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB"))


def has_colour(image: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 5) -> bool:
    return bool((np.abs(image.astype(int) - np.array(rgb)).max(axis=-1) <= tolerance).any())


def many_logs(count: int = 40) -> list[WalkLog]:
    first = date(2024, 1, 3)
    return [
        walk(
            (first + timedelta(days=2 * n + n % 3)).isoformat(),
            4 + n * 0.5,
            pain=n == 17,
            plan_week=1 + n // 4,
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [0, 1, 2, 40])
def test_chart_is_a_decodable_png_of_the_expected_size(count: int) -> None:
    data = progress_chart_png(many_logs(count))
    assert data.startswith(PNG_SIGNATURE)
    image = decode(data)
    width, height = CHART_SIZE_PX
    assert image.shape[:2] == (height, width)
    assert has_colour(image, LINE_BLUE) == (count > 0)
    assert has_colour(image, PAIN_ORANGE) == (count > 17)


def test_the_line_rises_with_the_minutes() -> None:
    """Later, longer walks are drawn higher (smaller row index) and further right."""
    logs = [walk("2024-05-06", 5), walk("2024-05-20", 40)]
    image = decode(progress_chart_png(logs))
    blue = np.argwhere(np.abs(image.astype(int) - np.array(LINE_BLUE)).max(axis=-1) <= 5)
    left = blue[blue[:, 1] < blue[:, 1].min() + 10]
    right = blue[blue[:, 1] > blue[:, 1].max() - 10]
    assert right[:, 0].mean() < left[:, 0].mean() - 100


def test_chart_with_several_walks_on_one_day() -> None:
    logs = [walk("2024-05-06", 5), walk("2024-05-06", 8), walk("2024-05-06", 2)]
    assert has_colour(decode(progress_chart_png(logs)), LINE_BLUE)


def test_a_year_of_walks_is_drawn() -> None:
    logs = [walk(f"2024-{m:02d}-{d:02d}", 5 + d) for m in range(1, 13) for d in (3, 17)]
    image = decode(progress_chart_png(logs))
    assert has_colour(image, LINE_BLUE) and not has_colour(image, PAIN_ORANGE)


def test_chart_is_written_to_the_path_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "progress.png"
    data = progress_chart_png(many_logs(5), target)
    assert target.read_bytes() == data
    assert progress_chart_png(many_logs(5), str(tmp_path / "again.png")) == data  # deterministic


def test_empty_chart_differs_from_a_chart_with_data() -> None:
    assert progress_chart_png([]) != progress_chart_png(many_logs(1))


@pytest.mark.parametrize(
    "bad", [walk("not a date"), walk("2024-05-06", -1), walk("2024-05-06", float("nan"))]
)
def test_chart_rejects_invalid_logs(bad: WalkLog) -> None:
    with pytest.raises(ValueError):
        progress_chart_png([bad])


def test_importing_the_chart_loads_no_font_and_no_matplotlib() -> None:
    code = "import sys, bot.progress_chart; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        (1, [date(2024, 5, 6) + timedelta(days=n) for n in range(7)]),  # every day
        (2, [date(2024, 5, 6) + timedelta(days=n) for n in range(0, 14, 2)]),  # every other
        (8, [date(2024, 5, 6) + timedelta(weeks=n) for n in range(8)]),  # Mondays
        (30, [date(2024, 5, 6) + timedelta(weeks=n) for n in range(0, 30, 3)]),  # <= 10
    ],
)
def test_date_labels_fit_the_span(weeks: int, expected: list[date]) -> None:
    mondays = [date(2024, 5, 6) + timedelta(weeks=n) for n in range(weeks)]
    assert _tick_days(mondays) == expected
    assert len(_tick_days(mondays)) <= MAX_DATE_LABELS
