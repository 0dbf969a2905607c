"""POST /payments/<provider>/notify: signed, exact and idempotent; nothing a caller sends makes a 500."""
import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from mall.clock import utcnow
from mall.orders.models import Order
from mall.payments.models import Payment, PaymentCallback
from tests.integration.payment_support import callback_count, event, pending_order, post_callback, signed, start_payment


@pytest.fixture()
def started(make, db):
    """A pending order with a started payment: (order id, number, total, charge id)."""
    order = pending_order(make, db.session, price_fen=9900, quantity=3)
    charge_id = start_payment(db.session, order)
    result = (order.id, order.number, order.total_fen, charge_id)
    db.session.commit()  # hold no transaction while the endpoint works
    return result


def _order(db, order_id) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def test_a_signed_success_marks_the_order_paid(client, db, started):
    order_id, number, total, charge_id = started
    response = post_callback(client, event(charge_id, number, total))
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"
    assert response.headers["Mall-Outcome"] == "paid"
    order = _order(db, order_id)
    assert order.status == "paid" and order.paid_at is not None
    payment = db.session.scalars(select(Payment)).one()
    assert payment.status == "succeeded" and payment.succeeded_at is not None


def test_the_same_callback_replayed_ten_times_has_one_effect(client, db, started):
    order_id, number, total, charge_id = started
    body, headers = signed(event(charge_id, number, total))
    first = client.post("/payments/mock/notify", data=body, headers=headers)
    paid_at = _order(db, order_id).paid_at
    db.session.commit()
    replies = [client.post("/payments/mock/notify", data=body, headers=headers) for _ in range(9)]
    assert first.headers["Mall-Outcome"] == "paid"
    assert all(r.status_code == 200 and r.headers["Mall-Outcome"] == "duplicate" for r in replies)
    assert callback_count(db.session) == 1
    order = _order(db, order_id)
    assert order.status == "paid" and order.paid_at == paid_at


@pytest.mark.real_commits  # threads with their own connections
def test_concurrent_replays_have_one_effect(app, db, started):
    order_id, number, total, charge_id = started
    body, headers = signed(event(charge_id, number, total))
    outcomes, barrier = [], threading.Barrier(10)

    def replay():
        client = app.test_client()  # its own thread, so its own app context and session
        barrier.wait()
        response = client.post("/payments/mock/notify", data=body, headers=headers)
        outcomes.append((response.status_code, response.headers.get("Mall-Outcome")))

    threads = [threading.Thread(target=replay) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == [(200, "duplicate")] * 9 + [(200, "paid")]
    assert callback_count(db.session) == 1
    assert _order(db, order_id).status == "paid"


def test_a_second_event_for_an_already_paid_charge_changes_nothing(client, db, started):
    order_id, number, total, charge_id = started
    post_callback(client, event(charge_id, number, total))
    paid_at = _order(db, order_id).paid_at
    db.session.commit()
    again = post_callback(client, event(charge_id, number, total))  # a new event id, same charge
    assert again.status_code == 200 and again.headers["Mall-Outcome"] == "already succeeded"
    assert _order(db, order_id).paid_at == paid_at


@pytest.mark.parametrize("how", ["wrong secret", "stale", "tampered", "unsigned", "garbage header"])
def test_a_bad_signature_is_refused_and_changes_nothing(client, db, started, how):
    order_id, number, total, charge_id = started
    payload = event(charge_id, number, total)
    if how == "wrong secret":
        body, headers = signed(payload, secret="guessed")
    elif how == "stale":
        body, headers = signed(payload, now=utcnow() - timedelta(minutes=6))
    elif how == "tampered":
        body, headers = signed(payload)
        body = body.replace(b"payment.succeeded", b"payment.failed")
    else:
        body, headers = json.dumps(payload).encode(), {"Content-Type": "application/json"}
        if how == "garbage header":
            headers["Mall-Signature"] = "t=💥,v1=\x00"
    response = client.post("/payments/mock/notify", data=body, headers=headers)
    assert response.status_code == 400
    assert callback_count(db.session) == 0
    assert _order(db, order_id).status == "pending_payment"
    assert db.session.scalars(select(Payment)).one().status == "created"


@pytest.mark.parametrize("body", [b"", b"{", b"\x00\xff" * 100, b"[]", b'{"id": "evt_x"}',
                                  json.dumps({"id": "e" * 65, "type": "payment.succeeded"}).encode(),
                                  b"[" * 30000 + b"]" * 30000])
def test_malformed_bodies_are_refused_with_400_signed_or_not(client, db, body):
    assert client.post("/payments/mock/notify", data=body).status_code == 400
    signed_body, headers = signed(body)
    assert client.post("/payments/mock/notify", data=signed_body, headers=headers).status_code == 400
    assert callback_count(db.session) == 0


def test_an_unknown_provider_is_a_404_and_a_get_is_refused(client, db):
    body, headers = signed(b"{}")
    assert client.post("/payments/paypal/notify", data=body, headers=headers).status_code == 404
    assert client.post("/payments/" + "x" * 500 + "/notify", data=body, headers=headers).status_code == 404
    assert client.get("/payments/mock/notify").status_code == 405


def test_a_huge_body_is_refused_before_it_is_read(client, db):
    assert client.post("/payments/mock/notify", data=b"x" * (65 * 1024)).status_code == 413


@pytest.mark.parametrize("change", [{"amount_fen": 1}, {"amount_fen": 29701}, {"merchant_ref": "261124-OTHER1"}])
def test_a_mismatched_amount_or_reference_is_recorded_and_leaves_the_order_alone(client, db, started, change):
    order_id, number, total, charge_id = started
    payload = event(charge_id, number, total)
    payload["data"].update(change)
    response = post_callback(client, payload)
    assert response.status_code == 200 and response.headers["Mall-Outcome"] == "mismatch"
    assert _order(db, order_id).status == "pending_payment"
    assert db.session.scalars(select(PaymentCallback)).one().outcome == "mismatch"
    assert db.session.scalars(select(Payment)).one().status == "created"


def test_a_callback_for_an_unknown_charge_is_recorded_and_answered(client, db, started):
    order_id, number, total, _charge_id = started
    response = post_callback(client, event("ch_nobody", number, total))
    assert response.status_code == 200 and response.headers["Mall-Outcome"] == "unknown payment"
    assert _order(db, order_id).status == "pending_payment"


def test_a_failed_payment_is_recorded_and_the_order_stays_payable(client, db, started):
    order_id, number, total, charge_id = started
    response = post_callback(client, event(charge_id, number, total, type_="payment.failed"))
    assert response.headers["Mall-Outcome"] == "failed"
    payment = db.session.scalars(select(Payment)).one()
    assert (payment.status, payment.failure_reason) == ("failed", "processing_error")
    assert _order(db, order_id).status == "pending_payment"


def test_control_characters_in_a_signed_event_never_reach_the_database(client, db, started):
    order_id, number, total, charge_id = started
    payload = event(charge_id, number, total, type_="payment.failed")
    payload["data"]["failure_reason"] = "bank\u0000 offline"
    assert post_callback(client, payload).status_code == 200
    assert db.session.scalars(select(Payment)).one().failure_reason == "bank offline"
    payload = event(charge_id + "\u0000", number, total)
    assert post_callback(client, payload).status_code == 400


def test_a_late_failure_event_does_not_undo_a_success(client, db, started):
    order_id, number, total, charge_id = started
    post_callback(client, event(charge_id, number, total))
    late = post_callback(client, event(charge_id, number, total, type_="payment.failed"))
    assert late.status_code == 200 and late.headers["Mall-Outcome"] == "ignored: payment already settled"
    assert db.session.scalars(select(Payment)).one().status == "succeeded"
    assert _order(db, order_id).status == "paid"
