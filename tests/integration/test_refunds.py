"""Refunds: whole order, one line or part of one, never more than was paid, each decision once."""
import secrets

import pytest
from sqlalchemy import select

from mall import unit_of_work
from mall.clock import utcnow
from mall.orders import states
from mall.orders.models import Order, OrderLine, Refund
from mall.orders.numbers import order_number, order_token
from mall.orders.refunds import (
    NotRefundable,
    RefundFailed,
    RefundTooLarge,
    UnknownLine,
    approve_refund,
    refund_outcome,
    reject_refund,
    request_refund,
)
from mall.payments.mock.models import MockCharge
from tests.conftest import csrf_from
from tests.integration.payment_support import pay, start_payment

EN = {"Accept-Language": "en"}


def paid_order(client, make, db, lines=((12800, 1), (5000, 2)), *, pay_it=True) -> Order:
    """An order of several lines (the product page buys one; a cart may add more), paid at the mock provider."""
    product = make.product(title="Tea", skus=tuple((f"SKU {i}", price, 10) for i, (price, _q) in enumerate(lines)))
    total = sum(price * quantity for price, quantity in lines)
    order = Order(number=order_number(utcnow()), token=order_token(), idempotency_key=secrets.token_urlsafe(16),
                  brand_id=product.brand_id, contact_name="王小明", contact_phone="13800138000",
                  address="上海市静安区南京西路 1 号", total_fen=total, refunded_fen=0)
    order.lines = [OrderLine(product_id=product.id, sku_id=sku.id, title=product.title, sku_name=sku.name,
                             unit_price_fen=price, quantity=quantity, total_fen=price * quantity, refunded_fen=0)
                   for sku, (price, quantity) in zip(product.skus, lines, strict=False)]
    db.session.add(order)
    db.session.commit()
    if pay_it:
        assert pay(client, start_payment(db.session, order)).status_code == 303
    return db.session.get(Order, order.id)


def fresh(db, model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def refunded_at_provider(db) -> int:
    return sum(db.session.scalars(select(MockCharge.refunded_fen)))


def approve(db, refund):
    """As the admin's page does: approve, end the transaction (the provider refunds right after), read the outcome."""
    approve_refund(db.session, refund.id, by_user_id=None, now=utcnow())
    unit_of_work.commit(db.session)
    return refund_outcome(db.session, refund.id)


def test_a_whole_order_refund(client, make, db):
    order = paid_order(client, make, db)
    refund = request_refund(db.session, order.id, items=None, reason="Changed my mind", now=utcnow())
    assert (refund.status, refund.amount_fen) == ("requested", 22800)
    assert sorted(item.amount_fen for item in refund.items) == [10000, 12800]

    refund = approve(db, refund)
    assert refund.status == "refunded"
    order = fresh(db, Order, order.id)
    assert (order.status, order.refunded_fen) == ("refunded", 22800)
    assert [line.refunded_fen for line in order.lines] == [12800, 10000]
    assert refunded_at_provider(db) == 22800


def test_one_line_leaves_the_order_paid(client, make, db):
    order = paid_order(client, make, db)
    second = order.lines[1]
    approve(db, request_refund(db.session, order.id, items=[(second.id, None)], reason="", now=utcnow()))
    order = fresh(db, Order, order.id)
    assert (order.status, order.refunded_fen) == ("paid", 10000)
    assert [line.refunded_fen for line in order.lines] == [0, 10000]


def test_partial_amounts_up_to_the_whole_order(client, make, db):
    order = paid_order(client, make, db, lines=((12800, 1),))
    line = order.lines[0]
    approve(db, request_refund(db.session, order.id, items=[(line.id, 2800)], reason="dented", now=utcnow()))
    assert fresh(db, Order, order.id).status == "paid"
    approve(db, request_refund(db.session, order.id, items=[(line.id, 10000)], reason="", now=utcnow()))
    order = fresh(db, Order, order.id)
    assert (order.status, order.refunded_fen, order.lines[0].refunded_fen) == ("refunded", 12800, 12800)
    assert refunded_at_provider(db) == 12800


def test_more_than_what_is_left_is_refused(client, make, db):
    order = paid_order(client, make, db, lines=((12800, 1),))
    line = order.lines[0]
    with pytest.raises(RefundTooLarge):
        request_refund(db.session, order.id, items=[(line.id, 12801)], reason="", now=utcnow())
    request_refund(db.session, order.id, items=[(line.id, 10000)], reason="", now=utcnow())
    # An open request counts: only 28.00 is left to ask for.
    with pytest.raises(RefundTooLarge):
        request_refund(db.session, order.id, items=[(line.id, 2801)], reason="", now=utcnow())
    with pytest.raises(RefundTooLarge):
        request_refund(db.session, order.id, items=[(line.id, 1500), (line.id, 1500)], reason="", now=utcnow())
    with pytest.raises(RefundTooLarge):
        request_refund(db.session, order.id, items=[(line.id, 0)], reason="", now=utcnow())
    assert request_refund(db.session, order.id, items=None, reason="", now=utcnow()).amount_fen == 2800
    with pytest.raises(RefundTooLarge):
        request_refund(db.session, order.id, items=None, reason="", now=utcnow())


def test_a_line_of_another_order_is_refused(client, make, db):
    order = paid_order(client, make, db, lines=((12800, 1),))
    other = paid_order(client, make, db, lines=((500, 1),))
    with pytest.raises(UnknownLine):
        request_refund(db.session, order.id, items=[(other.lines[0].id, 100)], reason="", now=utcnow())


def test_approving_twice_refunds_once(client, make, db):
    order = paid_order(client, make, db)
    refund = request_refund(db.session, order.id, items=None, reason="", now=utcnow())
    approve(db, refund)
    again = approve(db, refund)
    assert again.status == "refunded"
    assert fresh(db, Order, order.id).refunded_fen == 22800
    assert refunded_at_provider(db) == 22800


def test_a_rejected_request_frees_the_amount_and_cannot_be_approved(client, make, db):
    order = paid_order(client, make, db)
    refund = request_refund(db.session, order.id, items=None, reason="", now=utcnow())
    rejected = reject_refund(db.session, refund.id, by_user_id=None, reason="Opened and used", now=utcnow())
    assert (rejected.status, rejected.reject_reason) == ("rejected", "Opened and used")
    assert approve(db, refund).status == "rejected"
    assert fresh(db, Order, order.id).refunded_fen == 0
    assert refunded_at_provider(db) == 0
    assert request_refund(db.session, order.id, items=None, reason="", now=utcnow()).amount_fen == 22800


def test_shipped_and_completed_orders_can_be_refunded(client, make, db):
    order = paid_order(client, make, db, lines=((12800, 1),))
    states.ship(db.session, order.id, now=utcnow())
    states.complete(db.session, order.id, now=utcnow())
    approve(db, request_refund(db.session, order.id, items=None, reason="", now=utcnow()))
    assert fresh(db, Order, order.id).status == "refunded"


def test_unpaid_and_cancelled_orders_cannot_be_refunded(client, make, db):
    order = paid_order(client, make, db, pay_it=False)
    with pytest.raises(NotRefundable):
        request_refund(db.session, order.id, items=None, reason="", now=utcnow())
    states.cancel(db.session, order.id, now=utcnow())
    with pytest.raises(NotRefundable):
        request_refund(db.session, order.id, items=None, reason="", now=utcnow())


def test_a_refund_the_provider_refuses_stays_open(client, make, db):
    order = paid_order(client, make, db, pay_it=False)
    states.mark_paid(db.session, order.id, amount_fen=order.total_fen, now=utcnow())  # no charge to refund
    refund = request_refund(db.session, order.id, items=None, reason="", now=utcnow())
    with pytest.raises(RefundFailed):
        approve(db, refund)
    assert fresh(db, Refund, refund.id).status == "requested"
    assert fresh(db, Order, order.id).refunded_fen == 0


def _refund_page(client, order):
    return client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)


def test_the_buyer_asks_for_a_partial_refund_on_the_order_page(client, make, db):
    order = paid_order(client, make, db)
    html = _refund_page(client, order)
    assert "Ask for a refund" in html
    data = {"csrf_token": csrf_from(html), "line_id": str(order.lines[0].id), "amount": "12.50", "reason": "Dented"}
    response = client.post(f"/o/{order.token}/refunds", data=data, headers=EN)
    assert response.status_code == 303
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Your refund request was sent" in html
    assert "badge-requested" in html and "¥12.50" in html and "Dented" in html
    [refund] = db.session.scalars(select(Refund)).all()
    assert refund.amount_fen == 1250


def test_the_whole_order_from_the_order_page(client, make, db):
    order = paid_order(client, make, db)
    data = {"csrf_token": csrf_from(_refund_page(client, order)), "line_id": "", "amount": "", "reason": "No"}
    assert client.post(f"/o/{order.token}/refunds", data=data, headers=EN).status_code == 303
    assert db.session.scalars(select(Refund)).one().amount_fen == 22800
    assert "Ask for a refund" not in _refund_page(client, order)  # nothing left to ask for


@pytest.mark.parametrize("line,amount,message", [
    (0, "128.01", "more than what is left"),
    (0, "abc", "Please enter an amount such as 12.50."),
    (0, "1.234", "Please enter an amount such as 12.50."),
    (0, "-5", "Please enter an amount such as 12.50."),
    (0, "0", "greater than zero"),
    (0, "1e9", "Please enter an amount such as 12.50."),
    (0, "99999", "more than what is left"),
    (None, "5", "Choose one item"),
    ("999999", "", "Please choose what to refund."),
    ("junk", "", "Please choose what to refund."),
])
def test_bad_refund_requests_are_refused_inline(client, make, db, line, amount, message):
    order = paid_order(client, make, db)
    line_id = str(order.lines[line].id) if isinstance(line, int) else (line or "")
    data = {"csrf_token": csrf_from(_refund_page(client, order)), "line_id": line_id, "amount": amount,
            "reason": "Why not"}
    response = client.post(f"/o/{order.token}/refunds", data=data, headers=EN)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Refund)).all() == []


def test_a_refund_request_needs_a_reason(client, make, db):
    order = paid_order(client, make, db)
    data = {"csrf_token": csrf_from(_refund_page(client, order)), "line_id": "", "amount": "", "reason": ""}
    response = client.post(f"/o/{order.token}/refunds", data=data, headers=EN)
    assert response.status_code == 422
    assert "Please tell us why." in response.get_data(as_text=True)


def test_an_unpaid_order_offers_no_refund(client, make, db):
    order = paid_order(client, make, db, pay_it=False)
    html = _refund_page(client, order)
    assert "Ask for a refund" not in html
    data = {"csrf_token": csrf_from(html), "line_id": "", "amount": "", "reason": "x"}
    response = client.post(f"/o/{order.token}/refunds", data=data, headers=EN)
    assert response.status_code == 422
    assert "Only paid orders can be refunded." in response.get_data(as_text=True)


def test_a_nul_byte_in_the_reason_is_refused_and_changes_nothing(client, make, db):
    order = paid_order(client, make, db)
    data = {"csrf_token": csrf_from(_refund_page(client, order)), "line_id": "", "amount": "", "reason": "No\x00pe"}
    assert client.post(f"/o/{order.token}/refunds", data=data, headers=EN).status_code == 400
    assert db.session.scalars(select(Refund)).all() == []
