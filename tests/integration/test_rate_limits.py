"""Rate limits: wrong passwords, sign-ups, orders, refunds, withdrawals, share links and payment callbacks.

Each test lowers one limit in the config (read on every request) and shows that the next request is
refused with the mall's own 429 page, a Retry-After, a message in the visitor's language, and no change.
"""
import re

import pytest
from flask_babel import refresh
from sqlalchemy import select

from mall import create_app
from mall.accounts.models import User
from mall.catalog.models import Sku
from mall.commission.models import Withdrawal
from mall.orders.models import Order, Refund
from mall.payments.models import PaymentCallback
from mall.ratelimits import LOGIN_MESSAGE, ORDER_MESSAGE, wait_text
from mall.referral.models import Touch
from tests.conftest import IsolatedClient, csrf_from
from tests.factories import PASSWORD
from tests.integration import dashboard_data
from tests.integration.payment_support import event, pay, pending_order, signed, start_payment
from tests.integration.ratelimit_support import count, ip, log_in, logged_in, post_form
from tests.integration.referral_data import partner

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def assert_refused(response, *, within: int = 60) -> str:
    """A 429 with a Retry-After of whole seconds (at most the window); returns the page."""
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= within + 1
    return response.get_data(as_text=True)


def assert_error_page(html: str) -> None:
    assert 'class="card error-page"' in html and "<h1>429</h1>" in html  # templates/errors/error.html


# Log-in

def test_failed_logins_from_one_ip_are_refused_with_the_form_again(client, make, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_IP", "3 per minute")
    victims = [make.user() for _ in range(4)]
    for victim in victims[:3]:  # one attempt each: the per-account limit stays out of it
        assert log_in(client, victim.login, **ip("203.0.113.7")).status_code == 200
    refused = log_in(client, victims[3].login, password=PASSWORD, **ip("203.0.113.7"))
    html = assert_refused(refused)
    assert '<form method="post"' in html and 'name="password"' in html and 'name="csrf_token"' in html
    assert "Too many failed log-in attempts. Please try again in " in html
    assert not logged_in(client, **ip("203.0.113.7"))  # even the right password was not tried
    assert log_in(client, victims[3].login, password=PASSWORD, **ip("198.51.100.2")).status_code == 302


def test_successful_logins_do_not_count(client, make, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_IP", "2 per minute")
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT", "2 per minute")
    user = make.user()
    for _ in range(5):  # five phones, one network
        assert log_in(app.test_client(), user.login, password=PASSWORD).status_code == 302


def test_failed_logins_for_one_account_are_refused_whatever_the_ip_and_spelling(client, make, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT", "3 per minute")
    make.user(phone="13912345678")
    for n, spelling in enumerate(["13912345678", "+86 139 1234 5678", "139-1234-5678"]):
        assert log_in(client, spelling, **ip(f"203.0.113.{n + 1}")).status_code == 200
    assert_refused(log_in(client, " 13912345678 ", password=PASSWORD, **ip("203.0.113.99")))
    assert not logged_in(client, **ip("203.0.113.99"))
    other = make.user()
    assert log_in(client, other.login, password=PASSWORD, **ip("203.0.113.99")).status_code == 302


def test_the_reported_fifty_wrong_passwords_meet_the_default_limit(client, make, db, app):
    user = make.user()
    answers = [log_in(client, user.login).status_code for _ in range(50)]
    per_account = int(app.config["RATELIMIT_LOGIN_ACCOUNT"].split()[0])
    assert answers == [200] * per_account + [429] * (50 - per_account)


def test_the_login_refusal_speaks_english_and_chinese(client, make, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT", "1 per minute")
    user = make.user()
    log_in(client, user.login)
    # The wait is Babel's own words: "45 seconds" / "45秒钟", "1 minute" / "1分钟".
    for headers, lang, wait in ((EN, "en", r"\d+ (seconds?|minute)"), (ZH, "zh-CN", r"\d+(秒钟|分钟)")):
        html = assert_refused(log_in(client, user.login, headers=headers))
        assert f'<html lang="{lang}">' in html and 'name="login"' in html
        with app.test_request_context(headers=headers):
            refresh()  # the test's app context is reused and would keep the previous language's catalogue
            before, after = str(LOGIN_MESSAGE).split("%(wait)s")
        assert re.search(re.escape(before) + wait + re.escape(after), html), html


# Registration

def register(client, login, **kw):
    return post_form(client, "/register", {"name": "王小明", "login": login, "password": "long-enough",
                                           "confirm": "long-enough"}, **kw)


def test_registrations_from_one_ip_are_limited_and_a_refused_one_creates_nobody(client, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_REGISTER_IP", "2 per minute")
    assert register(client, "13800000001").status_code == 302
    assert register(client, "13800000002").status_code == 302
    html = assert_refused(register(client, "13800000003"))
    assert 'name="confirm"' in html and "Too many attempts to create an account." in html
    assert count(db, User) == 2
    assert register(client, "13800000003", **ip("198.51.100.2")).status_code == 302


def test_registrations_of_one_login_are_limited_across_ips(client, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_REGISTER_ACCOUNT", "2 per minute")
    assert register(client, "mei@example.com", **ip("203.0.113.1")).status_code == 302
    assert register(client, "MEI@example.com", **ip("203.0.113.2")).status_code == 200  # taken
    assert_refused(register(client, "mei@example.com", **ip("203.0.113.3")))
    assert count(db, User) == 1


# Orders, refunds, withdrawals

def buy(client, product, headers=EN):
    html = client.get(f"/p/{product.code}", headers=headers).get_data(as_text=True)
    key = html.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_from(html), "idempotency_key": key, "sku_id": str(product.skus[0].id),
            "quantity": "1", "contact_name": "王小明", "contact_phone": "13800138000", "delivery": "ship",
            "address": "上海市静安区南京西路 1 号", "note": ""}
    return client.post(f"/p/{product.code}/buy", data=data, headers=headers)


def test_order_creation_is_limited_and_a_refused_order_holds_no_stock(client, make, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_ORDER", "2 per minute")
    product = make.product(skus=(("Tin", 9900, 10),))
    assert [buy(client, product).status_code for _ in range(2)] == [303, 303]
    html = assert_refused(buy(client, product))
    assert_error_page(html)
    assert "Too many orders in a short time. Please try again in " in html
    assert count(db, Order) == 2
    assert db.session.scalar(select(Sku.stock).where(Sku.id == product.skus[0].id)) == 8


def test_the_429_page_speaks_the_visitors_language(client, make, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_ORDER", "1 per minute")
    product = make.product()
    buy(client, product)
    for headers, lang, wait in ((EN, "en", r"\d+ (seconds?|minute)"), (ZH, "zh-CN", r"\d+(秒钟|分钟)")):
        html = assert_refused(buy(client, product, headers=headers))
        assert_error_page(html)
        assert f'<html lang="{lang}">' in html
        with app.test_request_context(headers=headers):
            refresh()  # the test's app context is reused and would keep the previous language's catalogue
            before, after = str(ORDER_MESSAGE).split("%(wait)s")
        assert re.search(re.escape(before) + wait + re.escape(after), html), html


def paid_order(client, make, db) -> Order:
    order = pending_order(make, db.session, price_fen=5000)
    charge = start_payment(db.session, order)
    db.session.commit()
    assert pay(client, charge).status_code == 303
    return order


def test_refund_requests_are_limited_and_a_refused_one_records_nothing(client, make, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "RATELIMIT_REFUND", "2 per minute")
    order = paid_order(client, make, db)

    def ask(reason):
        token = csrf_from(client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True))
        return client.post(f"/o/{order.token}/refunds", headers=EN,
                           data={"csrf_token": token, "line_id": "", "amount": "", "reason": reason})

    assert [ask("").status_code for _ in range(2)] == [422, 422]  # refused by the form, attempts all the same
    html = assert_refused(ask("Broken"))
    assert_error_page(html)
    assert "Too many refund requests in a short time." in html
    assert count(db, Refund) == 0
    assert order_status(db, order.id) == "paid"


def test_withdrawal_requests_are_limited_per_account(client, make, db, monkeypatch, app, login_as):
    monkeypatch.setitem(app.config, "RATELIMIT_WITHDRAWAL", "2 per minute")
    world = dashboard_data.World(make, db.session)
    world.sale(status="available", quantity=10)  # ¥199.00 available
    login_as(world.alice_user)

    def withdraw(**kw):
        html = client.get("/partner/withdrawals", headers=EN, **kw).get_data(as_text=True)
        key = re.search(r'name="request_key"[^>]*value="([^"]+)"', html).group(1)
        return client.post("/partner/withdrawals", data={"csrf_token": csrf_from(html), "request_key": key,
                                                         "amount": "10"}, headers=EN, **kw)

    assert [withdraw().status_code for _ in range(2)] == [303, 303]
    html = assert_refused(withdraw(**ip("198.51.100.2")))  # another network, the same partner
    assert_error_page(html)
    assert "Too many withdrawal requests in a short time." in html
    assert count(db, Withdrawal) == 2


# Share links

def test_a_hammered_share_link_still_lands_on_the_product_but_stops_writing_touches(client, make, db, monkeypatch,
                                                                                     app):
    monkeypatch.setitem(app.config, "RATELIMIT_TOUCH", "3 per minute")
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    for _ in range(10):
        response = client.get(f"/p/{product.code}/{sharer.code}")
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/p/{product.code}")
    assert client.get(f"/p/{product.code}").status_code == 200
    assert count(db, Touch) == 3
    for path in (f"/r/{sharer.code}", f"/shop/{sharer.code}"):  # one counter for every kind of link
        assert client.get(path).status_code in (200, 302)
    assert count(db, Touch) == 3
    # A customer on another network is counted as usual.
    client.get(f"/p/{product.code}/{sharer.code}", **ip("198.51.100.2"))
    assert count(db, Touch) == 4


# Payment callbacks

@pytest.fixture()
def started(make, db):
    order = pending_order(make, db.session, price_fen=9900)
    charge = start_payment(db.session, order)
    result = (order.id, order.number, order.total_fen, charge)
    db.session.commit()
    return result


def notify(client, payload, secret="test-webhook-secret", **kw):
    body, headers = signed(payload, secret=secret)
    return client.post("/payments/mock/notify", data=body, headers=headers, **kw)


def order_status(db, order_id) -> str:
    db.session.expire_all()
    return db.session.get(Order, order_id).status


def test_forged_callbacks_are_limited_and_then_even_a_genuine_one_waits(client, db, monkeypatch, app, started):
    monkeypatch.setitem(app.config, "RATELIMIT_CALLBACK_REFUSED", "3 per minute")
    order_id, number, total, charge = started
    for _ in range(3):
        assert notify(client, event(charge, number, total), secret="guessed").status_code == 400
    assert_refused(notify(client, event(charge, number, total)))
    assert order_status(db, order_id) == "pending_payment" and count(db, PaymentCallback) == 0
    # The provider's own address was never refused.
    assert notify(client, event(charge, number, total), **ip("198.51.100.9")).status_code == 200
    assert order_status(db, order_id) == "paid"


def test_genuine_callbacks_only_meet_the_generous_overall_limit(client, db, monkeypatch, app, started):
    monkeypatch.setitem(app.config, "RATELIMIT_CALLBACK_REFUSED", "2 per minute")
    monkeypatch.setitem(app.config, "RATELIMIT_CALLBACK", "5 per minute")
    _order_id, number, total, charge = started
    body, headers = signed(event(charge, number, total))
    replies = [client.post("/payments/mock/notify", data=body, headers=headers).status_code for _ in range(6)]
    assert replies == [200] * 5 + [429]
    assert count(db, PaymentCallback) == 1


# Settings

def test_two_apps_counting_in_memory_count_alone(app, make, db, monkeypatch):
    """Why production needs Redis: each process (host, gunicorn worker) keeps its own memory:// counters."""
    config = {**app.config, "RATELIMIT_LOGIN_ACCOUNT": "2 per minute", "RATELIMIT_STORAGE_URI": "memory://"}
    first, second = create_app(config), create_app(config)
    first.test_client_class = second.test_client_class = IsolatedClient
    user = make.user()
    one, two = first.test_client(), second.test_client()
    assert [log_in(one, user.login).status_code for _ in range(3)] == [200, 200, 429]
    assert log_in(two, user.login).status_code == 200  # the second host has not heard of those attempts


def test_with_rate_limiting_switched_off_nothing_is_refused(app, make, db):
    off = create_app({**app.config, "RATELIMIT_ENABLED": False, "RATELIMIT_LOGIN_ACCOUNT": "1 per minute"})
    off.test_client_class = IsolatedClient
    user, client = make.user(), off.test_client()
    assert [log_in(client, user.login).status_code for _ in range(5)] == [200] * 5


@pytest.mark.parametrize("seconds, en", [(1, "1 second"), (45, "45 seconds"), (60, "1 minute"),
                                         (61, "2 minutes"), (3599, "1 hour"), (3601, "2 hours")])
def test_the_wait_is_rounded_up_so_nobody_comes_back_too_early(app, seconds, en):
    with app.test_request_context(headers=EN):
        assert wait_text(seconds) == en


def test_an_unreachable_redis_falls_back_to_counting_in_memory(app, make, db):
    down = create_app({**app.config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/1",
                       "RATELIMIT_LOGIN_ACCOUNT": "2 per minute", "RATELIMIT_TOUCH": "1 per minute"})
    down.test_client_class = IsolatedClient
    user, client = make.user(), down.test_client()
    assert [log_in(client, user.login).status_code for _ in range(3)] == [200, 200, 429]
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    assert client.get(f"/p/{product.code}/{sharer.code}").status_code == 302


# Password change

def test_wrong_current_passwords_are_limited_per_account(client, make, db, monkeypatch, app, login_as):
    monkeypatch.setitem(app.config, "RATELIMIT_PASSWORD_CHANGE", "2 per minute")
    user = login_as(make.user())
    before = db.session.scalar(select(User.password_hash).where(User.id == user.id))

    def change(current, **kw):
        html = client.get("/account", headers=EN, **kw).get_data(as_text=True)
        return client.post("/account/password", data={"csrf_token": csrf_from(html), "current": current,
                                                      "password": "new-secret-123", "confirm": "new-secret-123"},
                           headers=EN, **kw)

    assert [change("guess-1").status_code, change("guess-2").status_code] == [422, 422]
    refused = change(PASSWORD, **ip("198.51.100.7"))  # even the right one, from another network
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many failed log-in attempts." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(User.password_hash).where(User.id == user.id)) == before


# Pages no rule counts

def test_page_reads_skip_the_limiter_only_while_every_limit_is_a_views_own_rule(app, make, db):
    make.product()
    plain = app.test_client()
    assert {plain.get("/").status_code for _ in range(5)} == {200}
    # A default limit for every route (not configured here) would count page reads too: then no shortcut.
    limited = create_app({**app.config, "RATELIMIT_DEFAULT": "2 per minute"})
    limited.test_client_class = IsolatedClient
    client = limited.test_client()
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]
