"""The price rule, table-driven: what one unit costs, what is crossed out, what a tile says "from"."""
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from mall.catalog.pricing import PriceTag, from_price, price_tag, promo_running, promo_shown, unit_price_fen

NOW = datetime(2025, 6, 1, 12, 0)


def sku(price, promo=None, list_price=None, stock=10):
    return SimpleNamespace(price_fen=price, promo_price_fen=promo, list_price_fen=list_price, stock=stock)


def product(ends=None, skus=()):
    return SimpleNamespace(promo_ends_at=ends, skus=list(skus))


@pytest.mark.parametrize("price, promo, ends, expected", [
    (9900, None, None, 9900),                              # no promotion at all
    (9900, 7900, None, 9900),                              # promo price but no end time: not running
    (9900, 7900, NOW + timedelta(minutes=1), 7900),        # running
    (9900, 7900, NOW + timedelta(days=30), 7900),
    (9900, 7900, NOW, 9900),                               # ends exactly now: over
    (9900, 7900, NOW - timedelta(seconds=1), 9900),        # ended
    (9900, 12900, NOW + timedelta(days=1), 9900),          # "promo" above the price is never charged
    (9900, 9900, NOW + timedelta(days=1), 9900),
    (1, None, NOW + timedelta(days=1), 1),                 # running promo, this SKU has no promo price
])
def test_unit_price(price, promo, ends, expected):
    assert unit_price_fen(sku(price, promo), product(ends), NOW) == expected


@pytest.mark.parametrize("the_sku, ends, expected", [
    (sku(9900), None, PriceTag(9900, None)),
    (sku(9900, list_price=12900), None, PriceTag(9900, 12900)),
    (sku(9900, list_price=9900), None, PriceTag(9900, None)),       # same list price: nothing to cross out
    (sku(9900, list_price=5000), None, PriceTag(9900, None)),       # lower list price is not a saving
    (sku(9900, promo=7900), NOW + timedelta(hours=1), PriceTag(7900, 9900)),
    (sku(9900, promo=7900, list_price=12900), NOW + timedelta(hours=1), PriceTag(7900, 12900)),
    (sku(9900, promo=7900, list_price=12900), NOW - timedelta(hours=1), PriceTag(9900, 12900)),
])
def test_price_tag(the_sku, ends, expected):
    assert price_tag(the_sku, product(ends), NOW) == expected


def test_price_tag_says_whether_it_is_discounted():
    assert PriceTag(100, 200).discounted and not PriceTag(100).discounted


@pytest.mark.parametrize("skus, ends, expected", [
    ([], None, None),
    ([sku(9900), sku(5900), sku(12900)], None, PriceTag(5900)),
    ([sku(9900), sku(5900, stock=0)], None, PriceTag(9900)),                  # sold-out SKUs don't set "from"
    ([sku(9900, stock=0), sku(5900, stock=0)], None, PriceTag(5900)),         # all sold out: still a price
    ([sku(9900, promo=4900), sku(5900)], NOW + timedelta(days=1), PriceTag(4900, 9900)),
    ([sku(9900, promo=4900), sku(5900)], NOW - timedelta(days=1), PriceTag(5900)),
])
def test_from_price(skus, ends, expected):
    assert from_price(product(ends, skus), NOW) == expected


@pytest.mark.parametrize("ends, promo, running, shown", [
    (None, 7900, False, False),
    (NOW + timedelta(hours=2), 7900, True, True),
    (NOW + timedelta(hours=2), None, True, False),      # a clock without a cheaper price is no offer
    (NOW + timedelta(hours=2), 9900, True, False),
    (NOW - timedelta(hours=2), 7900, False, False),
])
def test_promo_running_and_shown(ends, promo, running, shown):
    p = product(ends, [sku(9900, promo)])
    assert promo_running(p, NOW) is running
    assert promo_shown(p, NOW) is shown
