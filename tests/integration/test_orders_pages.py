"""The order page behind its unguessable link, the payment-confirmation wait, and "my orders"."""
import secrets

import pytest
from sqlalchemy import update

from mall.clock import utcnow
from mall.orders import states
from mall.orders.checkout import CheckoutRequest, place_order
from tests.conftest import csrf_from
from tests.integration.payment_support import start_payment

EN = {"Accept-Language": "en"}


def place(db, product, *, user=None, name="王小明"):
    request = CheckoutRequest(sku_id=product.skus[0].id, quantity=1, contact_name=name,
                              contact_phone="13800138000", delivery="ship", address="上海市静安区南京西路 1 号",
                              idempotency_key=secrets.token_urlsafe(16), user_id=user.id if user else None)
    return place_order(db.session, request, now=utcnow())


def test_a_guest_opens_their_order_by_its_link(client, make, db):
    order = place(db, make.product(title="Jasmine Tea", skus=(("250g", 12800, 5),)))
    response = client.get(f"/o/{order.token}", headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Jasmine Tea" in html and "250g" in html and "¥128.00" in html
    assert order.number in html
    assert "badge-pending_payment" in html
    # The link is the buyer's own: their contact shows in full.
    assert "13800138000" in html and "王小明" in html and "南京西路" in html
    assert "Pay now" in html and "Cancel order" in html
    assert 'name="robots" content="noindex"' in html


@pytest.mark.parametrize("token", ["nope", "x" * 65, "x" * 2000, "' OR 1=1 --", "%E4%B8%AD"])
def test_unknown_order_links_are_404(client, db, token):
    response = client.get(f"/o/{token}", headers=EN)
    assert response.status_code == 404
    assert "could not find" in response.get_data(as_text=True)


def test_order_numbers_do_not_open_orders(client, make, db):
    order = place(db, make.product())
    assert client.get(f"/o/{order.number}").status_code == 404
    assert client.get(f"/o/{order.id}").status_code == 404


def test_pay_now_sends_the_buyer_to_the_provider_again(client, make, db):
    order = place(db, make.product())
    page = client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)
    response = client.post(f"/o/{order.token}/pay", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert "/mockpay/" in response.headers["Location"]


def test_a_paid_order_cannot_be_paid_again(client, make, db):
    order = place(db, make.product())
    page = client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)
    states.mark_paid(db.session, order.id, amount_fen=order.total_fen, now=utcnow())
    response = client.post(f"/o/{order.token}/pay", data={"csrf_token": csrf_from(page)}, headers=EN)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/o/{order.token}")
    assert "no longer awaiting payment" in client.get(response.headers["Location"], headers=EN).get_data(as_text=True)


def test_after_paying_the_page_waits_for_the_confirmation(client, make, db):
    order = place(db, make.product())
    start_payment(db.session, order)
    html = client.get(f"/o/{order.token}?paying=1", headers=EN).get_data(as_text=True)
    assert "Waiting for payment confirmation" in html
    assert f'hx-get="/o/{order.token}?paying=1"' in html and 'hx-trigger="every 2s"' in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html

    poll = client.get(f"/o/{order.token}?paying=1", headers={**EN, "HX-Request": "true"})
    assert poll.status_code == 200
    assert "<html" not in poll.get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in poll.get_data(as_text=True)
    assert "HX-Refresh" not in poll.headers

    states.mark_paid(db.session, order.id, amount_fen=order.total_fen, now=utcnow())
    poll = client.get(f"/o/{order.token}?paying=1", headers={**EN, "HX-Request": "true"})
    assert poll.headers["HX-Refresh"] == "true"
    assert "badge-paid" in poll.get_data(as_text=True)
    html = client.get(f"/o/{order.token}?paying=1", headers=EN).get_data(as_text=True)
    assert "Waiting for payment confirmation" not in html and "refresh" not in html


def test_a_callback_landing_between_two_reads_still_polls(client, make, db):
    """PostgreSQL reads each statement afresh: the page may see the order unpaid but the payment done."""
    from mall.payments.models import Payment

    order = place(db, make.product())
    start_payment(db.session, order)
    db.session.execute(update(Payment).where(Payment.order_id == order.id).values(status="succeeded"))
    db.session.commit()
    html = client.get(f"/o/{order.token}?paying=1", headers=EN).get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in html


def test_a_failed_payment_says_so_and_offers_to_pay_again(client, make, db):
    from mall.payments.models import Payment

    order = place(db, make.product())
    start_payment(db.session, order)
    db.session.execute(update(Payment).where(Payment.order_id == order.id).values(status="failed"))
    db.session.commit()
    html = client.get(f"/o/{order.token}?paying=1", headers=EN).get_data(as_text=True)
    assert "The payment did not go through" in html and "Pay now" in html
    assert "hx-trigger" not in html


def test_without_a_started_payment_there_is_nothing_to_wait_for(client, make, db):
    order = place(db, make.product())
    html = client.get(f"/o/{order.token}?paying=1", headers=EN).get_data(as_text=True)
    assert "Waiting for payment confirmation" not in html
    assert "hx-trigger" not in html


def test_my_orders_lists_only_my_orders_newest_first(client, make, db, login_as):
    me = make.user(name="Me")
    other = make.user(name="Someone else")
    product = make.product(title="Jasmine Tea")
    first = place(db, product, user=me)
    second = place(db, make.product(title="Oolong"), user=me)
    theirs = place(db, make.product(title="Pu'er"), user=other)
    guest = place(db, make.product(title="Longjing"))
    login_as(me)
    html = client.get("/orders", headers=EN).get_data(as_text=True)
    assert html.index(second.token) < html.index(first.token)
    assert theirs.token not in html and "Pu&#39;er" not in html
    assert guest.token not in html and "Longjing" not in html


def test_my_orders_are_paginated(client, make, db, login_as):
    me = make.user()
    product = make.product(skus=(("Box", 100, 50),))
    tokens = [place(db, product, user=me).token for _ in range(12)]
    login_as(me)
    first = client.get("/orders", headers=EN).get_data(as_text=True)
    second = client.get("/orders?page=2", headers=EN).get_data(as_text=True)
    assert sum(token in first for token in tokens) == 10
    assert sum(token in second for token in tokens) == 2
    assert "Older" in first and "Newer" in second
    assert client.get("/orders?page=abc", headers=EN).status_code == 200
    assert client.get("/orders?page=99999999999999999999", headers=EN).status_code == 200


def test_my_orders_sends_a_guest_to_find_their_orders_where_they_can_also_log_in(client, db):
    response = client.get("/orders")
    assert response.status_code == 302 and response.headers["Location"].endswith("/orders/find")
    assert "/login?next=/orders" in client.get("/orders/find").get_data(as_text=True)


def test_a_signed_in_buyer_opens_their_order_by_its_link_too(client, make, db, login_as):
    me = login_as(make.user())
    order = place(db, make.product(title="Jasmine Tea"), user=me)
    assert "Jasmine Tea" in client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)


def test_while_waiting_for_the_confirmation_there_is_no_pay_button(client, make, db):
    order = place(db, make.product())
    start_payment(db.session, order)
    html = client.get(f"/o/{order.token}?paying=1", headers=EN).get_data(as_text=True)
    assert "Waiting for payment confirmation" in html
    assert 'id="pay-now"' not in html and "Pay now" not in html
    assert f'href="/o/{order.token}"' in html  # a buyer who never paid opens the order again
    assert 'id="pay-now"' in client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)
