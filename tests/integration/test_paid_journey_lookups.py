"""The paid journey asks for each row once (issue 17): the accrual's accounts in one query, settings rows and the
order's attribution held for the transaction, the roll-up refreshed once per payment, the order page's lines
used as loaded. Each cut keeps what the books and the pages say; these tests pin both."""
import gc
import re

from sqlalchemy import event, func, select

from mall.commission.audit_books import audit_books
from mall.commission.ledger import account, accounts
from mall.commission.models import Account, CommissionShare
from mall.orders import states
from mall.orders.refunds import refundable_by_line
from mall.referral.attribution import Credit
from mall.referral.settings import referral_settings_for
from mall.reporting.models import DailySales, OrderSalesFact
from tests.integration.commission_support import T0, Books


def statements(db, work) -> list[str]:
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return seen


def selects_of(seen: list[str], table: str) -> int:
    return sum(1 for sql in seen if re.match(rf"\s*SELECT\b.*?\bFROM\s+{table}\b", sql, re.S))


def test_accounts_are_found_in_one_query_and_the_missing_created_in_the_order_asked(make, db):
    brand = make.brand()
    existing = account(db.session, brand.id, "partner", 7, "pending")
    db.session.commit()  # a new transaction: nothing looked up yet
    keys = [(brand.id, "brand", brand.id, "payable"), (brand.id, "partner", 7, "pending"),
            (brand.id, "partner", 9, "pending"), (brand.id, "store", 3, "pending")]
    found: list[Account] = []
    seen = statements(db, lambda: found.extend(accounts(db.session, keys)))
    assert [(a.brand_id, a.owner_kind, a.owner_id, a.kind) for a in found] == keys
    assert found[1].id == existing.id
    assert found[0].id < found[2].id < found[3].id  # created in the order of the keys, as one call each would
    assert selects_of(seen, "accounts") == 1 + 3  # one for all, then each missing one's find-or-create
    again = statements(db, lambda: accounts(db.session, keys))
    assert selects_of(again, "accounts") == 0  # looked up already in this transaction
    db.session.commit()
    assert selects_of(statements(db, lambda: accounts(db.session, keys)), "accounts") == 1


def test_a_settings_row_is_read_once_per_transaction_and_again_after_it(make, db):
    brand = make.brand()
    referral_settings_for(db.session, brand.id)
    db.session.commit()

    def twice():
        assert referral_settings_for(db.session, brand.id).brand_id == brand.id
        gc.collect()  # nothing else refers to the row: the identity map alone would have let it go
        assert referral_settings_for(db.session, brand.id).brand_id == brand.id

    assert selects_of(statements(db, twice), "referral_settings") == 1
    db.session.commit()
    assert selects_of(statements(db, twice), "referral_settings") == 1


def test_a_change_to_a_held_settings_row_is_what_the_next_read_sees(make, db):
    brand = make.brand()
    referral_settings_for(db.session, brand.id).window_days = 3
    db.session.commit()
    settings = referral_settings_for(db.session, brand.id)
    settings.window_days = 9
    del settings
    gc.collect()
    assert referral_settings_for(db.session, brand.id).window_days == 9
    db.session.rollback()
    assert referral_settings_for(db.session, brand.id).window_days == 3


def test_a_payment_refreshes_the_roll_up_once_and_it_counts_the_commission(make, db):
    books = Books(make, db.session)
    order = books.order([(10000, 1)])
    seen = statements(db, lambda: states.mark_paid(db.session, order.id, amount_fen=10000, now=T0))
    db.session.commit()
    assert selects_of(seen, "report_order_facts") == 1
    commission = db.session.scalar(select(func.sum(CommissionShare.amount_fen))
                                   .where(CommissionShare.order_id == order.id))
    assert commission == 1000 + 500 + 200  # level 1, level 2, store, all pending now
    fact = db.session.get(OrderSalesFact, order.id)
    assert (fact.gmv_fen, fact.commission_fen) == (10000, commission)
    day = db.session.scalars(select(DailySales).where(DailySales.brand_id == books.brand.id,
                                                      DailySales.dimension == "day")).one()
    assert (day.orders, day.gmv_fen, day.commission_fen) == (1, 10000, commission)
    assert audit_books(db.session).ok


def test_an_order_without_commission_is_rolled_up_by_its_payment(make, db):
    books = Books(make, db.session)
    order = books.order([(30000, 1)], credit=Credit())
    assert states.mark_paid(db.session, order.id, amount_fen=30000, now=T0)
    db.session.commit()
    fact = db.session.get(OrderSalesFact, order.id)
    assert (fact.gmv_fen, fact.commission_fen, fact.channel) == (30000, 0, "direct")


def test_the_order_pages_refundable_amounts_from_its_loaded_lines_match_a_fresh_read(make, db):
    books = Books(make, db.session)
    order = books.paid_order([(10000, 1), (5000, 2)])
    first, second = order.lines
    books.request_refund(order, [(first, 3000)])
    books.refund(order, [(second, 2500)])
    fresh = refundable_by_line(db.session, order)
    assert fresh == {first.id: 7000, second.id: 7500}
    assert refundable_by_line(db.session, order, lines=order.lines) == fresh
