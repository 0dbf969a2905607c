"""Charged at the provider, not yet recorded by the mall: the order page says "payment being confirmed".

This is what the buyer sees while a callback waits for its retry (a worker died holding its lease):
no "pay now", no "the payment did not go through", and paying again is refused, not charged twice.
"""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from mall.clock import utcnow
from mall.orders.models import Order
from mall.payments.mock import delivery
from mall.payments.mock.models import MockCharge, MockEvent
from mall.payments.models import Payment
from tests.conftest import csrf_from
from tests.integration.payment_support import EN, FAILING_CARD, pay, pending_order, start_payment


class Crash(BaseException):
    """The worker process dies mid-send: nothing after the claim runs."""


@pytest.fixture()
def in_flight(client, db, make, monkeypatch):
    """The buyer paid; the worker that claimed the callback died before sending it."""

    def die(app, url, body):
        raise Crash()

    monkeypatch.setattr(delivery, "_send", die)
    order = pending_order(make, db.session)
    order_id, token = order.id, order.token
    charge_id = start_payment(db.session, order)
    with pytest.raises(Crash):
        pay(client, charge_id)
    monkeypatch.undo()
    db.session.expire_all()
    return order_id, token, charge_id


def order_page(client, token) -> str:
    response = client.get(f"/o/{token}?paying=1", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_order_page_shows_payment_being_confirmed_and_no_invitation_to_pay(client, db, in_flight):
    order_id, token, _charge = in_flight
    assert db.session.get(Order, order_id).status == "pending_payment"
    html = order_page(client, token)
    assert "Payment being confirmed" in html and "There is no need to pay again" in html
    assert 'id="pay-now"' not in html and 'id="cancel-order"' not in html
    assert "badge-pending_payment" not in html and "did not go through" not in html
    assert 'hx-trigger="every 2s"' in html  # it keeps asking until the payment is recorded
    # Even without ?paying=1 (the buyer opens the link again later), the state is the same.
    assert 'id="pay-now"' not in client.get(f"/o/{token}", headers=EN).get_data(as_text=True)


def test_paying_again_while_the_payment_is_being_confirmed_opens_no_second_charge(client, db, in_flight):
    _order_id, token, _charge = in_flight
    html = client.get("/login").get_data(as_text=True)  # the order page has no form left: a stale tab's submit
    response = client.post(f"/o/{token}/pay", data={"csrf_token": csrf_from(html)}, headers=EN,
                           follow_redirects=True)
    assert "being confirmed. There is no need to pay again" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MockCharge)) == 1
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_a_retried_charge_that_succeeded_after_a_failure_is_being_confirmed_not_failed(client, db, make,
                                                                                      monkeypatch):
    order = pending_order(make, db.session)
    token, charge_id = order.token, start_payment(db.session, order)
    assert pay(client, charge_id, card=FAILING_CARD).status_code == 402  # "payment.failed" delivered
    assert "did not go through" in order_page(client, token)
    monkeypatch.setattr(delivery, "_send", lambda app, url, body: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):
        pay(client, charge_id)  # the same charge, a good card: succeeded at the provider
    monkeypatch.undo()
    html = order_page(client, token)
    assert "Payment being confirmed" in html and "did not go through" not in html and 'id="pay-now"' not in html


def test_a_claim_left_by_a_dead_worker_is_retried_well_within_a_minute(app, client, db, in_flight, monkeypatch):
    order_id, token, _charge = in_flight
    event = db.session.scalars(select(MockEvent)).one()
    assert event.locked_until is not None and event.delivered_at is None  # claimed, never released
    db.session.commit()
    later = utcnow() + timedelta(seconds=20)
    monkeypatch.setattr(delivery, "utcnow", lambda: later)  # the next deliver-callbacks run, 20 s on
    assert delivery.deliver_pending(app) == (1, 0)
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == "paid"
    assert "Payment being confirmed" not in order_page(client, token)


def test_an_unpaid_charge_still_offers_to_pay(client, db, make):
    order = pending_order(make, db.session)
    start_payment(db.session, order)
    db.session.execute(update(MockCharge).values(status="open"))
    html = order_page(client, order.token)
    # Back from the provider it waits, without a pay button beside the wait (issue 16), but links back to paying.
    assert "Payment being confirmed" not in html and f'href="/o/{order.token}"' in html
    assert 'id="pay-now"' in client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)
