"""A brand admin's order pages: only their brand's orders; ship, complete and decide refunds, each once."""
import secrets

import pytest
from sqlalchemy import select

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.orders import states
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.models import Order, Refund
from mall.orders.refunds import request_refund
from tests.conftest import csrf_from
from tests.integration.payment_support import pay, start_payment

EN = {"Accept-Language": "en"}


def place(db, product, name="王小明"):
    request = CheckoutRequest(sku_id=product.skus[0].id, quantity=1, contact_name=name,
                              contact_phone="13800138000", delivery="ship", address="上海市静安区南京西路 1 号",
                              idempotency_key=secrets.token_urlsafe(16))
    return place_order(db.session, request, now=utcnow())


def paid(db, product, **kw):
    order = place(db, product, **kw)
    states.mark_paid(db.session, order.id, amount_fen=order.total_fen, now=utcnow())
    return order


@pytest.fixture()
def shop(make, db):
    """Two brands with an order each, and the first brand's admin."""
    mine, theirs = make.brand(name="Mine"), make.brand(name="Theirs")
    admin = make.user(Role.BRAND_ADMIN, brand=mine)
    my_order = paid(db, make.product(mine, title="My Tea"), name="Buyer Mine")
    their_order = paid(db, make.product(theirs, title="Their Tea"), name="Buyer Theirs")
    return admin, my_order, their_order


def status(db, order):
    return db.session.scalar(select(Order.status).where(Order.id == order.id))


def post(client, url, data=None):
    page = client.get("/admin/orders", headers=EN).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(page), **(data or {})}, headers=EN)


def test_a_brand_admin_sees_only_their_brands_orders(client, login_as, shop):
    admin, my_order, their_order = shop
    login_as(admin)
    html = client.get("/admin/orders", headers=EN).get_data(as_text=True)
    assert my_order.number in html and "My Tea" in html
    assert their_order.number not in html and "Their Tea" not in html
    detail = client.get(f"/admin/orders/{my_order.number}", headers=EN)
    assert detail.status_code == 200
    assert "13800138000" in detail.get_data(as_text=True)  # they need it to deliver


def test_another_brands_order_is_not_found(client, login_as, shop):
    admin, _mine, their_order = shop
    login_as(admin)
    assert client.get(f"/admin/orders/{their_order.number}").status_code == 404
    assert post(client, f"/admin/orders/{their_order.number}/ship").status_code == 404
    assert client.get("/admin/orders/NOPE").status_code == 404
    assert client.get("/admin/orders/A%00B").status_code == 400  # NUL is refused before any lookup


def test_a_platform_admin_sees_every_brand(client, login_as, make, shop):
    _admin, my_order, their_order = shop
    login_as(make.user(Role.PLATFORM_ADMIN))
    html = client.get("/admin/orders", headers=EN).get_data(as_text=True)
    assert my_order.number in html and their_order.number in html
    assert client.get(f"/admin/orders/{their_order.number}").status_code == 200


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.PARTNER])
def test_other_people_are_refused(client, login_as, make, shop, role):
    _admin, my_order, _theirs = shop
    login_as(make.user(role))
    assert client.get("/admin/orders").status_code == 403
    assert client.get(f"/admin/orders/{my_order.number}").status_code == 403


def test_staff_of_a_store_are_refused(client, login_as, make, shop):
    admin, my_order, _theirs = shop
    login_as(make.user(Role.STORE_MANAGER, store=make.store(admin.brand)))
    assert client.get("/admin/orders").status_code == 403


def test_guests_are_sent_to_log_in(client, shop):
    _admin, my_order, _theirs = shop
    response = client.get("/admin/orders")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(f"/admin/orders/{my_order.number}").status_code == 302


def test_ship_and_complete_each_once(client, login_as, db, shop):
    admin, order, _theirs = shop
    login_as(admin)
    assert "Mark as shipped" in client.get(f"/admin/orders/{order.number}", headers=EN).get_data(as_text=True)
    first = post(client, f"/admin/orders/{order.number}/ship")
    assert first.status_code == 303
    assert status(db, order) == "shipped"
    again = post(client, f"/admin/orders/{order.number}/ship")  # a double click
    notice = client.get(again.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Only a paid order can be shipped." in notice
    assert status(db, order) == "shipped"
    post(client, f"/admin/orders/{order.number}/complete")
    assert status(db, order) == "completed"


def test_an_unpaid_order_cannot_be_shipped(client, login_as, db, make, shop):
    admin, _order, _theirs = shop
    unpaid = place(db, make.product(admin.brand))
    login_as(admin)
    post(client, f"/admin/orders/{unpaid.number}/ship")
    assert status(db, unpaid) == "pending_payment"


def test_the_status_filter(client, login_as, db, make, shop):
    admin, paid_order, _theirs = shop
    unpaid = place(db, make.product(admin.brand))
    login_as(admin)
    html = client.get("/admin/orders?status=pending_payment", headers=EN).get_data(as_text=True)
    assert unpaid.number in html and paid_order.number not in html
    html = client.get("/admin/orders?status=bogus&page=-3", headers=EN).get_data(as_text=True)
    assert unpaid.number in html and paid_order.number in html


def test_approving_a_refund_from_the_admin_page(client, login_as, db, make):
    brand = make.brand()
    admin = make.user(Role.BRAND_ADMIN, brand=brand)
    order = place(db, make.product(brand, skus=(("Box", 12800, 5),)))
    pay(client, start_payment(db.session, order))
    refund = request_refund(db.session, order.id, items=None, reason="Broken lid", now=utcnow())
    login_as(admin)
    html = client.get(f"/admin/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert "Broken lid" in html and "Approve refund" in html
    url = f"/admin/orders/{order.number}/refunds/{refund.id}/approve"
    response = post(client, url)
    assert "Refund of ¥128.00 approved." in client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    again = post(client, url)
    assert "already been decided" in client.get(again.headers["Location"], headers=EN).get_data(as_text=True)
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert (order.status, order.refunded_fen) == ("refunded", 12800)
    assert db.session.get(Refund, refund.id).decided_by_id == admin.id


def test_rejecting_a_refund_needs_a_reason(client, login_as, db, shop):
    admin, order, _theirs = shop
    refund = request_refund(db.session, order.id, items=None, reason="", now=utcnow())
    login_as(admin)
    url = f"/admin/orders/{order.number}/refunds/{refund.id}/reject"
    response = post(client, url, {f"refund-{refund.id}-reason": ""})
    assert response.status_code == 422
    assert "Please tell the buyer why." in response.get_data(as_text=True)
    response = post(client, url, {f"refund-{refund.id}-reason": "Used <b>twice</b>"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).status == "rejected"
    buyer_page = client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)
    assert "badge-rejected" in buyer_page and "Used &lt;b&gt;twice&lt;/b&gt;" in buyer_page


def test_a_refund_of_another_order_is_not_found(client, login_as, db, make, shop):
    admin, order, their_order = shop
    other_refund = request_refund(db.session, their_order.id, items=None, reason="", now=utcnow())
    login_as(admin)
    response = post(client, f"/admin/orders/{order.number}/refunds/{other_refund.id}/approve")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Refund, other_refund.id).status == "requested"
