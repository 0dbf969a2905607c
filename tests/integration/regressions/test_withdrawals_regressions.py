"""Regressions from other systems' known bugs (see the package docstring), withdrawals: debts and races."""
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mall.clock import utcnow
from mall.commission.models import Withdrawal
from mall.commission.withdrawals import (
    DebtOutstanding,
    NotEnoughAvailable,
    approve_withdrawal,
    reject_withdrawal,
    request_withdrawal,
)


def test_deduction_capped_at_the_current_balance_so_withdrawn_money_is_lost(shop, db):
    shop.visit(shop.p1)
    first = shop.buy(2)  # ¥25.60 for P1
    shop.pay(first)
    shop.settle(first)
    shop.withdraw(shop.p1, 2560)  # all of it is paid out
    second = shop.buy(1)  # ¥12.80 for P1, settled: less than the ¥25.60 about to be taken back
    shop.pay(second)
    shop.settle(second)
    assert shop.balances()["available"] == 1280
    payable_before = shop.payable()

    shop.refund(first)  # everything on the first order goes back
    p1 = shop.balances()
    assert (p1["available"], p1["withdrawn"], p1["debt"], p1["reversed"]) == (0, 2560, -1280, 2560)
    assert shop.payable() - payable_before == 2560 + 1280  # the brand gets every fen back: P1's and P0's
    with pytest.raises(DebtOutstanding):
        shop.withdraw(shop.p1, 100, paid=False)

    third = shop.buy(2)  # the next ¥25.60 first pays off the ¥12.80 owed
    shop.pay(third)
    shop.settle(third)
    p1 = shop.balances()
    assert (p1["available"], p1["debt"]) == (1280, 0)
    shop.withdraw(shop.p1, 1280)
    assert shop.books_ok()


@pytest.mark.parametrize("asks,granted", [
    ([2560] * 4, 1),  # four taps on "withdraw everything" at once
    ([1800] * 4, 1),  # each alone would fit, any two would not
    ([800] * 4, 3),  # three fit, the fourth would overdraw by ¥0.80
])
@pytest.mark.real_commits  # threads with their own connections
def test_parallel_withdrawals_driving_a_balance_negative(shop, db, asks, granted):
    """Separate sessions on separate connections, released at once: the database decides who gets it."""
    shop.visit(shop.p1)
    order = shop.buy(2)
    shop.pay(order)
    shop.settle(order)
    assert shop.balances()["available"] == 2560
    partner_id, engine = shop.p1.id, db.engine
    db.session.rollback()  # hold no transaction (on SQLite: no write lock) while the threads run
    start, outcomes = threading.Barrier(len(asks)), []

    def ask(n: int, amount: int) -> None:
        with Session(engine) as session:
            start.wait()
            try:
                request_withdrawal(session, partner_id=partner_id, amount_fen=amount, request_key=f"race-{n}",
                                   now=utcnow())
                session.commit()  # each thread is a request: it owns its transaction
                outcomes.append(amount)
            except NotEnoughAvailable:
                outcomes.append(None)

    threads = [threading.Thread(target=ask, args=(n, amount)) for n, amount in enumerate(asks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    taken = [amount for amount in outcomes if amount is not None]
    assert len(outcomes) == len(asks) and len(taken) == granted
    p1 = shop.balances()
    assert (p1["available"], p1["withdrawing"]) == (2560 - sum(taken), sum(taken))
    assert p1["available"] >= 0
    assert db.session.scalar(select(func.count()).select_from(Withdrawal)) == granted
    assert shop.books_ok()


def test_a_withdrawal_asked_for_before_a_debt_arose_is_not_paid_out_while_the_debt_stands(shop, db):
    shop.visit(shop.p1)
    first = shop.buy(2)  # ¥25.60 for P1
    shop.pay(first)
    shop.settle(first)
    shop.withdraw(shop.p1, 2000)  # paid out
    waiting = shop.withdraw(shop.p1, 560, paid=False)  # asked for, not yet approved
    shop.refund(first)  # takes back ¥25.60: ¥20.00 of it was paid out already
    assert shop.balances()["debt"] < 0
    with pytest.raises(DebtOutstanding):
        approve_withdrawal(db.session, waiting.id, by_user_id=None, now=utcnow())
    reject_withdrawal(db.session, waiting.id, by_user_id=None, reason="debt", now=utcnow())
    assert shop.balances()["withdrawing"] == 0
    assert shop.books_ok()

