"""The order life cycle as a table, and the small pure rules of checkout (numbers, phones)."""
import re
from datetime import datetime
from itertools import product

import pytest

from mall.orders.models import OrderStatus as S
from mall.orders.numbers import order_number, order_token
from mall.orders.states import TRANSITIONS, can_move, sources
from mall.phones import normalize_phone

ALLOWED = {
    (S.PENDING_PAYMENT, S.PAID), (S.PENDING_PAYMENT, S.CANCELLED),
    (S.PAID, S.SHIPPED), (S.SHIPPED, S.COMPLETED),
    (S.PAID, S.REFUNDED), (S.SHIPPED, S.REFUNDED), (S.COMPLETED, S.REFUNDED),
}


@pytest.mark.parametrize("current,target", list(product(S, S)))
def test_only_the_documented_moves_are_allowed(current, target):
    assert can_move(current, target) == ((current, target) in ALLOWED)


def test_every_status_is_in_the_table():
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize("terminal", [S.CANCELLED, S.REFUNDED])
def test_cancelled_and_refunded_are_final(terminal):
    assert not TRANSITIONS[terminal]


@pytest.mark.parametrize("target,expected", [
    (S.PAID, {S.PENDING_PAYMENT}),
    (S.CANCELLED, {S.PENDING_PAYMENT}),  # a paid order is refunded, never cancelled
    (S.SHIPPED, {S.PAID}),
    (S.COMPLETED, {S.SHIPPED}),
    (S.REFUNDED, {S.PAID, S.SHIPPED, S.COMPLETED}),
    (S.PENDING_PAYMENT, set()),
])
def test_sources_of_each_status(target, expected):
    assert set(sources(target)) == expected


def test_order_number_starts_with_the_day_and_is_readable():
    number = order_number(datetime(2026, 11, 24, 9, 30))
    assert re.fullmatch(r"261124-[2-9A-HJKMNP-TV-Z]{6}", number)
    assert len({order_number(datetime(2026, 11, 24)) for _ in range(200)}) == 200


def test_order_tokens_are_long_and_unique():
    tokens = {order_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(t) >= 32 for t in tokens)


@pytest.mark.parametrize("text,expected", [
    ("13800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("+86 138 0013 8000", "13800138000"),
    ("+44 20 7946 0958", "+442079460958"),
    ("12800138000", None),  # no mainland mobile starts with 12
    ("1380013800", None),  # ten digits
    ("138001380001", None),
    ("phone", None),
    ("", None),
    (None, None),
    ("+1234", None),  # too short for any country
    ("<script>", None),
])
def test_phone_numbers(text, expected):
    assert normalize_phone(text) == expected
