"""The mock provider's payment page: validation, the three test cards, double clicks."""
import pytest
from sqlalchemy import func, select

from mall.orders.models import Order
from mall.payments.mock.models import MockCharge, MockEvent
from mall.payments.models import Payment
from tests.conftest import csrf_from
from tests.integration.payment_support import (
    DECLINED_CARD,
    EN,
    FAILING_CARD,
    callback_count,
    pay,
    pending_order,
    start_payment,
)


@pytest.fixture()
def charge(make, db):
    order = pending_order(make, db.session, price_fen=22800, quantity=2)
    return start_payment(db.session, order), order


def _events(db) -> int:
    return db.session.scalar(select(func.count()).select_from(MockEvent))


def test_the_page_shows_amount_reference_form_and_test_cards(client, charge):
    charge_id, order = charge
    html = client.get(f"/mockpay/{charge_id}", headers=EN).get_data(as_text=True)
    assert "¥456.00" in html and order.number in html and "Jasmine Tea" in html
    for element_id in ('id="card_number"', 'id="expiry"', 'id="cvc"', 'id="pay-button"'):
        assert element_id in html
    assert "4242 4242 4242 4242" in html and "4000 0000 0000 0002" in html and "4000 0000 0000 0119" in html
    assert "style=" not in html and "<script>" not in html  # the CSP forbids inline styles and scripts


def test_the_page_speaks_chinese_by_default(client, charge):
    html = client.get(f"/mockpay/{charge[0]}").get_data(as_text=True)
    assert 'lang="zh-CN"' in html


@pytest.mark.parametrize("card, expiry, cvc, message", [
    ("4242 4242 4242 4241", "12/39", "123", "not valid"),
    ("4242-4242-4242-4242", "12/39", "123", "digits only"),
    ("abcd efgh ijkl mnop", "12/39", "123", "digits only"),
    ("4242 4242", "12/39", "123", "12 to 19 digits"),
    ("4242 4242 4242 4242 4242 4242", "12/39", "123", "12 to 19 digits"),
    ("", "12/39", "123", "Enter your card number"),
    ("   ", "12/39", "123", "Enter your card number"),
    ("4242 4242 4242 4242", "01/20", "123", "expired"),
    ("4242 4242 4242 4242", "13/39", "123", "MM/YY"),
    ("4242 4242 4242 4242", "00/39", "123", "MM/YY"),
    ("4242 4242 4242 4242", "1239", "123", "MM/YY"),
    ("4242 4242 4242 4242", "ab/cd", "123", "MM/YY"),
    ("4242 4242 4242 4242", "12/99", "123", "too far in the future"),
    ("4242 4242 4242 4242", "", "123", "Enter the expiry date"),
    ("4242 4242 4242 4242", "12/39", "12", "3 or 4 digits"),
    ("4242 4242 4242 4242", "12/39", "12345", "3 or 4 digits"),
    ("4242 4242 4242 4242", "12/39", "abc", "3 or 4 digits"),
    ("4242 4242 4242 4242", "12/39", "", "Enter the security code"),
    ("<script>alert(1)</script>", "12/39", "123", "digits only"),
])
def test_bad_card_details_are_shown_inline_and_charge_nothing(client, db, charge, card, expiry, cvc, message):
    charge_id, order = charge
    response = pay(client, charge_id, card=card, expiry=expiry, cvc=cvc)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and 'class="error"' in html
    assert "<script>alert(1)</script>" not in html
    assert db.session.get(MockCharge, charge_id).status == "open"
    assert _events(db) == 0
    assert db.session.get(Order, order.id).status == "pending_payment"


def test_a_missing_csrf_token_is_refused(client, db, charge):
    response = client.post(f"/mockpay/{charge[0]}", data={"card_number": "4242 4242 4242 4242",
                                                           "expiry": "12/39", "cvc": "123"}, headers=EN)
    assert response.status_code == 400
    assert db.session.get(MockCharge, charge[0]).status == "open"


def test_the_good_card_pays_the_order_and_returns_the_buyer(client, db, charge):
    charge_id, order = charge
    response = pay(client, charge_id)
    assert response.status_code == 303
    assert response.headers["Location"] == f"http://localhost/o/{order.token}?paying=1"
    db.session.expire_all()
    assert db.session.get(MockCharge, charge_id).status == "succeeded"
    assert db.session.get(MockCharge, charge_id).card_last4 == "4242"
    paid = db.session.get(Order, order.id)
    assert paid.status == "paid" and paid.paid_at is not None
    event = db.session.scalars(select(MockEvent)).one()
    assert event.delivered_at is not None and event.attempts == 1 and event.last_error == ""
    assert callback_count(db.session) == 1


def test_the_declined_card_is_shown_inline_and_the_charge_stays_open(client, db, charge):
    charge_id, order = charge
    response = pay(client, charge_id, card=DECLINED_CARD)
    assert response.status_code == 402
    assert "Your card was declined" in response.get_data(as_text=True)
    assert db.session.get(MockCharge, charge_id).status == "open"
    assert _events(db) == 0 and callback_count(db.session) == 0
    # The buyer tries another card on the same page.
    assert pay(client, charge_id).status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "paid"


def test_a_processing_error_sends_a_failed_callback_and_allows_a_retry(client, db, charge):
    charge_id, order = charge
    response = pay(client, charge_id, card=FAILING_CARD)
    assert response.status_code == 402
    assert "could not be processed" in response.get_data(as_text=True)
    db.session.expire_all()
    payment = db.session.scalars(select(Payment)).one()
    assert (payment.status, payment.failure_reason) == ("failed", "processing_error")
    assert db.session.get(Order, order.id).status == "pending_payment"
    assert callback_count(db.session) == 1

    assert pay(client, charge_id).status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "paid"
    assert db.session.get(Payment, payment.id).status == "succeeded"
    assert callback_count(db.session) == 2


def test_paying_twice_makes_one_event_and_shows_the_receipt(client, db, charge):
    charge_id, order = charge
    page = client.get(f"/mockpay/{charge_id}", headers=EN)
    data = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123",
            "csrf_token": csrf_from(page.get_data(as_text=True))}
    first = client.post(f"/mockpay/{charge_id}", data=data, headers=EN)
    second = client.post(f"/mockpay/{charge_id}", data=data, headers=EN)  # the double click
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _events(db) == 1 and callback_count(db.session) == 1
    receipt = client.get(f"/mockpay/{charge_id}", headers=EN).get_data(as_text=True)
    assert "Payment complete" in receipt and "4242" in receipt and 'id="pay-button"' not in receipt


@pytest.mark.parametrize("charge_id", ["ch_unknown", "x" * 300, "../../etc/passwd"])
def test_an_unknown_charge_is_a_friendly_404(client, charge_id):
    response = client.get(f"/mockpay/{charge_id}", headers=EN)
    assert response.status_code == 404
    assert "could not find" in response.get_data(as_text=True)
