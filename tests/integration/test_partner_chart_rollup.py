"""The dashboard's 30-day chart reads the accruals' roll-up per quarter hour (mall.commission.earnings) and
shows exactly what the full scan of the partner's ledger showed: accruals only, on the viewer's local days."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event, select

from mall.commission.earnings import accrued_between, quarter_hour
from mall.commission.models import Account, AccruedQuarterHour, CommissionShare, LedgerEntry, LedgerTransaction
from mall.commission.plan import manual_credit, reattribute
from mall.partner.queries import earnings_by_day
from tests.integration.commission_support import T0, Books
from tests.integration.dashboard_data import World, order, reverse, settle, share
from tests.integration.test_partner_order_time import plan_of_sql

NOW = datetime(2026, 11, 30, 12, 0)
ZONES = ("UTC", "Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham",
         "America/New_York")  # its clocks went back on 1 November 2026, inside the 30 days


def full_scan(session, partner, *, first: date, tz) -> dict[date, int]:
    """The chart as it was computed before the roll-up: every entry of the partner's pending account, joined
    to its transaction, the accruals' times each to its local day."""
    rows = session.execute(
        select(LedgerTransaction.created_at, LedgerEntry.amount_fen)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .join(Account, Account.id == LedgerEntry.account_id)
        .where(Account.brand_id == partner.brand_id, Account.owner_kind == "partner", Account.owner_id == partner.id,
               Account.kind == "pending", LedgerTransaction.kind == "accrual"))
    per_day: dict[date, int] = {}
    for at, amount in rows:
        day = at.replace(tzinfo=UTC).astimezone(tz).date()
        if day >= first:
            per_day[day] = per_day.get(day, 0) + amount
    return per_day


def test_the_chart_equals_the_full_scan_on_mixed_books(make, db):
    world = World(make, db.session)
    # Accruals spread over 40 days at odd minutes, several in one quarter hour, both partners, two roles.
    for n in range(60):
        at = NOW - timedelta(days=n * 2 // 3, hours=n * 7 % 24, minutes=n * 13 % 60)
        row = world.sale(world.alice if n % 5 else world.bob, created_at=at, quantity=1 + n % 3)
        if n % 4 == 0:
            share(db.session, row.lines[0], "level2", partner=world.alice, ratio_bp=500)
    for n in range(3):  # three in the same quarter hour add up in one row
        world.sale(created_at=NOW - timedelta(minutes=n))
    db.session.commit()
    alice = db.session.scalars(select(CommissionShare).where(CommissionShare.partner_id == world.alice.id)
                               .order_by(CommissionShare.id)).all()
    for n, row in enumerate(alice):  # settlement moves and reversals, before and after settling
        if n % 3 == 0:
            settle(db.session, row, at=NOW - timedelta(days=n % 20))
        if n % 4 == 1:
            reverse(db.session, row, row.amount_fen // 2, at=NOW - timedelta(days=n % 10, minutes=n))
    db.session.commit()
    for zone in ZONES:
        tz = ZoneInfo(zone)
        first = NOW.replace(tzinfo=UTC).astimezone(tz).date() - timedelta(days=29)
        for p in (world.alice, world.bob):
            expected = full_scan(db.session, p, first=first, tz=tz)
            assert expected and earnings_by_day(db.session, p, first=first, tz=tz) == expected, zone


def test_payments_and_a_re_attribution_feed_the_roll_up_in_their_transaction(make, db):
    books = Books(make, db.session)
    first = books.paid_order([(10000, 1)], at=T0)
    books.paid_order([(20000, 1)], at=T0 + timedelta(minutes=5))  # the same quarter hour
    books.paid_order([(10000, 1)], at=T0 + timedelta(hours=20))
    other = books.partner()
    reattribute(db.session, first.id, manual_credit(db.session, first, sharer_id=other.id), actor_id=None,
                reason="wrong link", now=T0 + timedelta(days=1))
    db.session.commit()
    tz = ZoneInfo("Asia/Shanghai")
    for p in (books.sharer, books.upline, other):
        expected = full_scan(db.session, p, first=date(2025, 2, 20), tz=tz)
        assert expected and earnings_by_day(db.session, p, first=date(2025, 2, 20), tz=tz) == expected
    # The reversal of the first order's shares leaves the chart: the old sharer keeps what accrued that day.
    assert sum(earnings_by_day(db.session, books.sharer, first=date(2025, 2, 20), tz=tz).values()) == sum(
        full_scan(db.session, books.sharer, first=date(2025, 2, 20), tz=tz).values())


def test_earnings_older_than_the_first_day_stay_out(make, db):
    world = World(make, db.session)
    tz = ZoneInfo("Asia/Shanghai")
    for at in (datetime(2026, 11, 19, 15, 59, 59), datetime(2026, 11, 19, 16, 0)):  # Shanghai midnight of 20th
        share(db.session, order(db.session, world.product, created_at=at).lines[0], "level1", partner=world.alice)
    db.session.commit()
    assert earnings_by_day(db.session, world.alice, first=date(2026, 11, 20), tz=tz) == {date(2026, 11, 20): 1990}


def test_the_chart_reads_the_partners_last_days_by_the_roll_ups_key(make, db):
    world = World(make, db.session)
    world.sale(created_at=NOW)
    db.session.commit()
    account_id = db.session.scalar(select(AccruedQuarterHour.account_id))
    here = quarter_hour(NOW)
    bounds = [here - 96, here - 10, here, here + 1, here + 96]
    statements = []
    listener = lambda *args: statements.append((args[2], args[3]))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert accrued_between(db.session, account_id, bounds) == {2: 1990}  # [here, here + 1)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1 and "accrued_quarter_hours" in statements[0][0]
    sql, parameters = statements[0]
    plan = plan_of_sql(db, sql, parameters)
    if db.engine.dialect.name == "sqlite":
        assert "SEARCH accrued_quarter_hours USING" in plan and "quarter_hour>? AND quarter_hour<?" in plan, plan
    else:
        assert "Index Only Scan using pk_accrued_quarter_hours" in plan, plan  # the amount is INCLUDEd
    assert "Seq Scan" not in plan and "SCAN accrued" not in plan, plan


def test_a_day_is_the_local_days_quarter_hours_when_the_clocks_change(make, db):
    """New York's 1 November 2026 has 25 hours: an accrual at 23:50 local time is still that day's."""
    world = World(make, db.session)
    tz = ZoneInfo("America/New_York")
    late = datetime(2026, 11, 2, 4, 50)  # 23:50 EST on 1 November
    early = datetime(2026, 11, 2, 5, 5)  # 00:05 EST on 2 November
    for at in (late, early, datetime(2026, 11, 1, 4, 10)):  # 00:10 EDT on 1 November
        share(db.session, order(db.session, world.product, created_at=at).lines[0], "level1", partner=world.alice)
    db.session.commit()
    found = earnings_by_day(db.session, world.alice, first=date(2026, 10, 31), last=date(2026, 11, 2), tz=tz)
    assert found == {date(2026, 11, 1): 2 * 1990, date(2026, 11, 2): 1990}
    assert found == full_scan(db.session, world.alice, first=date(2026, 10, 31), tz=tz)
    assert earnings_by_day(db.session, world.alice, first=date(2026, 11, 3), tz=tz) == {}
