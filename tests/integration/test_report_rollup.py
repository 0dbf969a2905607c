"""The reports' daily roll-up, kept by the order and commission event subscribers: after payments, partial and
full refunds it holds exactly what the live GROUP BY over the orders computes, for every dimension."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mall.admin.reports.queries import DIMENSIONS, report_statements, sales_report
from mall.admin.reports.rollup import rollup_rows
from mall.commission.plan import manual_credit, reattribute
from mall.orders import states
from mall.orders.models import Refund, RefundItem, RefundStatus
from mall.orders.refunds import book_refund
from mall.referral.attribution import Credit
from mall.reporting.backfill import rebuild
from mall.reporting.models import DailySales, OrderSalesFact
from mall.reporting.rollup import refresh_order
from tests.integration.commission_support import Books

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST, LAST = date(2025, 3, 1), date(2025, 3, 3)


def pay(books: Books, order, at: datetime) -> None:
    """As the payment callback does: the state machine moves it and publishes OrderPaid."""
    assert states.mark_paid(books.session, order.id, amount_fen=order.total_fen, now=at)
    books.session.commit()


def refund(books: Books, order, fen: int, at: datetime) -> None:
    """As the provider's confirmation does: an approved refund booked, RefundCompleted published."""
    line = order.lines[0]
    item = RefundItem(line_id=line.id, amount_fen=fen)
    row = Refund(order_id=order.id, status=RefundStatus.APPROVED, amount_fen=fen, created_at=at, decided_at=at,
                 items=[item])
    books.session.add(row)
    books.session.flush()
    assert book_refund(books.session, row.id, now=at)
    books.session.commit()


@pytest.fixture()
def books(make, db):
    books = Books(make, db.session)
    guide = books.partner()
    shared = books.order([(10000, 1)], credit=books.credit(guide=guide), at=datetime(2025, 3, 1, 2))
    direct = books.order([(30000, 1)], credit=Credit(), at=datetime(2025, 2, 28, 16))
    partly = books.order([(20000, 1)], at=datetime(2025, 3, 1, 20))
    wholly = books.order([(8000, 1)], at=datetime(2025, 3, 2, 5))
    books.order([(50000, 1)])  # never paid
    pay(books, shared, datetime(2025, 3, 1, 2, 5))
    pay(books, direct, datetime(2025, 2, 28, 16, 30))  # 00:30 on 1 March in Shanghai
    pay(books, partly, datetime(2025, 3, 1, 20, 5))  # 2 March in Shanghai
    pay(books, wholly, datetime(2025, 3, 2, 5, 5))
    refund(books, partly, 5000, datetime(2025, 3, 2, 6))
    refund(books, wholly, 8000, datetime(2025, 3, 2, 7))
    other = Books(make, db.session)
    pay(other, other.order([(70000, 1)], at=datetime(2025, 3, 1, 3)), datetime(2025, 3, 1, 3, 1))
    books.partly, books.wholly = partly, wholly
    return books


def live(session, brand_id, dimension) -> dict:
    sales, commission = report_statements(session, brand_id, dimension, FIRST, LAST, SHANGHAI)
    owed = {row[0]: int(row[-1] or 0) for row in session.execute(commission)}
    return {_norm(row[0]): (int(row[-2]), int(row[-1] or 0), owed.get(row[0], 0)) for row in session.execute(sales)}


def rolled(session, brand_id, dimension) -> dict:
    return {_norm(key): (orders, gmv, owed)
            for key, _labels, orders, gmv, owed in rollup_rows(session, dimension, brand_id, FIRST, LAST)}


def _norm(key):
    return key.isoformat() if isinstance(key, date) else key


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_the_roll_up_equals_the_live_group_by_after_payments_and_refunds(db, books, dimension):
    for brand_id in (books.brand.id, None):
        assert rolled(db.session, brand_id, dimension) == live(db.session, brand_id, dimension)
    assert rolled(db.session, books.brand.id, dimension)  # not two empty answers


def test_refunds_lower_gmv_and_commission_on_the_day_of_payment(db, books):
    by_day = rolled(db.session, books.brand.id, "day")
    # 1 March: ¥100 shared (shares 1000+500+300+200) and ¥300 direct; 2 March: ¥200 less ¥50, ¥80 less ¥80.
    assert by_day == {"2025-03-01": (2, 40000, 2000), "2025-03-02": (2, 15000, 2550)}


def test_refreshing_again_changes_nothing(db, books):
    before = sorted(tuple(r) for r in db.session.execute(
        select(DailySales.brand_id, DailySales.day, DailySales.dimension, DailySales.key_id, DailySales.key_text,
               DailySales.orders, DailySales.gmv_fen, DailySales.commission_fen)))
    for order_id in db.session.scalars(select(OrderSalesFact.order_id)):
        refresh_order(db.session, order_id)
    db.session.commit()
    after = sorted(tuple(r) for r in db.session.execute(
        select(DailySales.brand_id, DailySales.day, DailySales.dimension, DailySales.key_id, DailySales.key_text,
               DailySales.orders, DailySales.gmv_fen, DailySales.commission_fen)))
    assert after == before


def test_a_report_outside_china_time_groups_the_orders_instead(db, books):
    utc = sales_report(db.session, books.brand.id, "day", FIRST, LAST, ZoneInfo("UTC"))
    # In UTC the direct order was paid on 28 February, outside the range.
    assert [(r.key, r.orders) for r in utc.rows] == [("2025-03-01", 2), ("2025-03-02", 1), ("2025-03-03", 0)]


def test_the_backfill_rebuilds_what_the_subscribers_kept(db, books):
    cells = select(DailySales.brand_id, DailySales.day, DailySales.dimension, DailySales.key_id,
                   DailySales.key_text, DailySales.orders, DailySales.gmv_fen, DailySales.commission_fen)
    kept = sorted(tuple(r) for r in db.session.execute(cells) if r.orders)  # a full refund leaves no empty cell
    rebuild(db.session)
    db.session.commit()
    assert sorted(tuple(r) for r in db.session.execute(cells)) == kept


def test_a_re_attribution_moves_the_order_to_its_new_sharer(db, books):
    other = books.partner(inviter=books.upline)
    credit = manual_credit(db.session, books.partly, sharer_id=other.id, store_id=books.store.id)
    reattribute(db.session, books.partly.id, credit, actor_id=None, reason="wrong link", now=datetime(2025, 3, 3))
    db.session.commit()
    by_sharer = rolled(db.session, books.brand.id, "sharer")
    assert by_sharer == live(db.session, books.brand.id, "sharer")
    assert by_sharer[other.id][:2] == (1, 15000)
    for dimension in DIMENSIONS:
        assert rolled(db.session, books.brand.id, dimension) == live(db.session, books.brand.id, dimension)
