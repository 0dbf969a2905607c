"""Every absolute URL the mall hands out comes from PUBLIC_BASE_URL; a Host outside the allow-list is a 400.

The attack: an order placed with `Host: 127.0.0.1:5299` used to store that listener as the payment
callback and return address, so the signed callback and the buyer were sent there.
"""
import re

import pytest
from sqlalchemy import select

from mall.accounts.models import Role
from mall.payments.mock.models import MockCharge, MockEvent
from mall.referral import qr
from mall.urls import public_url
from tests.conftest import csrf_from
from tests.integration.payment_support import GOOD_CARD
from tests.integration.referral_data import partner

EN = {"Accept-Language": "en"}
PUBLIC = "https://shop.example.cn"


def buy_and_pay(client, product, base_url: str):
    """Check out and pay with every request sent to `base_url` (its host is the request's Host)."""
    html = client.get(f"/p/{product.code}", headers=EN, base_url=base_url).get_data(as_text=True)
    key = html.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_from(html), "idempotency_key": key, "sku_id": str(product.skus[0].id),
            "quantity": "1", "contact_name": "王小明", "contact_phone": "13800138000", "delivery": "ship",
            "address": "上海市静安区南京西路 1 号", "note": ""}
    to_bank = client.post(f"/p/{product.code}/buy", data=data, headers=EN, base_url=base_url)
    charge_path = "/mockpay/" + to_bank.headers["Location"].rsplit("/", 1)[1]
    page = client.get(charge_path, headers=EN, base_url=base_url).get_data(as_text=True)
    card = {"card_number": GOOD_CARD, "expiry": "12/39", "cvc": "123", "csrf_token": csrf_from(page)}
    back = client.post(charge_path, data=card, headers=EN, base_url=base_url)
    return to_bank, back


def test_another_host_header_does_not_choose_where_the_callback_and_the_buyer_go(client, make, db):
    product = make.product(title="Jasmine Tea")
    # 127.0.0.1 is an allowed name in development, but the port is the attacker's listener.
    to_bank, back = buy_and_pay(client, product, "http://127.0.0.1:5299")
    charge = db.session.scalars(select(MockCharge)).one()
    assert charge.notify_url == "http://localhost/payments/mock/notify"
    assert charge.return_url.startswith("http://localhost/o/")
    assert to_bank.headers["Location"] == f"http://localhost/mockpay/{charge.id}"
    assert back.headers["Location"] == charge.return_url
    assert db.session.scalars(select(MockEvent.notify_url)).one() == "http://localhost/payments/mock/notify"


@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/p/NOPE"), ("POST", "/login"),
                                          ("POST", "/payments/mock/notify")])
def test_a_host_outside_the_allow_list_gets_the_malls_own_400_page(client, db, method, path):
    response = client.open(path, method=method, headers=EN, base_url="http://evil.example:5299")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The request could not be understood" in html and 'class="card error-page"' in html
    assert "evil.example" not in html


def test_allowed_hosts_and_the_public_host_are_answered(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["shop.example.cn", ".cdn.example.cn"])
    assert client.get("/", base_url="https://shop.example.cn").status_code == 200
    assert client.get("/", base_url="https://img.cdn.example.cn").status_code == 200
    assert client.get("/", base_url="https://example.cn").status_code == 400


def test_open_graph_tags_use_the_public_base(app, client, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    brand = make.brand(slug="teahouse")
    product = make.product(brand, title="Oolong Tea")
    html = client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    assert f'property="og:url" content="{PUBLIC}/p/{product.code}"' in html
    assert f'property="og:image" content="{PUBLIC}/static/' in html
    assert f'content="{PUBLIC}/b/teahouse"' in client.get("/b/teahouse").get_data(as_text=True)
    assert f'property="og:url" content="{PUBLIC}/"' in client.get("/").get_data(as_text=True)
    assert "http://localhost" not in html


def test_share_links_and_qr_codes_use_the_public_base(app, client, make, db, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    encoded = []
    monkeypatch.setattr(qr, "png_bytes", lambda url: encoded.append(url) or b"png")
    monkeypatch.setattr(qr, "svg_bytes", lambda url: encoded.append(url) or b"<svg/>")
    brand = make.brand()
    store = make.store(brand, name="West Lake Store")
    me = partner(make, brand)
    login_as(me.user)
    html = client.get("/partner/share", headers=EN).get_data(as_text=True)  # Host: localhost
    assert f'value="{PUBLIC}/r/{me.code}"' in html and f'value="{PUBLIC}/join/{me.code}"' in html
    assert not re.search(r'value="http://(127\.0\.0\.1|localhost)', html)
    client.get(f"/qr.png?u=/r/{me.code}", base_url="http://127.0.0.1:5299")
    client.get(f"/s/{store.code}/qr.svg", base_url="http://127.0.0.1:5299")
    assert encoded == [f"{PUBLIC}/r/{me.code}", f"{PUBLIC}/s/{store.code}"]


def test_the_store_poster_in_the_admin_uses_the_public_base(app, client, make, db, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    encoded = []
    monkeypatch.setattr(qr, "png_bytes", lambda url: encoded.append(url) or b"png")
    brand = make.brand()
    store = make.store(brand, name="West Lake Store")
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    html = client.get(f"/admin/stores/{store.id}", headers=EN).get_data(as_text=True)
    assert f"{PUBLIC}/s/{store.code}" in html
    assert client.get(f"/admin/stores/{store.id}/qr.png").status_code == 200
    assert encoded == [f"{PUBLIC}/s/{store.code}"]


def test_the_callback_base_may_be_overridden_but_the_buyer_returns_to_the_public_base(app, client, make, db,
                                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "PAYMENT_NOTIFY_BASE_URL", "http://mall-internal:8000")
    buy_and_pay(client, make.product(), "http://localhost")
    charge = db.session.scalars(select(MockCharge)).one()
    assert charge.notify_url == "http://mall-internal:8000/payments/mock/notify"
    assert charge.return_url.startswith("http://localhost/o/")


def test_public_urls_keep_the_base_path_and_need_no_request(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://example.com/mall")
    with app.app_context():  # a job: no request, no Host to take anything from
        assert public_url("catalog.product", code="AB12") == "https://example.com/mall/p/AB12"
        assert public_url("orders.show", token="t", paying=1) == "https://example.com/mall/o/t?paying=1"
