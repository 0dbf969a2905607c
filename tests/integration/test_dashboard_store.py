"""Guides see their bound customers; store managers see their own store and its guides, nobody else's."""
import re
from datetime import timedelta

import pytest

from mall.accounts.models import Role
from mall.clock import utcnow
from tests.integration import dashboard_data as data

EN = {"Accept-Language": "en"}


class Stores:
    def __init__(self, make, session):
        s = self.session = session
        self.brand = make.brand("Tea House", slug="tea")
        self.a = make.store(self.brand, "Nanjing Road")
        self.b = make.store(self.brand, "Huaihai Road")
        self.product = make.product(self.brand, skus=(("Tin", 19900, 100),), title="Longjing Tea")
        self.g1_user = make.user(Role.GUIDE, store=self.a, name="Guide One", phone="13300000001")
        self.g2_user = make.user(Role.GUIDE, store=self.a, name="Guide Two", phone="13300000002")
        self.g3_user = make.user(Role.GUIDE, store=self.b, name="Guide Three", phone="13300000003")
        make.user(Role.GUIDE, store=self.a, name="Guide New", phone="13300000004")  # no partner row yet
        self.g1, self.g2, self.g3 = (data.partner(s, self.brand, u) for u in (self.g1_user, self.g2_user, self.g3_user))
        self.manager_a = make.user(Role.STORE_MANAGER, store=self.a, name="Manager A", phone="13200000001")
        self.manager_b = make.user(Role.STORE_MANAGER, store=self.b, name="Manager B", phone="13200000002")

    def guide_sale(self, guide, store, *, status="paid", created_at=None, refunded_fen=0, reversed_fen=0):
        share_status = "planned" if status == "pending_payment" else "pending"
        row = data.order(self.session, self.product, status=status, created_at=created_at, refunded_fen=refunded_fen)
        data.attribution(self.session, row, sharer=guide, guide=guide, store=store)
        line = row.lines[0]
        data.share(self.session, line, "level1", partner=guide, ratio_bp=1000, status=share_status)
        data.share(self.session, line, "guide", partner=guide, ratio_bp=300, status=share_status,
                   reversed_fen=reversed_fen * 3 // 2, accrue=False)
        data.share(self.session, line, "store", store=store, ratio_bp=200, status=share_status,
                   reversed_fen=reversed_fen, accrue=False)
        return row


@pytest.fixture()
def stores(make, db):
    world = Stores(make, db.session)
    now = utcnow()
    world.guide_sale(world.g1, world.a)  # ¥199: store 3.98, g1 19.90 + 5.97
    world.guide_sale(world.g2, world.a, status="completed", refunded_fen=4900, reversed_fen=98)  # ¥150 net
    world.guide_sale(world.g3, world.b)  # the other store
    world.guide_sale(world.g1, world.a, status="pending_payment")  # unpaid: no sale, no commission
    world.guide_sale(world.g1, world.a, created_at=now - timedelta(days=40))  # an old sale
    return world


def figure(html: str, name: str) -> str:
    return re.search(rf'class="store-{name}">([^<]+)<', html).group(1)


def guide_rows(html: str) -> list[tuple[str, ...]]:
    table = html[html.index('<table class="guides">'):html.index("</table>")]
    return re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", table)


def test_manager_sees_the_stores_sales_commission_and_guides(stores, client, login_as):
    login_as(stores.manager_a)
    html = client.get("/partner/store", headers=EN).get_data(as_text=True)
    assert "Nanjing Road" in html and "Huaihai Road" not in html
    assert figure(html, "sales") == "¥548.00"  # 199 + 150 + 199
    assert figure(html, "orders") == "3"
    assert figure(html, "commission") == "¥10.96"  # 3.98 + (3.98 - 0.98) + 3.98
    assert guide_rows(html) == [
        ("Guide One", "2", "¥398.00", "¥51.74"),  # (19.90 + 5.97) x 2
        ("Guide Two", "1", "¥150.00", "¥24.40"),  # 19.90 + 5.97 - 1.47
        ("Guide New", "0", "¥0.00", "¥0.00"),
    ]
    assert "Guide Three" not in html


def test_the_date_filter_narrows_everything(stores, client, login_as):
    login_as(stores.manager_a)
    since = (utcnow() - timedelta(days=10)).date()
    html = client.get(f"/partner/store?date_from={since}", headers=EN).get_data(as_text=True)
    assert figure(html, "sales") == "¥349.00" and figure(html, "orders") == "2"
    assert figure(html, "commission") == "¥6.98"
    assert guide_rows(html)[0] == ("Guide One", "1", "¥199.00", "¥25.87")
    html = client.get("/partner/store?date_from=2020-02-30", headers=EN).get_data(as_text=True)
    assert 'class="field has-error"' in html and figure(html, "sales") == "¥548.00"


def test_the_other_manager_sees_only_their_store(stores, client, login_as):
    login_as(stores.manager_b)
    html = client.get("/partner/store", headers=EN).get_data(as_text=True)
    assert "Huaihai Road" in html and "Nanjing Road" not in html
    assert figure(html, "sales") == "¥199.00"
    assert [row[0] for row in guide_rows(html)] == ["Guide Three"]


@pytest.mark.parametrize("who", ["g1_user", "consumer", "partner"])
def test_anyone_but_a_store_manager_gets_404(stores, make, db, client, login_as, who):
    if who == "consumer":
        user = make.user(phone="13100000001")
    elif who == "partner":
        user = make.user(phone="13100000002")
        data.partner(db.session, stores.brand, user)
    else:
        user = getattr(stores, who)
    login_as(user)
    assert client.get("/partner/store").status_code == 404


def test_a_guide_sees_their_bound_customers_masked(stores, make, db, client, login_as):
    s, now = db.session, utcnow()
    zhao = make.user(name="Zhao Lei", phone="13511112222")
    qian = make.user(name="Qian Duo", phone="13511113333")
    sun = make.user(name="Sun Mei", phone="13511114444")
    data.binding(s, stores.g1, user=zhao, started_at=now - timedelta(days=2))
    data.binding(s, stores.g1, visitor_key="guest-123")
    data.binding(s, stores.g1, user=qian, started_at=now - timedelta(days=5), ended_at=now - timedelta(days=1))
    data.binding(s, stores.g1, user=sun, started_at=now - timedelta(days=40), days=30)  # expired
    data.binding(s, stores.g2, user=make.user(name="Zhou Yu", phone="13511116666"))  # another guide's customer
    data.binding(s, stores.g1, user=make.user(name="Li Si", phone="13511115555"), kind="sharer")
    login_as(stores.g1_user)
    html = client.get("/partner", headers=EN).get_data(as_text=True)
    assert 'href="/partner/customers"' in html
    html = client.get("/partner/customers", headers=EN).get_data(as_text=True)
    assert "Z**" in html and "135****2222" in html
    assert "Visitor, not registered" in html
    assert "Zhao" not in html and "13511112222" not in html
    assert "Q**" not in html and "S**" not in html and "L**" not in html and "135****6666" not in html


def test_customers_tab_is_for_guides_only(stores, make, db, client, login_as):
    user = make.user(phone="13100000003")
    data.partner(db.session, stores.brand, user)
    login_as(user)
    assert 'href="/partner/customers"' not in client.get("/partner", headers=EN).get_data(as_text=True)
    assert client.get("/partner/customers").status_code == 404
