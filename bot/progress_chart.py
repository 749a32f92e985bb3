"""The progress chart: backward minutes per walk over time, as a PNG drawn with Pillow.

Plain Python, no Rasa import. The chart is drawn on the path of the "how am I doing?" answer,
so it is drawn directly with Pillow's ``ImageDraw`` (about 5 ms on a 2-core machine) rather
than with matplotlib (about 45 ms for the same chart, the slowest step of any message under
load; see docs/benchmarks.md). It is drawn at twice its size and scaled down, which smooths
lines and text. The font is DejaVu Sans from matplotlib's package data (no system font
needed); it is loaded once per process, on first use.

Layout: a title, a legend (walk; pain reported, when there is any) top right; alternate
calendar weeks shaded with a dotted line at each Monday; plan week labels at the top of each
week (up to :data:`MAX_LABELLED_WEEKS` weeks); the walks as points joined in time order
(several on one day spread across it), walks with pain marked with an orange cross; minutes
on the y axis with a light grid; dates under the Mondays (fewer when there are many weeks).
"""

from __future__ import annotations

import io
import math
import os
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.profile.model import WalkLog
from bot.progress import minutes_of, walk_day_of, week_start

CHART_SIZE_PX = (900, 450)  # width, height of the PNG
MAX_LABELLED_WEEKS = 12  # label plan weeks on the chart only up to this many weeks
LONG_LABEL_WEEKS = 6  # up to this many weeks the label reads "plan week N", else "wk N"
MAX_DATE_LABELS = 10

SCALE = 2  # drawn at twice the size, then scaled down (anti-aliasing)
MARGINS = (72, 64, 20, 62)  # left, top, right, bottom (final pixels)

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
LINE_BLUE = (0x1F, 0x6F, 0xB2)
PAIN_ORANGE = (0xD9, 0x48, 0x0F)
WEEK_SHADE = (235, 235, 235)
MONDAY_LINE = (153, 153, 153)
GRID = (217, 217, 217)
LABEL_GREY = (89, 89, 89)

TITLE = "Backward walking per session"
Y_LABEL = "backward minutes"
X_LABEL = "date (shaded bands and dotted lines mark calendar weeks, Mon-Sun)"
EMPTY_TEXT = "No walks logged yet.\nYour progress will appear here after your first walk."


@cache
def _font_file() -> str:
    """DejaVu Sans, shipped with matplotlib's package data."""
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


@cache
def _font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_file(), size_px * SCALE)


def _nice_step(top: float, max_ticks: int = 6) -> float:
    """A 1-2-5 step giving at most ``max_ticks`` intervals up to ``top``."""
    raw = top / max_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


def _number(value: float) -> str:
    return f"{value:g}"


class _Canvas:
    """Pixel coordinates of the plot area, in the supersampled image."""

    def __init__(self, start: datetime, end: datetime, top: float) -> None:
        width, height = CHART_SIZE_PX
        left, upper, right, bottom = MARGINS
        self.left, self.top_px = left * SCALE, upper * SCALE
        self.right, self.bottom = (width - right) * SCALE, (height - bottom) * SCALE
        self.start, self.span_s = start, max((end - start).total_seconds(), 1.0)
        self.y_top = top

    def x(self, moment: datetime) -> float:
        fraction = (moment - self.start).total_seconds() / self.span_s
        return self.left + fraction * (self.right - self.left)

    def y(self, minutes: float) -> float:
        return self.bottom - minutes / self.y_top * (self.bottom - self.top_px)


def _text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    size: int,
    fill: tuple[int, int, int] = BLACK,
    anchor: str = "la",
) -> None:
    draw.text(xy, text, font=_font(size), fill=fill, anchor=anchor)


def _dotted_vline(draw: ImageDraw.ImageDraw, x: float, top: float, bottom: float) -> None:
    dash = 2 * SCALE
    y = top
    while y < bottom:
        draw.line([(x, y), (x, min(y + dash, bottom))], fill=MONDAY_LINE, width=SCALE)
        y += 2 * dash


def _cross(draw: ImageDraw.ImageDraw, x: float, y: float, colour: tuple[int, int, int]) -> None:
    r = 6 * SCALE
    draw.line([(x - r, y - r), (x + r, y + r)], fill=colour, width=3 * SCALE)
    draw.line([(x - r, y + r), (x + r, y - r)], fill=colour, width=3 * SCALE)


def _dot(draw: ImageDraw.ImageDraw, x: float, y: float) -> None:
    r = 4 * SCALE
    draw.ellipse([(x - r, y - r), (x + r, y + r)], fill=LINE_BLUE)


def _legend(draw: ImageDraw.ImageDraw, with_pain: bool) -> None:
    entries = [("walk", False)] + ([("pain reported", True)] if with_pain else [])
    x = float((CHART_SIZE_PX[0] - MARGINS[2]) * SCALE)
    y = (MARGINS[1] - 18) * SCALE
    for label, pain in reversed(entries):
        width = draw.textlength(label, font=_font(13))
        x -= width
        _text(draw, (x, y), label, 13, anchor="lm")
        x -= 10 * SCALE
        if pain:
            _cross(draw, x - 8 * SCALE, y, PAIN_ORANGE)
            x -= 16 * SCALE
        else:
            draw.line([(x - 28 * SCALE, y), (x, y)], fill=LINE_BLUE, width=2 * SCALE)
            _dot(draw, x - 14 * SCALE, y)
            x -= 28 * SCALE
        x -= 24 * SCALE


def _y_axis(draw: ImageDraw.ImageDraw, image: Image.Image, canvas: _Canvas) -> None:
    step = _nice_step(canvas.y_top)
    value = 0.0
    while value <= canvas.y_top + 1e-9:
        y = canvas.y(value)
        if value > 0:
            draw.line([(canvas.left, y), (canvas.right, y)], fill=GRID, width=SCALE)
        draw.line([(canvas.left - 4 * SCALE, y), (canvas.left, y)], fill=BLACK, width=SCALE)
        _text(draw, (canvas.left - 7 * SCALE, y), _number(value), 13, anchor="rm")
        value += step
    label = Image.new("RGB", (int(draw.textlength(Y_LABEL, font=_font(14))) + 4, 20 * SCALE), WHITE)
    ImageDraw.Draw(label).text((2, 0), Y_LABEL, font=_font(14), fill=BLACK)
    rotated = label.rotate(90, expand=True)
    middle = (canvas.top_px + canvas.bottom) / 2
    image.paste(rotated, (6 * SCALE, int(middle - rotated.height / 2)))


def _tick_days(mondays: list[date]) -> list[date]:
    """The labelled days: every day of a one-week chart, every other day of a two-week one,
    else Mondays (every k-th, at most :data:`MAX_DATE_LABELS`)."""
    if len(mondays) <= 2:
        days = [mondays[0] + timedelta(days=n) for n in range(7 * len(mondays))]
        return days[:: len(mondays)]
    return mondays[:: max(1, math.ceil(len(mondays) / MAX_DATE_LABELS))]


def _x_axis(draw: ImageDraw.ImageDraw, canvas: _Canvas, mondays: list[date]) -> None:
    daily = len(mondays) <= 2
    for index, day in enumerate(_tick_days(mondays)):
        x = canvas.x(datetime.combine(day, time()))
        draw.line([(x, canvas.bottom), (x, canvas.bottom + 4 * SCALE)], fill=BLACK, width=SCALE)
        text = f"{day:%a} {day.day}" if daily else f"{day.day} {day:%b}"
        if index == 0:
            text += f" {day:%b} {day.year}" if daily else f" {day.year}"
        elif not daily and day.month == 1 and day.day <= 7:
            text += f" {day.year}"
        _text(draw, (x, canvas.bottom + 7 * SCALE), text, 13, anchor="ma")
    middle = (canvas.left + canvas.right) / 2
    _text(draw, (middle, canvas.bottom + 30 * SCALE), X_LABEL, 14, anchor="ma")


def _frame(draw: ImageDraw.ImageDraw, canvas: _Canvas) -> None:
    draw.rectangle(
        [(canvas.left, canvas.top_px), (canvas.right, canvas.bottom)], outline=BLACK, width=SCALE
    )


def progress_chart_png(
    logs: Sequence[WalkLog], path: str | os.PathLike[str] | None = None
) -> bytes:
    """Draw backward minutes per session over time as a PNG.

    With no logs the chart is still drawn, with a friendly "no walks yet" message instead of
    data, so a caller can always send it.

    Args:
        logs: The walks, in any order.
        path: If given, the PNG is also written to this file.

    Returns:
        The PNG bytes, always ``CHART_SIZE_PX`` (900 x 450) pixels, the same for the same
        logs.

    Raises:
        ValueError: If a walk's day is not an ISO date or its minutes are invalid.
    """
    walks = sorted(((walk_day_of(log), minutes_of(log), log) for log in logs), key=lambda w: w[0])
    width, height = CHART_SIZE_PX
    image = Image.new("RGB", (width * SCALE, height * SCALE), WHITE)
    draw = ImageDraw.Draw(image)
    _text(draw, (MARGINS[0] * SCALE, (MARGINS[1] - 18) * SCALE), TITLE, 19, anchor="lm")

    if not walks:
        canvas = _Canvas(datetime(2000, 1, 3), datetime(2000, 1, 10), 1.0)
        _frame(draw, canvas)
        middle = ((canvas.left + canvas.right) / 2, (canvas.top_px + canvas.bottom) / 2)
        draw.multiline_text(
            middle,
            EMPTY_TEXT,
            font=_font(17),
            fill=BLACK,
            anchor="mm",
            align="center",
            spacing=6 * SCALE,
        )
    else:
        _draw_walks(draw, image, walks)

    scaled = image.reduce(SCALE)
    buffer = io.BytesIO()
    scaled.save(buffer, format="PNG", compress_level=3)
    data = buffer.getvalue()
    if path is not None:
        with open(path, "wb") as file:
            file.write(data)
    return data


def _draw_walks(
    draw: ImageDraw.ImageDraw, image: Image.Image, walks: list[tuple[date, float, WalkLog]]
) -> None:
    per_day = Counter(day for day, _, _ in walks)
    seen: Counter[date] = Counter()
    points: list[tuple[datetime, float, bool]] = []
    for day, minutes, log in walks:
        seen[day] += 1
        fraction = seen[day] / (per_day[day] + 1)
        points.append((datetime.combine(day, time()) + timedelta(days=fraction), minutes, log.pain))

    first_week = week_start(walks[0][0])
    end = week_start(walks[-1][0]) + timedelta(weeks=1)
    week_count = (end - first_week).days // 7
    top = max(max(minutes for _, minutes, _ in points) * 1.2, 5.0)
    canvas = _Canvas(datetime.combine(first_week, time()), datetime.combine(end, time()), top)
    plan_weeks: dict[date, Counter[int]] = {}
    for day, _, log in walks:
        if log.plan_week is not None:
            plan_weeks.setdefault(week_start(day), Counter())[log.plan_week] += 1

    mondays = [first_week + timedelta(weeks=index) for index in range(week_count)]
    for index, monday in enumerate(mondays):
        x0 = canvas.x(datetime.combine(monday, time()))
        if index % 2 == 1:
            x1 = canvas.x(datetime.combine(monday + timedelta(weeks=1), time()))
            draw.rectangle([(x0, canvas.top_px), (x1, canvas.bottom)], fill=WEEK_SHADE)
        _dotted_vline(draw, x0, canvas.top_px, canvas.bottom)
    _y_axis(draw, image, canvas)
    for monday in mondays:
        if week_count <= MAX_LABELLED_WEEKS and monday in plan_weeks:
            number = plan_weeks[monday].most_common(1)[0][0]
            label = f"plan week {number}" if week_count <= LONG_LABEL_WEEKS else f"wk {number}"
            middle = canvas.x(datetime.combine(monday, time()) + timedelta(days=3.5))
            _text(draw, (middle, canvas.top_px + 6 * SCALE), label, 12, LABEL_GREY, "ma")

    xy = [(canvas.x(moment), canvas.y(minutes)) for moment, minutes, _ in points]
    if len(xy) > 1:
        draw.line(xy, fill=LINE_BLUE, width=2 * SCALE, joint="curve")
    for x, y in xy:
        _dot(draw, x, y)
    for (x, y), (_, _, pain) in zip(xy, points, strict=True):
        if pain:
            _cross(draw, x, y, PAIN_ORANGE)
    _frame(draw, canvas)
    _x_axis(draw, canvas, mondays)
    _legend(draw, any(pain for _, _, pain in points))
