"""A heavy partner's pages cost the same at any size. Each commission share carries its order's time, so a
partner's orders come out of one index newest first (ix_commission_shares_partner_time): the planner writes it,
any other writer gets it filled in, and the list's page query walks that index without sorting. The dashboard's
reversed total reads only reversed shares; its chart reads the accruals per quarter hour (test_partner_chart_rollup.py)."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from mall.commission.models import REVERSED, CommissionShare
from mall.commission.plan import manual_credit, reattribute
from mall.partner.order_cards import OrderFilter, attributed_orders, order_cards
from mall.partner.pages import keyset_page
from mall.partner.queries import earnings_by_day
from tests.integration.commission_support import T0, Books
from tests.integration.dashboard_data import World, attribution, order, share


@pytest.fixture()
def books(make, db):
    return Books(make, db.session)


def test_planned_and_re_attributed_shares_carry_the_orders_time(books, db):
    paid = books.paid_order([(10000, 1), (5000, 2)], at=T0 - timedelta(hours=5))
    reattribute(db.session, paid.id, manual_credit(db.session, paid, sharer_id=books.partner().id), actor_id=None,
                reason="wrong link", now=T0)
    db.session.commit()
    shares = db.session.scalars(select(CommissionShare).where(CommissionShare.order_id == paid.id)).all()
    assert {s.generation for s in shares} == {1, 2}
    assert {s.order_created_at for s in shares} == {T0 - timedelta(hours=5)}


def test_a_share_written_without_the_time_gets_its_orders(make, db):
    world = World(make, db.session)
    row = order(db.session, world.product, created_at=T0 - timedelta(days=3))
    share = CommissionShare(brand_id=world.brand.id, order_id=row.id, line_id=row.lines[0].id, role="level1",
                            partner_id=world.alice.id, ratio_bp=1000, base_fen=19900, amount_fen=1990,
                            reversed_fen=0, status="planned")
    db.session.add(share)
    db.session.commit()
    assert db.session.get(CommissionShare, share.id).order_created_at == T0 - timedelta(days=3)


def _plan(db, query) -> str:
    conn = db.session.connection()
    return plan_of_sql(db, str(query.compile(conn, compile_kwargs={"literal_binds": True})))


def plan_of_sql(db, sql: str, parameters=()) -> str:
    """The plan of a statement as the driver gets it (parameters in the driver's style)."""
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":
        return "\n".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters))
    # A test table is tiny: ask what the planner would do at size, where neither scan would pay.
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
    return "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql, parameters))


def test_the_page_query_walks_the_partners_index_without_sorting(make, db):
    world = World(make, db.session)
    for n in range(3):
        world.sale(created_at=T0 - timedelta(minutes=n))
    page = keyset_page(db.session, attributed_orders(world.alice.id, OrderFilter(), UTC), after=None, before=None,
                       per_page=2)
    assert page.next_cursor is not None and len(page.items) == 2
    query = (attributed_orders(world.alice.id, OrderFilter(), UTC)
             .order_by(CommissionShare.order_created_at.desc(), CommissionShare.order_id.desc()).limit(11))
    plan = _plan(db, query)
    assert "ix_commission_shares_partner_time" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan and "HashAggregate" not in plan, plan


def test_a_page_of_cards_is_one_query_with_every_line_and_only_the_partners_shares(make, db):
    world = World(make, db.session)
    two_lines = order(db.session, world.product, extra=((world.product, 2),), created_at=T0)
    attribution(db.session, two_lines, sharer=world.bob)
    share(db.session, two_lines.lines[0], "level1", partner=world.bob)
    share(db.session, two_lines.lines[0], "level2", partner=world.alice, ratio_bp=500)
    share(db.session, two_lines.lines[0], "guide", partner=world.alice, ratio_bp=300)
    bare = order(db.session, world.product, created_at=T0 - timedelta(days=1))  # no attribution row at all
    share(db.session, bare.lines[0], "level1", partner=world.alice)
    alice, ids, numbers = world.alice.id, [two_lines.id, bare.id], [two_lines.number, bare.number]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        cards = order_cards(db.session, alice, ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert [c.number for c in cards] == numbers
    first, second = cards[0].lines
    assert [(s.role, s.ratio_bp) for s in first.shares] == [("level2", 500), ("guide", 300)]
    assert second.quantity == 2 and second.shares == ()
    assert cards[0].customer_phone == "138****5678" and cards[0].customer_name == "W**"
    assert (cards[1].reason, cards[1].channel, cards[1].binding_mode) == ("", "", "")


def test_the_reversed_total_reads_only_reversed_shares(make, db):
    world = World(make, db.session)
    query = (select(func.sum(CommissionShare.reversed_fen))
             .where(CommissionShare.partner_id == world.alice.id, CommissionShare.brand_id == world.brand.id, REVERSED))
    assert "ix_commission_shares_partner_reversed" in _plan(db, query)


@pytest.mark.parametrize("zone, at, day", [
    ("Asia/Shanghai", datetime(2026, 11, 20, 15, 59), date(2026, 11, 20)),
    ("Asia/Shanghai", datetime(2026, 11, 20, 16, 0), date(2026, 11, 21)),
    ("Asia/Kolkata", datetime(2026, 11, 20, 18, 29), date(2026, 11, 20)),  # +05:30: a half-hour boundary
    ("Asia/Kolkata", datetime(2026, 11, 20, 18, 30), date(2026, 11, 21)),
    ("Asia/Kathmandu", datetime(2026, 11, 20, 18, 14), date(2026, 11, 20)),  # +05:45
    ("Asia/Kathmandu", datetime(2026, 11, 20, 18, 15), date(2026, 11, 21)),
])
def test_earnings_fall_on_the_local_day_in_any_zone(make, db, zone, at, day):
    world = World(make, db.session)
    row = order(db.session, world.product, created_at=at)
    share(db.session, row.lines[0], "level1", partner=world.alice)  # accrued at the order's time
    found = earnings_by_day(db.session, world.alice, first=date(2026, 11, 19), tz=ZoneInfo(zone))
    assert found == {day: 1990}
