"""Storms on PostgreSQL: many buyers for few units, and every payment callback delivered many times at once.

Each buyer is a thread with its own app context and database session, as concurrent requests on several
hosts would be; callbacks go through the real endpoint of a second app instance (rate limits off).
"""
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from mall.clock import utcnow
from mall.extensions import db as _db
from mall.orders.checkout import OutOfStock, place_order
from mall.orders.models import Order, OrderStatus
from mall.unit_of_work import commit
from tests.faults.shop import Shop, accruals_per_order, audit_failures, count_orders, units_held
from tests.integration.payment_support import event, post_callback, start_payment

pytestmark = pytest.mark.real_commits  # threads with their own connections must see each other's commits


def place_and_start_payment(instance, shop: Shop):
    """One buyer: place the order and open its charge, in one request's transaction; (number, charge)."""
    with instance.app_context():
        order = place_order(_db.session, shop.checkout_request(), now=utcnow())
        charge = start_payment(_db.session, order)
        number, total = order.number, order.total_fen
        commit()
    return number, charge, total


def deliver(instance, charge: str, number: str, total: int, event_id: str | None = None) -> int:
    with instance.app_context():
        return post_callback(instance.test_client(), event(charge, number, total, event_id=event_id)).status_code


def test_two_hundred_buyers_for_fifty_units_pay_for_exactly_fifty(postgres, instance, db, make):
    shop = Shop(make, db.session, stock=50)
    start = threading.Barrier(200)

    def buyer(_):
        start.wait()
        try:
            number, charge, total = place_and_start_payment(instance, shop)
        except OutOfStock:
            return "sold out"
        return deliver(instance, charge, number, total)

    with ThreadPoolExecutor(200) as pool:
        outcomes = list(pool.map(buyer, range(200)))

    assert sorted(outcomes, key=str) == sorted([200] * 50 + ["sold out"] * 150, key=str), outcomes
    db.session.expire_all()
    assert count_orders(db.session, OrderStatus.PAID) == 50
    assert count_orders(db.session, *OrderStatus) == 50  # a refused buyer leaves no order behind
    assert units_held(db.session, shop.sku_id) == 50 and shop.product.skus[0].stock == 0
    assert set(accruals_per_order(db.session).values()) == {1}
    assert audit_failures(db.session) == []


def test_each_callback_delivered_twenty_times_at_once_accrues_once(postgres, instance, db, make):
    shop = Shop(make, db.session, stock=100)
    with ThreadPoolExecutor(8) as pool:
        orders = list(pool.map(lambda _: place_and_start_payment(instance, shop), range(100)))
    # Each order's twenty deliveries side by side in the queue, so forty threads send them at the same moment:
    # ten replays of one event and ten events of their own for the same charge (a provider that re-sends).
    deliveries = []
    for number, charge, total in orders:
        copies = [(charge, number, total, f"evt_{charge}")] * 10 + [(charge, number, total, None)] * 10
        random.shuffle(copies)
        deliveries += copies
    with ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(lambda d: deliver(instance, *d), deliveries))

    assert statuses == [200] * 2000
    db.session.expire_all()
    assert count_orders(db.session, OrderStatus.PAID) == 100
    accruals = accruals_per_order(db.session)
    assert len(accruals) == 100 and set(accruals.values()) == {1}, accruals
    assert audit_failures(db.session) == []
    assert all(db.session.get(Order, o.id).paid_at for o in db.session.query(Order))
