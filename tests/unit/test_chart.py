"""Earnings chart geometry and the local-day arithmetic behind it: data in, rectangles out."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from mall.partner.chart import MIN_VISIBLE, bar_chart, day_series
from mall.partner.days import day_range_utc, day_start_utc, local_date

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = date(2024, 5, 10)


def test_empty_data_draws_no_bars_and_does_not_divide_by_zero():
    chart = bar_chart([])
    assert chart.bars == () and chart.max_value == 0 and chart.total == 0


def test_thirty_days_of_nothing_are_thirty_flat_bars():
    chart = bar_chart(day_series({}, last=D, days=30))
    assert len(chart.bars) == 30
    assert all(bar.height == 0 and bar.y == chart.height for bar in chart.bars)
    assert chart.max_value == 0


def test_one_day_fills_the_height():
    chart = bar_chart([(D, 1990)], width=300, height=100)
    (bar,) = chart.bars
    assert bar.height == 100 and bar.y == 0
    assert bar.value == 1990 and chart.total == 1990


@pytest.mark.parametrize("values, heights", [
    ([100, 50, 25], [100, 50, 25]),
    ([0, 400, 100], [0, 100, 25]),
    ([3, 3, 3], [100, 100, 100]),
    ([1, 1_000_000], [MIN_VISIBLE, 100]),  # a tiny day stays visible next to a huge one
    ([-50, 100], [0, 100]),  # a day with more reversed than earned draws empty, never below the axis
])
def test_bars_scale_to_the_largest_value(values, heights):
    series = [(date(2024, 5, n + 1), v) for n, v in enumerate(values)]
    chart = bar_chart(series, width=300, height=100)
    assert [bar.height for bar in chart.bars] == heights
    assert [bar.y for bar in chart.bars] == [100 - h for h in heights]
    assert chart.max_value == max(max(values), 0)


def test_bars_sit_side_by_side_within_the_width():
    chart = bar_chart(day_series({D: 5}, last=D, days=30), width=300, gap=2)
    xs = [bar.x for bar in chart.bars]
    assert xs == sorted(xs)
    assert all(bar.width == 8 for bar in chart.bars)
    assert chart.bars[0].x == 1 and chart.bars[-1].x + chart.bars[-1].width == 299


def test_day_series_fills_missing_days_oldest_first():
    series = day_series({date(2024, 5, 9): 7, date(2024, 4, 1): 99}, last=D, days=3)
    assert series == [(date(2024, 5, 8), 0), (date(2024, 5, 9), 7), (date(2024, 5, 10), 0)]


@pytest.mark.parametrize("utc, day", [
    (datetime(2024, 5, 9, 15, 59), date(2024, 5, 9)),  # 23:59 in Shanghai
    (datetime(2024, 5, 9, 16, 0), date(2024, 5, 10)),  # midnight in Shanghai
])
def test_local_day_of_a_utc_moment(utc, day):
    assert local_date(utc, SHANGHAI) == day


def test_a_local_day_range_covers_whole_days_in_utc():
    assert day_start_utc(D, SHANGHAI) == datetime(2024, 5, 9, 16, 0)
    assert day_range_utc(D, D, SHANGHAI) == (datetime(2024, 5, 9, 16, 0), datetime(2024, 5, 10, 16, 0))
    assert day_range_utc(None, None, SHANGHAI) == (None, None)
