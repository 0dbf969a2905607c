"""Order numbers carry the China day they were placed, as daily limits and reports count days."""
from datetime import datetime

from mall.clock import china_day_start
from mall.orders.numbers import order_number


def test_an_order_placed_after_midnight_in_shanghai_carries_the_new_day():
    # 16:30 UTC on 24 November is 00:30 on the 25th in Shanghai
    assert order_number(datetime(2026, 11, 24, 16, 30)).startswith("261125-")


def test_an_order_placed_before_midnight_in_shanghai_keeps_its_day():
    assert order_number(datetime(2026, 11, 24, 15, 59)).startswith("261124-")


def test_the_china_day_starts_at_16_utc_the_evening_before():
    assert china_day_start(datetime(2026, 11, 24, 16, 30)) == datetime(2026, 11, 24, 16, 0)
    assert china_day_start(datetime(2026, 11, 24, 15, 59)) == datetime(2026, 11, 23, 16, 0)
