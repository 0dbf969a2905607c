"""The brand admin's reports: exact GMV, orders, average order value and commission per dimension,
local-day ranges, CSV export, and never another brand's orders."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from mall.accounts.models import Role
from mall.admin.reports.queries import sales_report
from mall.commission.models import OrderAttribution
from mall.live.rooms import RoomDetails, save_room
from mall.live.streams import parse_stream
from mall.referral.attribution import Credit
from mall.reporting.rollup import refresh_order
from tests.integration.admin_support import EN, text
from tests.integration.commission_support import Books

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAR1, MAR2 = date(2025, 3, 1), date(2025, 3, 2)


class Sales:
    """Brand B: on 1 March (Shanghai) a ¥100 order with sharer, guide and store, and a ¥300 direct order paid
    at 01:00 local (still 28 February in UTC); on 2 March a ¥200 order refunded by ¥50; an unpaid ¥500 order.
    Brand C has a paid order on 1 March that no report of B may count."""

    def __init__(self, make, session):
        self.books = books = Books(make, session)
        self.guide = books.partner()
        self.with_guide = books.paid_order([(10000, 1)], credit=books.credit(guide=self.guide))  # shares 1000+500+300+200
        self.direct = books.paid_order([(30000, 1)], credit=Credit(), at=datetime(2025, 2, 28, 17, 0))
        self.refunded = books.paid_order([(20000, 1)], at=datetime(2025, 3, 2, 2, 0))  # 2000+1000+400
        books.refund(self.refunded, [(self.refunded.lines[0], 5000)], at=datetime(2025, 3, 2, 3, 0))  # a quarter back
        books.order([(50000, 1)])  # never paid: planned shares, no sale
        self.other = Books(make, session)
        self.other.paid_order([(70000, 1)])


@pytest.fixture()
def sales(make, db):
    return Sales(make, db.session)


def rows(db, sales, dimension, first=MAR1, last=MAR2, brand_id="own"):
    brand = sales.books.brand.id if brand_id == "own" else brand_id
    report = sales_report(db.session, brand, dimension, first, last, SHANGHAI)
    return [(row.label, row.orders, row.gmv_fen, row.aov_fen, row.commission_fen) for row in report.rows]


def test_by_day_counts_paid_orders_on_their_local_day_net_of_refunds(db, sales):
    assert rows(db, sales, "day") == [("2025-03-01", 2, 40000, 20000, 2000), ("2025-03-02", 1, 15000, 15000, 2550)]
    report = sales_report(db.session, sales.books.brand.id, "day", MAR1, MAR2, SHANGHAI)
    assert (report.total.orders, report.total.gmv_fen, report.total.aov_fen, report.total.commission_fen) == (
        3, 55000, 18333, 4550)


def test_by_store_guide_sharer_and_channel(db, sales):
    store, sharer = sales.books.store, sales.books.sharer
    assert rows(db, sales, "store") == [("", 1, 30000, 30000, 0), (store.name, 2, 25000, 12500, 4550)]
    assert rows(db, sales, "guide") == [("", 2, 45000, 22500, 2550),
                                        (f"Test User ({sales.guide.code})", 1, 10000, 10000, 2000)]
    assert rows(db, sales, "sharer") == [("", 1, 30000, 30000, 0),
                                         (f"Test User ({sharer.code})", 2, 25000, 12500, 4550)]
    assert rows(db, sales, "channel") == [("direct", 1, 30000, 30000, 0), ("link", 2, 25000, 12500, 4550)]


def test_the_date_range_is_in_local_days(db, sales):
    assert rows(db, sales, "day", MAR2, MAR2) == [("2025-03-02", 1, 15000, 15000, 2550)]
    assert rows(db, sales, "channel", MAR1, MAR1) == [("direct", 1, 30000, 30000, 0), ("link", 1, 10000, 10000, 2000)]
    assert rows(db, sales, "day", date(2025, 2, 28), date(2025, 2, 28)) == [("2025-02-28", 0, 0, 0, 0)]


def test_orders_outside_every_live_room_share_the_none_row(db, sales):
    assert rows(db, sales, "live_room") == [("", 3, 55000, 18333, 4550)]


def test_the_platform_sees_every_brand(db, sales):
    assert rows(db, sales, "day", brand_id=None)[0] == ("2025-03-01", 3, 110000, 36666, 2000 + 7000 + 3500 + 1400)


@pytest.fixture()
def admin(make, sales, login_as):
    return login_as(make.user(Role.BRAND_ADMIN, brand=sales.books.brand))


def test_the_page_shows_totals_chart_and_table(client, sales, admin):
    page = client.get("/admin/reports?dimension=store&date_from=2025-03-01&date_to=2025-03-02", headers=EN)
    assert page.status_code == 200
    body = text(page.get_data(as_text=True))
    assert "GMV ¥550.00" in body and "Orders 3" in body and "Average order value ¥183.33" in body
    assert f"{sales.books.store.name} 2 ¥250.00 ¥125.00 ¥45.50" in body
    assert "None 1 ¥300.00 ¥300.00 ¥0.00" in body
    assert '<svg class="bars"' in page.get_data(as_text=True)


def test_the_default_range_is_the_last_30_days(client, sales, admin):
    body = text(client.get("/admin/reports", headers=EN).get_data(as_text=True))
    assert "Orders 0" in body and "No paid orders in these days." not in body  # 30 empty days are still rows


def test_bad_choices_are_explained_and_fall_back(client, sales, admin):
    page = client.get("/admin/reports?dimension=nonsense&date_from=2025-03-02&date_to=2025-03-01", headers=EN)
    assert page.status_code == 200
    assert "The end date is before the start date." in page.get_data(as_text=True)
    page = client.get("/admin/reports?date_from=yesterday", headers=EN)
    assert page.status_code == 200


def test_the_live_room_report_names_each_room(client, db, make, sales, admin):
    room = save_room(db.session, sales.books.brand.id, None,
                     RoomDetails(title="Spring Tasting", starts_at=datetime(2025, 3, 1), stream=parse_stream("BV1xx411c7mD", ())),
                     actor_id=None, now=datetime(2025, 3, 1))
    db.session.get(OrderAttribution, sales.direct.id).live_room_id = room.id
    refresh_order(db.session, sales.direct.id)  # a row edited by hand: no event told the roll-up
    db.session.commit()
    body = text(client.get("/admin/reports?dimension=live_room&date_from=2025-03-01&date_to=2025-03-02",
                           headers=EN).get_data(as_text=True))
    assert "Spring Tasting 1 ¥300.00" in body and "None 2 ¥250.00" in body


def test_csv_export(client, sales, admin):
    response = client.get("/admin/reports/export.csv?dimension=channel&date_from=2025-03-01&date_to=2025-03-02",
                          headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines == ["Channel,Orders,GMV (yuan),Average order value (yuan),Commission (yuan)",
                     "Direct,1,300.00,300.00,0.00", "Shared link,2,250.00,125.00,45.50",
                     "Total,3,550.00,183.33,45.50"]


def test_another_brands_admin_sees_none_of_it(client, make, sales, login_as):
    login_as(make.user(Role.BRAND_ADMIN, brand=sales.other.brand))
    body = client.get("/admin/reports/export.csv?dimension=day&date_from=2025-03-01&date_to=2025-03-02",
                      headers=EN).get_data(as_text=True)
    assert "2025-03-01,1,700.00,700.00,119.00" in body and "550.00" not in body and "400.00" not in body


def test_only_admins_open_reports(client, make, sales, login_as):
    login_as(make.user(Role.CONSUMER))
    assert client.get("/admin/reports", headers=EN).status_code == 403
    assert client.get("/admin/reports/export.csv", headers=EN).status_code == 403


@pytest.mark.parametrize("tz", [SHANGHAI, ZoneInfo("UTC")], ids=["from the roll-up", "grouped from the orders"])
def test_only_the_largest_rows_are_read_when_asked_and_the_total_is_of_all(db, sales, tz):
    # UTC moves the direct ¥300 order (01:00 in Shanghai on 1 March) to 28 February: outside the range.
    report = sales_report(db.session, sales.books.brand.id, "store", MAR1, MAR2, tz, top=1)
    everything = sales_report(db.session, sales.books.brand.id, "store", MAR1, MAR2, tz)
    assert [row.gmv_fen for row in report.rows] == [everything.rows[0].gmv_fen]
    assert report.groups == len(everything.rows)
    assert report.total == everything.total
    days = sales_report(db.session, sales.books.brand.id, "day", MAR1, MAR2, tz, top=1)
    assert len(days.rows) == 2 and days.groups == 2  # every day of the range, always


def test_the_page_lists_the_largest_rows_and_says_the_csv_has_all(client, sales, admin, monkeypatch):
    monkeypatch.setattr("mall.admin.reports.routes.TABLE_ROWS", 1)
    page = client.get("/admin/reports?dimension=sharer&date_from=2025-03-01&date_to=2025-03-02", headers=EN)
    body = text(page.get_data(as_text=True))
    assert "The 1 largest of 2 rows; the CSV file has them all." in body
    assert "None 1 ¥300.00" in body and f"({sales.books.sharer.code})" not in body
    assert "GMV ¥550.00" in body and "Orders 3" in body  # the totals are still of every row
    csv = client.get("/admin/reports/export.csv?dimension=sharer&date_from=2025-03-01&date_to=2025-03-02",
                     headers=EN).get_data(as_text=True)
    assert sales.books.sharer.code in csv
