"""The admin's order list filtered by local-day range, store, guide, sharer and channel, within the brand."""
from datetime import datetime

import pytest

from mall.accounts.models import Role
from mall.referral.attribution import Credit
from tests.integration.admin_support import EN
from tests.integration.commission_support import Books


class Shop:
    def __init__(self, make, session):
        self.books = books = Books(make, session)
        self.guide = books.partner()
        self.guided = books.paid_order([(10000, 1)], credit=books.credit(guide=self.guide),
                                       at=datetime(2025, 3, 1, 10, 0))
        self.direct = books.paid_order([(20000, 1)], credit=Credit(), at=datetime(2025, 2, 28, 17, 0))  # 1 Mar local
        self.later = books.paid_order([(30000, 1)], credit=books.credit(store=False), at=datetime(2025, 3, 5, 2, 0))
        self.other = Books(make, session)
        self.theirs = self.other.paid_order([(40000, 1)], at=datetime(2025, 3, 1, 10, 0))


@pytest.fixture()
def shop(make, db, login_as):
    shop = Shop(make, db.session)
    login_as(make.user(Role.BRAND_ADMIN, brand=shop.books.brand))
    return shop


def listed(client, shop, query: str) -> set[str]:
    page = client.get(f"/admin/orders?{query}", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    orders = {"guided": shop.guided, "direct": shop.direct, "later": shop.later, "theirs": shop.theirs}
    return {name for name, order in orders.items() if order.number in html}


def test_no_filter_lists_the_brands_orders(client, shop):
    assert listed(client, shop, "") == {"guided", "direct", "later"}


def test_date_range_in_local_days(client, shop):
    assert listed(client, shop, "date_from=2025-03-01&date_to=2025-03-01") == {"guided", "direct"}
    assert listed(client, shop, "date_from=2025-03-02") == {"later"}
    assert listed(client, shop, "date_to=2025-02-28") == set()


def test_store_guide_sharer_and_channel(client, shop):
    books = shop.books
    assert listed(client, shop, f"store={books.store.id}") == {"guided"}
    assert listed(client, shop, f"guide={shop.guide.code.lower()}") == {"guided"}
    assert listed(client, shop, f"sharer={books.sharer.code}") == {"guided", "later"}
    assert listed(client, shop, "channel=direct") == {"direct"}
    assert listed(client, shop, f"channel=link&sharer={books.sharer.code}&date_from=2025-03-02") == {"later"}


def test_another_brands_codes_and_stores_match_nothing(client, shop):
    other = shop.other
    assert listed(client, shop, f"sharer={other.sharer.code}") == set()
    # Not one of the brand's stores: refused as a choice, so it filters nothing and shows nothing of theirs.
    assert listed(client, shop, f"store={other.store.id}") == {"guided", "direct", "later"}


def test_bad_filters_are_explained_not_500(client, shop):
    page = client.get("/admin/orders?date_from=2025-03-05&date_to=2025-03-01&store=abc&channel=nope", headers=EN)
    assert page.status_code == 200
    assert "The end date is before the start date." in page.get_data(as_text=True)
    assert listed(client, shop, "date_from=not-a-date&guide=" + "X" * 50) == {"guided", "direct", "later"}


def test_the_pager_keeps_the_filters(client, shop, make, db):
    for _ in range(21):
        shop.books.paid_order([(100, 1)], credit=Credit(), at=datetime(2025, 3, 1, 10, 0))
    html = client.get("/admin/orders?channel=direct&date_from=2025-03-01", headers=EN).get_data(as_text=True)
    assert "channel=direct" in html and "date_from=2025-03-01" in html and "page=2" in html
