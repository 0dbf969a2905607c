"""Issue 16: a guest finds their orders again by phone (a texted code), and verifying a phone gives an account
the orders placed with it as a guest."""
import re
import secrets
from datetime import timedelta

from sqlalchemy import select

from mall.clock import utcnow
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.models import Order
from mall.sms.codes import MAX_ATTEMPTS
from mall.sms.models import PhoneCode, SmsMessage
from tests.conftest import csrf_from
from tests.integration.test_production_config import PUBLIC, production_app

EN = {"Accept-Language": "en"}
PHONE = "13912345678"


def place(db, product, *, phone=PHONE, user=None):
    request = CheckoutRequest(sku_id=product.skus[0].id, quantity=1, contact_name="王小明", contact_phone=phone,
                              delivery="ship", address="上海市静安区南京西路 1 号",
                              idempotency_key=secrets.token_urlsafe(16), user_id=user.id if user else None)
    order = place_order(db.session, request, now=utcnow())
    db.session.commit()
    return order


def texted_code(db, phone=PHONE) -> str:
    message = db.session.scalars(select(SmsMessage).where(SmsMessage.phone == phone)
                                 .order_by(SmsMessage.id.desc())).first()
    assert message is not None, "no text message was sent"
    return re.search(r"\d{6}", message.body).group()


def ask_code(client, phone=PHONE):
    page = client.get("/orders/find", headers=EN).get_data(as_text=True)
    return client.post("/orders/find", data={"phone": phone, "csrf_token": csrf_from(page)}, headers=EN)


def type_code(client, code, phone=PHONE):
    page = client.get(f"/orders/find/code?phone={phone}", headers=EN).get_data(as_text=True)
    return client.post("/orders/find/code", data={"phone": phone, "code": code, "csrf_token": csrf_from(page)},
                       headers=EN)


def test_a_guest_finds_their_orders_by_phone_with_a_texted_code(client, db, make):
    mine = place(db, make.product(title="Jasmine Tea"))
    other = place(db, make.product(title="Oolong"), phone="13700000000")
    response = ask_code(client)
    assert response.status_code == 303 and "/orders/find/code" in response.headers["Location"]
    stored = db.session.scalars(select(PhoneCode)).one()
    code = texted_code(db)
    assert code not in stored.code_hash and len(stored.code_hash) == 64  # only a hash is kept
    response = type_code(client, code)
    assert response.status_code == 303 and response.headers["Location"].endswith("/orders/found")
    html = client.get("/orders/found", headers=EN).get_data(as_text=True)
    assert f"/o/{mine.token}" in html and "Jasmine Tea" in html
    assert f"/o/{other.token}" not in html and "Oolong" not in html
    # The code is used up: typing it again opens nothing.
    with client.session_transaction() as browser:
        browser.clear()
    assert type_code(client, code).status_code == 422
    assert client.get("/orders/found").status_code == 302


def test_a_wrong_code_opens_nothing_and_counts_until_the_code_is_dead(client, db, make):
    place(db, make.product())
    ask_code(client)
    code = texted_code(db)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = type_code(client, wrong)
    assert response.status_code == 422 and "not right" in response.get_data(as_text=True)
    for _ in range(MAX_ATTEMPTS - 1):
        type_code(client, wrong)
    assert db.session.scalars(select(PhoneCode)).one().attempts == MAX_ATTEMPTS
    response = type_code(client, code)  # even the right code, once the tries are used up
    assert response.status_code == 422 and "Ask for a new one" in response.get_data(as_text=True)
    assert client.get("/orders/found").status_code == 302


def test_an_expired_code_is_refused(client, db, make):
    place(db, make.product())
    ask_code(client)
    db.session.scalars(select(PhoneCode)).one().expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert type_code(client, texted_code(db)).status_code == 422


def test_a_second_code_within_a_minute_is_refused_and_the_number_is_checked(client, db):
    assert ask_code(client).status_code == 303
    second = ask_code(client)
    assert second.status_code == 422 and "wait a minute" in second.get_data(as_text=True)
    assert db.session.query(SmsMessage).count() == 1
    bad = ask_code(client, phone="12345")
    assert bad.status_code == 422 and "11 digits" in bad.get_data(as_text=True)


def test_codes_are_rate_limited_per_number(client, db, app):
    for _ in range(3):
        db.session.query(PhoneCode).update({PhoneCode.created_at: utcnow() - timedelta(minutes=5)})
        db.session.commit()
        assert ask_code(client).status_code == 303
    db.session.query(PhoneCode).update({PhoneCode.created_at: utcnow() - timedelta(minutes=5)})
    db.session.commit()
    assert ask_code(client).status_code == 429


def test_my_orders_sends_a_guest_to_the_look_up(client, db):
    response = client.get("/orders", headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/orders/find")


def test_the_order_page_tells_a_guest_how_to_find_it_again(client, db, make):
    order = place(db, make.product())
    html = client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)
    assert 'id="find-again"' in html and 'href="/orders/find"' in html


def test_registering_with_the_phone_and_verifying_it_attaches_the_guest_orders(client, db, make):
    first, second = place(db, make.product(title="Jasmine Tea")), place(db, make.product(title="Oolong"))
    strangers = place(db, make.product(title="Pu'er"), phone="13700000000")
    page = client.get("/register", headers=EN).get_data(as_text=True)
    response = client.post("/register", data={"name": "王小明", "login": PHONE, "password": "long-enough-1",
                                              "confirm": "long-enough-1", "csrf_token": csrf_from(page)},
                           headers=EN)
    assert response.status_code == 302 and "/account/phone" in response.headers["Location"]
    html = client.get("/orders", headers=EN).get_data(as_text=True)
    assert "You have no orders yet" in html and 'id="verify-phone-hint"' in html  # not before the proof
    page = client.get("/account/phone", headers=EN).get_data(as_text=True)
    response = client.post("/account/phone/code", data={"phone": PHONE, "code": texted_code(db),
                                                        "csrf_token": csrf_from(page)}, headers=EN)
    assert response.status_code == 303
    html = client.get("/orders", headers=EN).get_data(as_text=True)
    assert "Jasmine Tea" in html and "Oolong" in html and "Pu'er" not in html
    assert 'id="verify-phone-hint"' not in html
    db.session.expire_all()
    assert db.session.get(Order, first.id).user_id == db.session.get(Order, second.id).user_id is not None
    assert db.session.get(Order, strangers.id).user_id is None


def test_a_user_logging_in_verifies_later_from_my_orders(client, db, make, login_as):
    user = make.user(phone=PHONE)
    order = place(db, make.product(title="Jasmine Tea"))
    login_as(user)
    assert 'id="verify-phone-hint"' in client.get("/orders", headers=EN).get_data(as_text=True)
    page = client.get("/account/phone", headers=EN).get_data(as_text=True)
    client.post("/account/phone", data={"csrf_token": csrf_from(page)}, headers=EN)
    wrong = client.post("/account/phone/code", data={"code": "000000", "csrf_token": csrf_from(page)}, headers=EN)
    assert wrong.status_code == 422 or texted_code(db) == "000000"
    assert db.session.get(Order, order.id).user_id is None
    client.post("/account/phone/code", data={"code": texted_code(db), "csrf_token": csrf_from(page)}, headers=EN)
    db.session.expire_all()
    assert db.session.get(Order, order.id).user_id == user.id


def test_the_dev_inbox_shows_the_texts_and_is_absent_in_production(client, db, app):
    ask_code(client)
    html = client.get("/dev/sms", headers=EN).get_data(as_text=True)
    assert PHONE in html and texted_code(db) in html
    for provider in (None, "mock"):  # unset, or even the mock named on purpose: no inbox in production
        prod = production_app(app, SMS_PROVIDER=provider)
        assert "sms.inbox" not in prod.view_functions
        assert prod.test_client().get("/dev/sms", base_url=PUBLIC).status_code == 404
