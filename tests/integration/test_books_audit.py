"""`flask mall audit`: exits 0 on good books and 1, naming the problem, on corrupted ones."""
import pytest
from sqlalchemy import select, update

from mall.commission.audit_books import audit_books
from mall.commission.models import Account, CommissionShare, LedgerEntry
from mall.commission.withdrawals import approve_withdrawal, pay_withdrawal, request_withdrawal
from mall.jobs.settle import settle_due
from tests.integration.commission_support import T0, Books, days
from tests.ledger_triggers import ledger_triggers_off


@pytest.fixture()
def books(make, db):
    """Books with every kind of movement: accrual, refund, settlement, withdrawal, debt."""
    books = Books(make, db.session, withdraw_fee_bp=100)
    order = books.paid_order([(3333, 3), (10000, 1)])
    books.refund(order, [(order.lines[0], 1000)])
    books.complete(order, at=T0)
    settle_due(db.session, now=T0 + days(8))
    withdrawal = request_withdrawal(db.session, partner_id=books.sharer.id, amount_fen=1500, request_key="a", now=T0)
    approve_withdrawal(db.session, withdrawal.id, by_user_id=None, now=T0)
    pay_withdrawal(db.session, withdrawal.id, by_user_id=None, now=T0)
    books.refund(order, [(order.lines[1], 10000)], at=T0 + days(9))
    assert books.balances()["debt"] < 0
    books.paid_order([(5000, 1)])
    return books


def test_good_books_pass(books, runner):
    result = runner.invoke(args=["mall", "audit"])
    assert result.exit_code == 0, result.output
    assert "ok   every transaction balances" in result.output
    assert "ok   cached balances equal the sum of entries" in result.output
    assert "ok   per line, net commission <= base x total ratio" in result.output
    assert "ok   every entry traces to an order line or a withdrawal" in result.output
    assert "books are consistent" in result.output


def test_empty_books_pass(runner):
    assert runner.invoke(args=["mall", "audit"]).exit_code == 0


def corrupt_balance(session):
    session.execute(update(Account).where(Account.kind == "available").values(balance_fen=Account.balance_fen + 1))


def corrupt_entry(session):
    """An entry changed by hand, as only the schema's owner can now: triggers off, then its transaction unbalanced."""
    entry_id = session.scalars(select(LedgerEntry.id).order_by(LedgerEntry.id)).first()
    with ledger_triggers_off(session.connection()):
        session.execute(update(LedgerEntry).where(LedgerEntry.id == entry_id)
                        .values(amount_fen=LedgerEntry.amount_fen + 7))


def corrupt_share(session):  # a share inflated after the fact: more than base x ratio
    session.execute(update(CommissionShare).where(CommissionShare.role == "level1")
                    .values(amount_fen=CommissionShare.amount_fen * 3))


def corrupt_reversal(session):  # a share claims a reversal the ledger never booked
    session.execute(update(CommissionShare).where(CommissionShare.status == "pending")
                    .values(reversed_fen=CommissionShare.reversed_fen + 1))


@pytest.mark.parametrize("corrupt, failing", [
    (corrupt_balance, "FAIL cached balances equal the sum of entries"),
    (corrupt_entry, "FAIL every transaction balances"),
    (corrupt_share, "FAIL per line, net commission <= base x total ratio"),
    (corrupt_reversal, "FAIL shares match their ledger entries"),
])
def test_corrupted_books_fail(books, runner, db, corrupt, failing):
    corrupt(db.session)
    db.session.commit()
    result = runner.invoke(args=["mall", "audit"])
    assert result.exit_code == 1
    assert failing in result.output
    assert "books have violations" in result.output


def test_report_counts_what_it_checked(books, db):
    report = audit_books(db.session)
    assert report.ok
    assert all(check.checked > 0 for check in report.checks)


def test_floor_of_ratio_is_checked_in_integers(make, db):
    """The check runs in SQL: a share rounded down is right, one a fen above the floor is caught."""
    books = Books(make, db.session)
    books.paid_order([(3333, 3)])
    shares = db.session.scalars(select(CommissionShare)).all()
    assert any(share.base_fen * share.ratio_bp % 10000 for share in shares)  # a remainder was dropped
    floor = next(c for c in audit_books(db.session).checks if c.name == "each share is floor(line base x its ratio)")
    assert floor.ok and floor.checked == len(shares)
    db.session.execute(update(CommissionShare).where(CommissionShare.id == shares[0].id)
                       .values(amount_fen=CommissionShare.amount_fen + 1))
    floor = next(c for c in audit_books(db.session).checks if c.name == "each share is floor(line base x its ratio)")
    assert floor.count == 1 and f"share {shares[0].id}:" in floor.violations[0]
