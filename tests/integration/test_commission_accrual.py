"""Planning shares at checkout, accruing them at payment, voiding them at cancellation."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from mall.commission.accrual import accrue_order
from mall.commission.audit_books import audit_books
from mall.commission.models import OrderAttribution
from mall.commission.plan import plan_order
from mall.referral.attribution import Credit
from mall.referral.models import Binding
from tests.integration.commission_support import T0, Books, ledger_rows, transactions


@pytest.fixture()
def books(make, db):
    return Books(make, db.session)


def test_payment_accrues_every_share_as_pending(books):
    guide = books.partner()
    order = books.paid_order([(19900, 1)], credit=books.credit(guide=guide))
    assert books.roles(order) == {"level1": (1990, "pending"), "level2": (995, "pending"),
                                  "guide": (597, "pending"), "store": (398, "pending")}
    assert books.balances()["pending"] == 1990
    assert books.balances(books.upline)["pending"] == 995
    assert books.balances(guide)["pending"] == 597
    assert books.store_balances()["pending"] == 398
    assert audit_books(books.session).ok


def test_accrual_is_idempotent(books, db):
    order = books.order([(10000, 1)])
    assert books.pay(order) == 3  # level1, level2, store
    assert accrue_order(db.session, order.id, now=T0) == 0  # a replayed payment callback
    assert accrue_order(db.session, order.id, now=T0) == 0
    db.session.commit()
    assert transactions(db.session, "accrual") == 1
    assert books.balances()["pending"] == 1000
    assert audit_books(db.session).ok


def test_unpaid_orders_accrue_nothing(books, db):
    order = books.order([(10000, 1)])
    assert accrue_order(db.session, order.id, now=T0) == 0
    assert books.roles(order)["level1"] == (1000, "planned")
    assert ledger_rows(db.session) == 0


@pytest.mark.parametrize("unit_price, quantity, level1", [
    (3333, 3, 999),  # 10% of ¥99.99 once, not 3 x 333 and not 3 x 999
    (10000, 1, 1000),
    (10000, 5, 5000),
    (1, 9, 0),  # 10% of 9 fen rounds down to nothing: no share is written
])
def test_quantity_counts_exactly_once(books, unit_price, quantity, level1):
    order = books.paid_order([(unit_price, quantity)])
    assert books.roles(order).get("level1", (0, None))[0] == level1
    assert books.balances()["pending"] == level1


def test_several_lines_each_have_their_own_shares(books):
    order = books.paid_order([(999, 1), (999, 1)])
    shares = [s for s in books.shares(order).values() if s.role == "level1"]
    assert [s.amount_fen for s in shares] == [99, 99]  # rounded per line, the remainder stays with the brand
    assert books.balances()["pending"] == 198


def test_cancellation_before_payment_voids_shares_and_leaves_no_ledger_rows(books, db):
    order = books.order([(10000, 2)])
    books.cancel(order)
    assert {status for _, status in books.roles(order).values()} == set()
    assert {s.status for s in books.shares(order).values()} == {"void"}
    assert accrue_order(db.session, order.id, now=T0) == 0  # a late callback for a cancelled order
    db.session.commit()
    assert ledger_rows(db.session) == 0
    assert books.balances() == {"pending": 0, "available": 0, "withdrawing": 0, "withdrawn": 0, "debt": 0,
                                "reversed": 0}


def test_shares_are_snapshots_later_ratio_changes_do_not_rewrite_them(books):
    order = books.order([(10000, 1)])
    books.configure(level1_bp=2000)  # the brand raises its ratio after the order was placed
    books.upline.status = "disabled"  # and the upline is disabled
    books.session.commit()
    books.pay(order)
    assert books.roles(order)["level1"] == (1000, "pending")
    assert books.roles(order)["level2"] == (500, "pending")
    assert books.roles(books.paid_order([(10000, 1)]))["level1"] == (2000, "pending")  # new orders use new ratios


def test_attribution_snapshot_records_the_credit(books, db):
    credit = Credit(sharer_id=books.sharer.id, channel="storefront", levels={1: books.sharer.id},
                    reason="bound_sharer", excluded=("level2_disabled",), store_id=books.store.id)
    order = books.order([(10000, 1)], credit=credit)
    attribution = db.session.get(OrderAttribution, order.id)
    assert (attribution.sharer_id, attribution.channel, attribution.reason, attribution.excluded,
            attribution.levels, attribution.binding_mode) == (books.sharer.id, "storefront", "bound_sharer",
                                                               "level2_disabled", 2, "first_touch")
    assert set(books.roles(order)) == {"level1", "store"}  # the excluded level 2 is not passed up or paid


def test_plan_order_twice_plans_once(books, db):
    order = books.order([(10000, 1)])
    plan_order(db.session, order, books.credit(), now=T0)
    db.session.commit()
    assert len(books.shares(order)) == 3


def test_levels_beyond_the_brand_setting_are_not_paid(books):
    books.configure(levels=1)
    order = books.paid_order([(10000, 1)])
    assert set(books.roles(order)) == {"level1", "store"}


def test_no_sharer_means_no_commission(books, db):
    order = books.paid_order([(10000, 1)], credit=Credit())
    assert books.roles(order) == {}
    assert ledger_rows(db.session) == 0
    assert db.session.scalars(select(OrderAttribution)).one().reason == "no_sharer"


def test_accrual_pays_the_sharer_fixed_at_checkout_not_a_later_binding(books, db):
    order = books.order([(10000, 1)])
    newcomer = books.partner()
    # After the order was placed the customer is bound to someone else; payment must not re-credit.
    db.session.add(Binding(brand_id=books.brand.id, kind="sharer", partner_id=newcomer.id, user_id=books.buyer.id,
                           reason="last_touch", started_at=T0, expires_at=T0 + timedelta(days=30)))
    db.session.commit()
    books.pay(order)
    assert books.balances()["pending"] == 1000
    assert books.balances(newcomer)["pending"] == 0


def test_a_payment_updates_the_brands_account_after_every_other_domains_writes(books, db):
    """Every payment of a brand waits for the brand's PAYABLE row, locked from its UPDATE to the commit (issue 17,
    bench/hot_sku.py): content, journeys and live rooms write first; after it only the events and the roll-ups
    (the reports', and the chart's accruals per quarter hour, mall.commission.earnings, one upsert)."""
    from sqlalchemy import event

    from mall.orders import states

    order = books.order([(19900, 1)])
    writes = []

    def seen(_conn, _cursor, statement, *_args):
        words = statement.split()
        if words[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append((words[0].upper(), words[1] if words[0].upper() == "UPDATE" else words[2]))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert states.mark_paid(books.session, order.id, amount_fen=order.total_fen, now=T0 + timedelta(minutes=1))
        books.session.flush()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    brand_account = max(i for i, write in enumerate(writes) if write == ("UPDATE", "accounts"))
    assert {"live_orders", "journey_step_orders"} <= {table for _verb, table in writes[:brand_account]}
    assert {table for _verb, table in writes[brand_account + 1:]} <= {"outbox_events", "report_daily_sales",
                                                                     "report_order_facts", "accrued_quarter_hours"}
    assert books.roles(order)["level1"] == (1990, "pending")
