"""Issue 16, frozen money: a withdrawal that comes back (rejected, or the payout failed) first clears the debt
a refund booked while it was pending, as settlement does; otherwise ¥19.90 available sat beside −¥19.90 debt."""
import pytest

from mall.commission.audit_books import audit_books
from mall.commission.withdrawals import (
    fail_withdrawal,
    reject_withdrawal,
    request_withdrawal,
)
from mall.jobs.settle import settle_due
from tests.integration.commission_support import T0, Books, days

NOW = T0 + days(20)


@pytest.fixture()
def books(make, db):
    """The issue's figures: ¥19.90 settled for the sharer (10% of a ¥199.00 order), all of it asked for."""
    books = Books(make, db.session, withdraw_min_fen=100, withdraw_fee_bp=0, withdraw_daily_limit_fen=10**6)
    books.order_ = books.paid_order([(19900, 1)])
    books.complete(books.order_, at=T0)
    settle_due(db.session, now=T0 + days(8))
    assert books.balances()["available"] == 1990
    books.withdrawal = request_withdrawal(db.session, partner_id=books.sharer.id, amount_fen=1990,
                                          request_key="all", now=NOW)
    line = books.order_.lines[0]
    books.refund(books.order_, [(line, 19900)], at=NOW)
    assert (books.balances()["available"], books.balances()["debt"]) == (0, -1990)
    return books


def test_rejected_withdrawal_pays_off_the_debt_first(books):
    reject_withdrawal(books.session, books.withdrawal.id, by_user_id=None, reason="refunded", now=NOW)
    after = books.balances()
    assert (after["available"], after["debt"], after["withdrawing"]) == (0, 0, 0)
    assert audit_books(books.session).ok


def test_failed_payout_pays_off_the_debt_first(books):
    books.withdrawal.status = "approved"  # approved before the refund came in; approval now refuses a debt
    books.session.flush()
    fail_withdrawal(books.session, books.withdrawal.id, by_user_id=None, reason="bank offline", now=NOW)
    after = books.balances()
    assert (after["available"], after["debt"], after["withdrawing"]) == (0, 0, 0)
    assert audit_books(books.session).ok


def test_only_the_debt_is_netted_the_rest_comes_back(make, db):
    books = Books(make, db.session, withdraw_min_fen=100, withdraw_fee_bp=0, withdraw_daily_limit_fen=10**6)
    first, second = books.paid_order([(19900, 1)]), books.paid_order([(10000, 1)])
    for order in (first, second):
        books.complete(order, at=T0)
    settle_due(db.session, now=T0 + days(8))
    withdrawal = request_withdrawal(db.session, partner_id=books.sharer.id, amount_fen=2990, request_key="k",
                                    now=NOW)
    books.refund(first, [(first.lines[0], 19900)], at=NOW)
    assert books.balances()["debt"] == -1990
    reject_withdrawal(db.session, withdrawal.id, by_user_id=None, reason="", now=NOW)
    after = books.balances()
    assert (after["available"], after["debt"]) == (1000, 0)
    assert audit_books(db.session).ok
