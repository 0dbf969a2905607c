"""Every move of an order, each one happening at most once, and the job that cancels unpaid orders."""
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from mall.catalog.models import Sku
from mall.clock import utcnow
from mall.jobs import unpaid
from mall.orders import states
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.models import Order
from tests.integration.payment_support import pay, start_payment

EN = {"Accept-Language": "en"}


def place(db, product, quantity=1, *, now=None):
    request = CheckoutRequest(sku_id=product.skus[0].id, quantity=quantity, contact_name="王小明",
                              contact_phone="13800138000", delivery="ship", address="上海市静安区南京西路 1 号",
                              idempotency_key=secrets.token_urlsafe(16))
    return place_order(db.session, request, now=now or utcnow())


def status(db, order) -> str:
    return db.session.scalar(select(Order.status).where(Order.id == order.id))


def stock(db, product) -> int:
    return db.session.scalar(select(Sku.stock).where(Sku.id == product.skus[0].id))


def test_paid_shipped_completed(make, db):
    order = place(db, make.product(skus=(("Box", 5000, 3),)), quantity=2)
    now = utcnow()
    assert states.mark_paid(db.session, order.id, amount_fen=10000, now=now)
    assert states.ship(db.session, order.id, now=now)
    assert states.complete(db.session, order.id, now=now)
    order = db.session.get(Order, order.id)
    assert order.status == "completed"
    assert order.paid_at == order.shipped_at == order.completed_at == now


@pytest.mark.parametrize("move", ["pay", "ship", "complete", "cancel"])
def test_each_move_happens_once(make, db, move):
    order = place(db, make.product())
    now = utcnow()
    steps = {"pay": lambda: states.mark_paid(db.session, order.id, amount_fen=order.total_fen, now=now),
             "ship": lambda: states.ship(db.session, order.id, now=now),
             "complete": lambda: states.complete(db.session, order.id, now=now),
             "cancel": lambda: states.cancel(db.session, order.id, now=now)}
    before = {"pay": [], "ship": ["pay"], "complete": ["pay", "ship"], "cancel": []}[move]
    for step in before:
        assert steps[step]()
    assert steps[move]() is True
    assert steps[move]() is False


@pytest.mark.parametrize("move,from_status", [
    ("ship", "pending_payment"), ("complete", "paid"), ("cancel", "paid"), ("cancel", "shipped"),
    ("pay", "cancelled"), ("ship", "cancelled"),
])
def test_moves_out_of_order_change_nothing(make, db, move, from_status):
    order = place(db, make.product())
    now = utcnow()
    path = {"pending_payment": [], "paid": ["pay"], "shipped": ["pay", "ship"], "cancelled": ["cancel"]}[from_status]
    run = {"pay": lambda: states.mark_paid(db.session, order.id, amount_fen=order.total_fen, now=now),
           "ship": lambda: states.ship(db.session, order.id, now=now),
           "complete": lambda: states.complete(db.session, order.id, now=now),
           "cancel": lambda: states.cancel(db.session, order.id, now=now)}
    for step in path:
        run[step]()
    assert run[move]() is False
    assert status(db, order) == from_status


def test_a_payment_of_the_wrong_amount_is_not_accepted(make, db):
    order = place(db, make.product(skus=(("Box", 5000, 3),)))
    with pytest.raises(states.AmountMismatch):
        states.mark_paid(db.session, order.id, amount_fen=4999, now=utcnow())
    assert status(db, order) == "pending_payment"


def test_cancelling_releases_the_stock_exactly_once(make, db):
    product = make.product(skus=(("Box", 5000, 5),))
    order = place(db, product, quantity=3)
    assert stock(db, product) == 2
    assert states.cancel(db.session, order.id, now=utcnow())
    assert not states.cancel(db.session, order.id, now=utcnow())
    assert stock(db, product) == 5
    assert status(db, order) == "cancelled"


def test_the_job_cancels_only_orders_left_unpaid_too_long(make, db):
    product = make.product(skus=(("Box", 5000, 10),))
    now = utcnow()
    stale = place(db, product, quantity=2, now=now - timedelta(minutes=31))
    paid = place(db, product, now=now - timedelta(minutes=45))
    states.mark_paid(db.session, paid.id, amount_fen=paid.total_fen, now=now)
    fresh = place(db, product, now=now - timedelta(minutes=5))
    assert stock(db, product) == 6

    assert unpaid.cancel_unpaid(db.session, older_than_minutes=30, now=now) == 1
    assert unpaid.cancel_unpaid(db.session, older_than_minutes=30, now=now) == 0  # a second run, or host
    assert [status(db, o) for o in (stale, paid, fresh)] == ["cancelled", "paid", "pending_payment"]
    assert stock(db, product) == 8


def test_the_cancel_unpaid_command(make, db, runner, app):
    product = make.product(skus=(("Box", 5000, 10),))
    old = place(db, product, now=utcnow() - timedelta(minutes=app.config["ORDER_PAYMENT_TIMEOUT_MINUTES"] + 1))
    result = runner.invoke(args=["mall", "cancel-unpaid"])
    assert result.exit_code == 0, result.output
    assert "cancelled 1" in result.output
    assert status(db, old) == "cancelled"
    assert "cancelled 0" in runner.invoke(args=["mall", "cancel-unpaid"]).output
    assert stock(db, product) == 10


def test_the_buyer_cancels_an_unpaid_order_from_its_page(client, make, db):
    from tests.conftest import csrf_from

    product = make.product(skus=(("Box", 5000, 5),))
    order = place(db, product, quantity=2)
    page = client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)
    assert "Cancel order" in page
    for _ in range(2):  # a double tap
        response = client.post(f"/o/{order.token}/cancel", data={"csrf_token": csrf_from(page)}, headers=EN)
        assert response.status_code == 303
    page = client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)
    assert "badge-cancelled" in page
    assert "Cancel order" not in page and "Pay now" not in page
    assert stock(db, product) == 5


def test_paying_at_the_provider_marks_the_order_paid(client, make, db):
    order = place(db, make.product(skus=(("Box", 12800, 5),)))
    response = pay(client, start_payment(db.session, order))
    assert response.status_code == 303
    assert status(db, order) == "paid"
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "badge-paid" in page and "¥128.00" in page
    assert "Waiting for payment confirmation" not in page
