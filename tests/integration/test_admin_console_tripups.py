"""Issue 16, brand admins: /admin is the console's home with today's numbers; refund requests are easy to see
(a filter and a badge) and block shipping; the re-attribution form starts from the current attribution."""
import re

import pytest

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.commission.models import OrderAttribution, Withdrawal
from mall.orders.models import OrderStatus
from tests.integration.admin_support import EN, follow, post
from tests.integration.commission_support import Books
from tests.integration.referral_data import partner


@pytest.fixture()
def books(make, db):
    return Books(make, db.session)


@pytest.fixture()
def admin(make, books, login_as):
    return login_as(make.user(Role.BRAND_ADMIN, brand=books.brand, name="Admin Ann"))


def figure(page: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}"[^>]*>([^<]*)<', page).group(1).strip()


def test_admin_is_the_console_home_with_todays_numbers(client, db, books, admin, make):
    now = utcnow()
    books.paid_order([(10000, 1)], credit=books.credit(), at=now)
    books.paid_order([(5000, 2)], credit=books.credit(), at=now)
    waiting = books.paid_order([(3000, 1)], at=now)
    books.request_refund(waiting, [(waiting.lines[0], 3000)], at=now)
    db.session.add(Withdrawal(brand_id=books.brand.id, partner_id=books.sharer.id, amount_fen=1000, fee_fen=0,
                              status="requested", request_key="w1", created_at=now))
    others = Books(make, db.session)  # another brand's sales never show
    others.paid_order([(99900, 1)], at=now)
    db.session.commit()
    response = client.get("/admin", headers=EN, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert figure(page, "today-orders") == "3"
    assert figure(page, "today-gmv") == "¥230.00"
    assert figure(page, "today-commission") == "¥39.10"  # 10% + 5% + 2% (store) of ¥230.00
    assert 'href="/admin/orders?status=refunding"' in page and 'href="/admin/withdrawals"' in page
    assert re.search(r'id="refunds-waiting">[^<]*</a>\s*<span class="badge[^"]*">1<', page)
    assert re.search(r'id="withdrawals-waiting">[^<]*</a>\s*<span class="badge[^"]*">1<', page)


def test_the_console_home_is_for_admins_only(client, db, make, login_as):
    assert client.get("/admin/").status_code == 302  # to log in
    login_as(make.user(Role.CONSUMER))
    assert client.get("/admin/").status_code == 403


def test_refund_pending_filter_and_badge(client, db, books, admin):
    calm = books.paid_order([(10000, 1)])
    asked = books.paid_order([(10000, 1)])
    books.request_refund(asked, [(asked.lines[0], 5000)])
    page = client.get("/admin/orders?status=refunding", headers=EN).get_data(as_text=True)
    assert asked.number in page and calm.number not in page
    assert page.count('class="badge badge-refunding"') == 1
    assert '<option selected value="refunding">Refund pending</option>' in page
    everything = client.get("/admin/orders", headers=EN).get_data(as_text=True)
    assert calm.number in everything and everything.count("badge-refunding") == 1


def test_no_shipping_while_a_refund_is_pending(client, db, books, admin):
    order = books.paid_order([(10000, 1)])
    refund = books.request_refund(order, [(order.lines[0], 10000)])
    page = client.get(f"/admin/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert 'id="ship"' not in page and 'id="ship-after-refund"' in page
    shown = follow(client, post(client, f"/admin/orders/{order.number}/ship"))
    assert "not shipped while a refund is pending" in shown
    db.session.expire_all()
    assert order.status == OrderStatus.PAID
    refund.status = "rejected"
    db.session.commit()
    follow(client, post(client, f"/admin/orders/{order.number}/ship"))
    db.session.expire_all()
    assert order.status == OrderStatus.SHIPPED


def test_the_reattribution_form_starts_with_the_current_guide_and_store(client, db, books, admin, make):
    guide = partner(make, books.brand, user=make.user(Role.GUIDE, store=books.store, name="Guide Gao"))
    order = books.paid_order([(10000, 1)], credit=books.credit(guide=guide))
    page = client.get(f"/admin/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert re.search(rf'name="reattribute-sharer_code"[^>]*value="{books.sharer.code}"', page)
    assert re.search(rf'name="reattribute-guide_code"[^>]*value="{guide.code}"', page)
    assert f'<option selected value="{books.store.id}">' in page
    # Typing only a new sharer (the other fields as the page filled them) keeps the guide and the store.
    newcomer = books.partner()
    follow(client, post(client, f"/admin/orders/{order.number}/reattribute",
                        {"reattribute-sharer_code": newcomer.code, "reattribute-guide_code": guide.code,
                         "reattribute-store": str(books.store.id), "reattribute-reason": "Named another sharer"}))
    db.session.expire_all()
    attribution = db.session.get(OrderAttribution, order.id)
    assert (attribution.sharer_id, attribution.guide_id, attribution.store_id) == (newcomer.id, guide.id,
                                                                                   books.store.id)
