"""Earnings per day as bar geometry: numbers in, rectangles out. The template only draws them.

Server-rendered SVG keeps the page light on phones and working without JavaScript, and spares
us a charting library for thirty bars.
"""
from dataclasses import dataclass
from datetime import date, timedelta

# A bar for a non-zero amount is never drawn flatter than this, so a ¥0.01 day is still visible
# next to a ¥1,000 day.
MIN_VISIBLE = 1.0


@dataclass(frozen=True)
class Bar:
    day: date
    value: int  # fen
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    max_value: int
    total: int


def day_series(amounts: dict[date, int], *, last: date, days: int = 30) -> list[tuple[date, int]]:
    """Every day of the `days` ending with `last`, oldest first, 0 where nothing was earned."""
    first = last - timedelta(days=days - 1)
    return [(first + timedelta(days=n), amounts.get(first + timedelta(days=n), 0)) for n in range(days)]


def bar_chart(series: list[tuple[date, int]], *, width: int = 300, height: int = 100, gap: float = 2) -> BarChart:
    """Bars scaled so the largest value fills the height; negative values draw as empty bars."""
    values = [max(value, 0) for _, value in series]
    top = max(values, default=0)
    slot = width / len(series) if series else 0
    bar_width = round(max(slot - gap, 1), 2)
    bars = []
    for index, ((day, value), drawn) in enumerate(zip(series, values, strict=False)):
        bar_height = 0.0
        if top > 0 and drawn > 0:
            bar_height = round(max(drawn / top * height, MIN_VISIBLE), 2)
        x = round(index * slot + (slot - bar_width) / 2, 2)
        bars.append(Bar(day, value, x, round(height - bar_height, 2), bar_width, bar_height))
    return BarChart(width, height, tuple(bars), top, sum(value for _, value in series))
