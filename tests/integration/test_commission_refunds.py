"""Refunds take back the same fraction of every commission on the line, before or after settlement."""
import pytest

from mall.commission.audit_books import audit_books
from mall.commission.reversal import reverse_refund
from mall.commission.withdrawals import DebtOutstanding, approve_withdrawal, pay_withdrawal, request_withdrawal
from mall.jobs.settle import settle_due
from tests.integration.commission_support import T0, Books, days, transactions


@pytest.fixture()
def books(make, db):
    return Books(make, db.session)


def settle(books, order, *, completed_at=T0 + days(1)):
    books.complete(order, at=completed_at)
    return settle_due(books.session, now=completed_at + days(8))


@pytest.mark.parametrize("refunds, level1_left, level2_left", [
    ([2500], 750, 375),  # a quarter of a ¥100 line: a quarter of each commission
    ([5000], 500, 250),
    ([1], 999, 499),  # floor of what is kept: 1000 x 9999/10000 = 999.9 -> 999 kept
    ([2500, 2500], 500, 250),
    ([3333, 3333, 3334], 0, 0),  # partial refunds that add up to the whole line reverse everything
    ([10000], 0, 0),
])
def test_refund_reverses_the_same_fraction_of_each_share(books, refunds, level1_left, level2_left):
    order = books.paid_order([(10000, 1)])
    line = order.lines[0]
    for fen in refunds:
        books.refund(order, [(line, fen)])
    assert books.balances()["pending"] == level1_left
    assert books.balances()["reversed"] == 1000 - level1_left
    assert books.balances(books.upline)["pending"] == level2_left
    assert audit_books(books.session).ok


def test_partial_refund_does_not_cancel_the_whole_line(books):
    order = books.paid_order([(5000, 2)])  # two items of ¥50: one is returned
    assert books.refund(order, [(order.lines[0], 5000)]) == 500 + 250 + 100
    assert books.roles(order) == {"level1": (1000, "pending"), "level2": (500, "pending"),
                                  "store": (200, "pending")}
    assert books.balances()["pending"] == 500
    shares = {s.role: s.reversed_fen for s in books.shares(order).values()}
    assert shares == {"level1": 500, "level2": 250, "store": 100}


def test_refund_of_one_line_leaves_the_other_lines_alone(books):
    order = books.paid_order([(10000, 1), (20000, 1)])
    books.refund(order, [(order.lines[1], 20000)])
    assert books.balances()["pending"] == 1000
    assert books.balances()["reversed"] == 2000


def test_full_refund_reverses_exactly_what_was_accrued(books):
    order = books.paid_order([(3333, 3), (1999, 1)])
    accrued = books.balances()["pending"]
    books.refund(order, [(line, line.total_fen) for line in order.lines])
    assert books.balances()["pending"] == 0
    assert books.balances()["reversed"] == accrued
    assert books.store_balances()["pending"] == 0
    assert audit_books(books.session).ok


def test_replayed_reversal_changes_nothing(books, db):
    order = books.paid_order([(10000, 1)])
    books.refund(order, [(order.lines[0], 4000)])
    refund_id = order.refunds[0].id
    assert reverse_refund(db.session, refund_id, now=T0) == 0
    assert reverse_refund(db.session, refund_id, now=T0) == 0
    db.session.commit()
    assert books.balances()["pending"] == 600
    assert transactions(db.session, "reversal") == 3


def test_open_refund_request_reverses_nothing(books, db):
    order = books.paid_order([(10000, 1)])
    refund = books.request_refund(order, [(order.lines[0], 4000)])
    assert reverse_refund(db.session, refund.id, now=T0) == 0
    assert books.balances()["pending"] == 1000


def test_refund_after_settlement_comes_out_of_available(books):
    order = books.paid_order([(10000, 1)])
    settle(books, order)
    assert books.balances()["available"] == 1000
    books.refund(order, [(order.lines[0], 3000)], at=T0 + days(20))
    assert books.balances()["available"] == 700
    assert books.balances()["debt"] == 0
    assert audit_books(books.session).ok


def test_refund_after_withdrawal_creates_debt_that_blocks_withdrawals_and_is_netted_later(books, db):
    order = books.paid_order([(10000, 1)])
    settle(books, order)
    withdrawal = request_withdrawal(db.session, partner_id=books.sharer.id, amount_fen=800, request_key="w1",
                                    now=T0 + days(10))
    approve_withdrawal(db.session, withdrawal.id, by_user_id=None, now=T0 + days(10))
    pay_withdrawal(db.session, withdrawal.id, by_user_id=None, now=T0 + days(10))
    assert books.balances()["available"] == 200

    # The whole order comes back: ¥10 commission, of which ¥8 was already paid out.
    books.refund(order, [(order.lines[0], 10000)], at=T0 + days(11))
    assert books.balances() == {"pending": 0, "available": 0, "withdrawing": 0, "withdrawn": 800,
                                "debt": -800, "reversed": 1000}  # not capped at the ¥2 that was left
    with pytest.raises(DebtOutstanding):
        request_withdrawal(db.session, partner_id=books.sharer.id, amount_fen=100, request_key="w2",
                           now=T0 + days(12))

    # The next settled earnings pay the debt off first.
    second = books.paid_order([(5000, 1)], at=T0 + days(12))
    settle(books, second, completed_at=T0 + days(13))
    assert books.balances()["debt"] == -300
    assert books.balances()["available"] == 0
    third = books.paid_order([(10000, 1)], at=T0 + days(30))
    settle(books, third, completed_at=T0 + days(31))
    assert books.balances()["debt"] == 0
    assert books.balances()["available"] == 700
    assert request_withdrawal(db.session, partner_id=books.sharer.id, amount_fen=700, request_key="w3",
                              now=T0 + days(40)).status == "requested"
    assert audit_books(db.session).ok
