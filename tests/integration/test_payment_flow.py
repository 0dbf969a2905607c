"""The buyer's path through payment, and the money that must go back when an order cannot take it."""
import re

import pytest
from sqlalchemy import select

from mall.clock import utcnow
from mall.orders import states
from mall.orders.models import Order
from mall.payments.mock.models import MockCharge
from mall.payments.models import Payment
from mall.payments.provider import RefundRefused
from mall.payments.service import NothingToRefund, OrderNotPayable, begin_payment, refund_payment
from tests.conftest import csrf_from
from tests.integration.payment_support import EN, FAILING_CARD, pay, pending_order, start_payment


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"', html).group(1)


def test_a_guest_goes_from_product_page_to_paid_order(client, db, make):
    product = make.product(title="Jasmine Tea", skus=(("250g", 12800, 3), ("500g", 22800, 5)))
    sku = product.skus[1]
    html = client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    form = {"csrf_token": csrf_from(html), "idempotency_key": _hidden(html, "idempotency_key"),
            "sku_id": sku.id, "quantity": 2, "contact_name": "王小明", "contact_phone": "13800138000",
            "delivery": "ship", "address": "上海市静安区南京西路 1 号", "price": 1}  # a tampered price is ignored
    to_provider = client.post(f"/p/{product.code}/buy", data=form, headers=EN)
    assert to_provider.status_code == 303 and "/mockpay/ch_" in to_provider.headers["Location"]
    charge_id = to_provider.headers["Location"].rsplit("/", 1)[1]
    assert "¥456.00" in client.get(f"/mockpay/{charge_id}", headers=EN).get_data(as_text=True)

    back = pay(client, charge_id)
    assert back.status_code == 303 and "/o/" in back.headers["Location"]
    order_page = client.get(back.headers["Location"], headers=EN).get_data(as_text=True)
    assert "badge-paid" in order_page and "¥456.00" in order_page
    order = db.session.scalars(select(Order)).one()
    assert (order.status, order.total_fen) == ("paid", 45600)


def test_a_failed_payment_is_shown_on_the_order_and_paying_again_works(client, db, make):
    order = pending_order(make, db.session)
    token, order_id = order.token, order.id
    charge_id = start_payment(db.session, order)
    pay(client, charge_id, card=FAILING_CARD)
    page = client.get(f"/o/{token}", headers=EN).get_data(as_text=True)
    again = client.post(f"/o/{token}/pay", data={"csrf_token": csrf_from(page)}, headers=EN)
    assert again.status_code == 303 and "/mockpay/ch_" in again.headers["Location"]
    assert pay(client, again.headers["Location"].rsplit("/", 1)[1]).status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == "paid"


def test_money_for_an_order_cancelled_meanwhile_goes_straight_back(client, db, make):
    order = pending_order(make, db.session)
    order_id, total = order.id, order.total_fen
    charge_id = start_payment(db.session, order)
    page = client.get(f"/mockpay/{charge_id}", headers=EN)  # the buyer dawdles on the provider's page...
    assert states.cancel(db.session, order_id, now=utcnow())  # ...and the unpaid-order job cancels it
    data = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123",
            "csrf_token": csrf_from(page.get_data(as_text=True))}
    assert client.post(f"/mockpay/{charge_id}", data=data, headers=EN).status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == "cancelled"
    assert db.session.get(MockCharge, charge_id).refunded_fen == total
    payment = db.session.scalars(select(Payment)).one()
    assert (payment.status, payment.failure_reason) == ("refunded", "refunded_order_cancelled")


def test_a_second_charge_paid_for_the_same_order_is_refunded(client, db, make):
    order = pending_order(make, db.session)
    order_id, total = order.id, order.total_fen
    first, second = start_payment(db.session, order), start_payment(db.session, order)  # two tabs
    pay(client, first)
    pay(client, second)
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == "paid"
    assert db.session.get(MockCharge, first).refunded_fen == 0
    assert db.session.get(MockCharge, second).refunded_fen == total
    assert sorted(p.status for p in db.session.scalars(select(Payment))) == ["refunded", "succeeded"]


def test_only_an_order_awaiting_payment_can_start_a_payment(client, db, make):
    order = pending_order(make, db.session)
    pay(client, start_payment(db.session, order))
    db.session.expire_all()
    with pytest.raises(OrderNotPayable):
        begin_payment(db.session, db.session.get(Order, order.id), return_url="/", notify_url="/")


def test_refunds_go_through_the_provider_once_per_key_and_never_above_the_payment(client, db, make):
    order = pending_order(make, db.session, price_fen=5000, quantity=2)
    charge_id = start_payment(db.session, order)
    pay(client, charge_id)
    db.session.expire_all()
    order = db.session.get(Order, order.id)

    refund_payment(db.session, order, amount_fen=3000, refund_key="refund-1")
    refund_payment(db.session, order, amount_fen=3000, refund_key="refund-1")  # a retried approval
    db.session.commit()
    assert db.session.get(MockCharge, charge_id).refunded_fen == 3000

    with pytest.raises(RefundRefused):
        refund_payment(db.session, order, amount_fen=7001, refund_key="refund-2")  # only 7000 left
    with pytest.raises(RefundRefused):
        refund_payment(db.session, order, amount_fen=100, refund_key="refund-1")  # key reused, other amount
    refund_payment(db.session, order, amount_fen=7000, refund_key="refund-3")
    db.session.commit()
    assert db.session.get(MockCharge, charge_id).refunded_fen == 10000


def test_an_unpaid_order_has_nothing_to_refund(db, make):
    order = pending_order(make, db.session)
    start_payment(db.session, order)
    with pytest.raises(NothingToRefund):
        refund_payment(db.session, order, amount_fen=100, refund_key="refund-1")
