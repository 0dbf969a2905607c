"""Many buyers at once: exactly the stock is sold, and one form submitted many times is one order.

Each thread has its own connection and transaction, as concurrent requests on several hosts would.
"""
import secrets
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mall.catalog.models import Sku
from mall.clock import utcnow
from mall.orders.checkout import CheckoutRequest, OutOfStock, place_order
from mall.orders.models import Order

BUYERS = 20


def checkout_request(sku_id: int, key: str) -> CheckoutRequest:
    return CheckoutRequest(sku_id=sku_id, quantity=1, contact_name="王小明", contact_phone="13800138000",
                           delivery="ship", address="上海市静安区南京西路 1 号", idempotency_key=key)


def run_together(app, db, requests: list[CheckoutRequest]) -> list:
    """Call place_order for every request at the same moment, each in its own thread and session."""
    # End the test's own transaction: on SQLite every transaction holds the write lock (BEGIN IMMEDIATE).
    db.session.rollback()
    results: list = [None] * len(requests)
    start = threading.Barrier(len(requests))

    def buyer(i: int) -> None:
        with app.app_context(), Session(db.engine) as session:
            start.wait()
            try:
                results[i] = place_order(session, requests[i], now=utcnow()).number
                session.commit()  # each thread is a request: it owns its transaction
            except OutOfStock as err:
                results[i] = err
            except Exception as err:  # noqa: BLE001  (reported by the assertion below)
                results[i] = repr(err)

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.real_commits  # threads with their own connections
def test_twenty_buyers_for_five_units(app, db, make):
    product = make.product(skus=(("Limited", 9900, 5),))
    sku_id = product.skus[0].id
    results = run_together(app, db, [checkout_request(sku_id, secrets.token_urlsafe(16)) for _ in range(BUYERS)])

    sold = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, OutOfStock)]
    assert (len(sold), len(refused)) == (5, 15), results
    assert len(set(sold)) == 5
    db.session.expire_all()
    assert db.session.scalar(select(Sku.stock).where(Sku.id == sku_id)) == 0
    assert db.session.scalar(select(func.count()).select_from(Order)) == 5


@pytest.mark.real_commits  # threads with their own connections
def test_one_form_sent_ten_times_at_once_is_one_order(app, db, make):
    product = make.product(skus=(("Box", 9900, 50),))
    sku_id = product.skus[0].id
    key = secrets.token_urlsafe(16)
    results = run_together(app, db, [checkout_request(sku_id, key) for _ in range(10)])

    assert len(set(results)) == 1 and isinstance(results[0], str), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.scalar(select(Sku.stock).where(Sku.id == sku_id)) == 49
