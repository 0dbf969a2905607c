"""The callback lease: long enough for one normal delivery, short enough that a dead worker's claim soon lapses."""
from datetime import timedelta

from mall.payments.mock import delivery


def test_the_lease_outlasts_one_http_attempt_but_not_by_much():
    assert delivery.LEASE > timedelta(seconds=delivery.HTTP_TIMEOUT_SECONDS)
    assert delivery.LEASE <= timedelta(seconds=20)  # was 60 s: a charged buyer waited a minute or more
