"""Withdrawals: minimum, fee, daily limit, the decision states, paid once, and the race for one balance."""
import threading
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from mall.commission.audit_books import audit_books
from mall.commission.models import Withdrawal
from mall.commission.withdrawals import (
    AboveDailyLimit,
    BelowMinimum,
    NotEnoughAvailable,
    WithdrawalError,
    WrongState,
    approve_withdrawal,
    fail_withdrawal,
    pay_withdrawal,
    reject_withdrawal,
    request_withdrawal,
    retry_withdrawal,
    withdrawn_today,
)
from mall.jobs.settle import settle_due
from tests.integration.commission_support import T0, Books, days, transactions

NOW = T0 + days(20)


@pytest.fixture()
def books(make, db):
    """A sharer with ¥100 available (10% of a settled ¥1000 order)."""
    books = Books(make, db.session, withdraw_min_fen=1000, withdraw_fee_bp=60, withdraw_daily_limit_fen=8000)
    order = books.paid_order([(100000, 1)])
    books.complete(order, at=T0)
    settle_due(db.session, now=T0 + days(8))
    assert books.balances()["available"] == 10000
    return books


def ask(books, amount, key="k1", at=NOW):
    return request_withdrawal(books.session, partner_id=books.sharer.id, amount_fen=amount, request_key=key, now=at)


def test_request_reserves_the_money(books):
    withdrawal = ask(books, 5000)
    assert (withdrawal.status, withdrawal.amount_fen, withdrawal.fee_fen) == ("requested", 5000, 30)
    assert books.balances()["available"] == 5000
    assert books.balances()["withdrawing"] == 5000


@pytest.mark.parametrize("amount, error", [
    (999, BelowMinimum),
    (0, WithdrawalError),
    (-5, WithdrawalError),
    (8001, AboveDailyLimit),
    (1000, None),
    (8000, None),
])
def test_minimum_and_daily_limit(books, amount, error):
    if error is None:
        assert ask(books, amount).amount_fen == amount
    else:
        with pytest.raises(error):
            ask(books, amount)
        assert books.balances()["available"] == 10000


def test_more_than_available_is_refused(books):
    books.configure(withdraw_daily_limit_fen=10**9)
    with pytest.raises(NotEnoughAvailable):
        ask(books, 10001)
    assert books.balances()["available"] == 10000
    assert books.session.query(Withdrawal).count() == 0


@pytest.mark.parametrize("amount, fee_bp, fee", [
    (1000, 60, 6),
    (1999, 60, 11),  # 11.994 rounds down
    (5000, 0, 0),
    (5000, 1000, 500),
])
def test_fee_is_a_floored_share_of_the_amount(books, amount, fee_bp, fee):
    books.configure(withdraw_fee_bp=fee_bp)
    withdrawal = ask(books, amount)
    assert withdrawal.fee_fen == fee
    approve_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)
    pay_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)
    assert books.balances()["withdrawn"] == amount - fee
    assert audit_books(books.session).ok


def test_daily_limit_counts_the_day_in_china_and_ignores_rejected(books):
    first = ask(books, 5000, "a", at=datetime(2025, 3, 21, 15, 0))  # 23:00 in Shanghai
    with pytest.raises(AboveDailyLimit):
        ask(books, 4000, "b", at=datetime(2025, 3, 21, 15, 30))  # 23:30, same day there
    reject_withdrawal(books.session, first.id, by_user_id=None, reason="wrong account",
                      now=datetime(2025, 3, 21, 15, 40))
    assert ask(books, 4000, "c", at=datetime(2025, 3, 21, 15, 45)).status == "requested"
    # 00:10 the next day in Shanghai (still the 21st in UTC): a fresh limit
    assert withdrawn_today(books.session, books.sharer.id, datetime(2025, 3, 21, 16, 10)) == 0
    assert ask(books, 6000, "d", at=datetime(2025, 3, 21, 16, 10)).status == "requested"


def test_same_request_key_is_one_withdrawal(books):
    first = ask(books, 3000, "double-click")
    again = ask(books, 3000, "double-click")
    assert again.id == first.id
    assert books.balances()["available"] == 7000
    assert transactions(books.session, "withdrawal") == 1


def test_reject_returns_the_money(books):
    withdrawal = ask(books, 4000)
    rejected = reject_withdrawal(books.session, withdrawal.id, by_user_id=None, reason="name mismatch", now=NOW)
    assert (rejected.status, rejected.reject_reason) == ("rejected", "name mismatch")
    assert books.balances()["available"] == 10000
    assert books.balances()["withdrawing"] == 0
    with pytest.raises(WrongState):
        reject_withdrawal(books.session, withdrawal.id, by_user_id=None, reason="again", now=NOW)
    assert books.balances()["available"] == 10000


def test_paid_only_once(books):
    withdrawal = ask(books, 4000)
    with pytest.raises(WrongState):
        pay_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)  # not approved yet
    approve_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)
    paid = pay_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)
    assert paid.status == "paid" and paid.payout_ref.startswith("MOCKPAY-") and paid.paid_at == NOW
    for second_try in (pay_withdrawal, approve_withdrawal, fail_withdrawal):
        with pytest.raises(WrongState):
            second_try(books.session, withdrawal.id, by_user_id=None, now=NOW)
    with pytest.raises(WrongState):
        reject_withdrawal(books.session, withdrawal.id, by_user_id=None, reason="", now=NOW)
    assert books.balances() == {"pending": 0, "available": 6000, "withdrawing": 0, "withdrawn": 3976, "debt": 0,
                                "reversed": 0}
    assert transactions(books.session, "payout") == 1
    assert audit_books(books.session).ok


def test_failed_payout_returns_the_money_and_can_be_retried(books):
    withdrawal = ask(books, 4000)
    approve_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)
    failed = fail_withdrawal(books.session, withdrawal.id, by_user_id=None, reason="bank offline", now=NOW)
    assert (failed.status, failed.failure_reason) == ("failed", "bank offline")
    assert books.balances()["available"] == 10000
    retried = retry_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)
    assert retried.status == "approved"
    assert books.balances()["available"] == 6000
    fail_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)  # fails a second time
    retry_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)
    pay_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)
    assert books.balances()["withdrawn"] == 3976
    assert books.balances()["available"] == 6000
    assert audit_books(books.session).ok


def test_retry_needs_the_money_back_in_available(books):
    withdrawal = ask(books, 4000)
    approve_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)
    fail_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW)
    ask(books, 8000, "spent-meanwhile", at=NOW + days(1))
    with pytest.raises(NotEnoughAvailable):
        retry_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW + days(1))
    assert books.session.get(Withdrawal, withdrawal.id).status == "failed"
    assert books.balances()["available"] == 2000


def test_another_partners_request_key_is_refused(books):
    ask(books, 2000, "shared-key")
    with pytest.raises(WithdrawalError):
        request_withdrawal(books.session, partner_id=books.upline.id, amount_fen=2000, request_key="shared-key",
                           now=NOW)


@pytest.mark.real_commits  # threads with their own connections
def test_two_simultaneous_requests_for_the_whole_balance_yield_one_withdrawal(books, db):
    """Separate sessions on separate connections, released at the same moment: the database decides."""
    books.configure(withdraw_daily_limit_fen=10**9)
    partner_id, engine = books.sharer.id, db.engine
    db.session.rollback()  # hold no transaction (on SQLite: no write lock) while the threads run
    start, outcomes = threading.Barrier(4), []

    def attempt(n):
        with Session(engine) as session:
            start.wait()
            try:
                w = request_withdrawal(session, partner_id=partner_id, amount_fen=10000, request_key=f"race-{n}",
                                       now=NOW)
                session.commit()  # each thread is a request: it owns its transaction
                outcomes.append(("ok", w.id))
            except NotEnoughAvailable:
                outcomes.append(("refused", None))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    books.session.expire_all()
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused", "refused", "refused"]
    assert books.balances()["available"] == 0
    assert books.balances()["withdrawing"] == 10000
    assert books.session.query(Withdrawal).count() == 1
    assert audit_books(books.session).ok


def test_an_admin_cannot_decide_another_brands_withdrawal(books, make):
    withdrawal = ask(books, 2000)
    other_brand = make.brand()
    for decide in (approve_withdrawal, pay_withdrawal, fail_withdrawal, retry_withdrawal):
        with pytest.raises(WithdrawalError):
            decide(books.session, withdrawal.id, by_user_id=None, now=NOW, brand_id=other_brand.id)
    with pytest.raises(WithdrawalError):
        reject_withdrawal(books.session, withdrawal.id, by_user_id=None, reason="", now=NOW, brand_id=other_brand.id)
    assert books.session.get(Withdrawal, withdrawal.id).status == "requested"
    approve_withdrawal(books.session, withdrawal.id, by_user_id=None, now=NOW, brand_id=books.brand.id)
