"""The settle job: auto-completion after N days, settlement after the freeze, holds, idempotency, the CLI."""
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.commission.audit_books import audit_books
from mall.jobs.settle import auto_complete, settle_due
from mall.orders.models import Order, RefundStatus
from tests.integration.commission_support import T0, Books, days, transactions


@pytest.fixture()
def books(make, db):
    return Books(make, db.session, freeze_days=7, auto_complete_days=10)


@pytest.mark.parametrize("settle_after, settled", [
    (days(6), False),
    (days(7) - days(1) / 24, False),
    (days(7), True),  # exactly the freeze period
    (days(30), True),
])
def test_settlement_waits_for_the_freeze_period(books, db, settle_after, settled):
    order = books.paid_order([(10000, 1)])
    books.complete(order, at=T0 + days(2))
    settle_due(db.session, now=T0 + days(2) + settle_after)
    assert books.balances()["available"] == (1000 if settled else 0)
    assert books.balances()["pending"] == (0 if settled else 1000)


def test_settle_is_idempotent(books, db):
    order = books.paid_order([(10000, 1)])
    books.complete(order, at=T0)
    assert settle_due(db.session, now=T0 + days(8)) == 3
    assert settle_due(db.session, now=T0 + days(8)) == 0
    assert settle_due(db.session, now=T0 + days(9)) == 0
    assert transactions(db.session, "settlement") == 3
    assert books.balances()["available"] == 1000
    assert books.roles(order) == {"level1": (1000, "available"), "level2": (500, "available"),
                                  "store": (200, "available")}
    assert audit_books(db.session).ok


def test_orders_not_completed_do_not_settle(books, db):
    paid = books.paid_order([(10000, 1)])
    shipped = books.paid_order([(10000, 1)])
    books.ship(shipped, at=T0)
    assert settle_due(db.session, now=T0 + days(9)) == 0  # shipped 9 days ago: not yet auto-completed
    assert {s for _, s in books.roles(paid).values()} == {"pending"}


def test_open_refund_request_holds_settlement_until_decided(books, db):
    order = books.paid_order([(10000, 1)])
    books.complete(order, at=T0)
    refund = books.request_refund(order, [(order.lines[0], 5000)])
    assert settle_due(db.session, now=T0 + days(8)) == 0
    assert books.balances()["pending"] == 1000

    refund.status = RefundStatus.REJECTED
    db.session.commit()
    assert settle_due(db.session, now=T0 + days(9)) == 3
    assert books.balances()["available"] == 1000


def test_partly_refunded_order_settles_what_is_left(books, db):
    order = books.paid_order([(10000, 1)])
    books.refund(order, [(order.lines[0], 4000)])
    books.complete(order, at=T0)
    settle_due(db.session, now=T0 + days(8))
    assert books.balances() == {"pending": 0, "available": 600, "withdrawing": 0, "withdrawn": 0, "debt": 0,
                                "reversed": 400}
    assert audit_books(db.session).ok


def test_auto_complete_after_the_brands_days(books, db):
    order = books.paid_order([(10000, 1)])
    books.ship(order, at=T0)
    assert auto_complete(db.session, now=T0 + days(9)) == 0
    assert auto_complete(db.session, now=T0 + days(10)) == 1
    assert auto_complete(db.session, now=T0 + days(10)) == 0
    db.session.refresh(order)
    assert (order.status, order.completed_at) == ("completed", T0 + days(10))
    assert settle_due(db.session, now=T0 + days(16)) == 0
    assert settle_due(db.session, now=T0 + days(17)) == 3


def test_each_brand_uses_its_own_days(books, make, db):
    other = Books(make, db.session, freeze_days=0, auto_complete_days=1)
    mine, theirs = books.paid_order([(10000, 1)]), other.paid_order([(10000, 1)])
    books.ship(mine, at=T0)
    other.ship(theirs, at=T0)
    assert auto_complete(db.session, now=T0 + days(1)) == 1
    assert settle_due(db.session, now=T0 + days(1)) == 3
    assert other.balances()["available"] == 1000
    assert db.session.scalar(select(Order.status).where(Order.id == mine.id)) == "shipped"


def test_settle_command_completes_and_settles(books, runner, db):
    books.configure(freeze_days=0)
    order = books.paid_order([(10000, 1)])
    books.ship(order, at=T0)  # long ago: the command runs at the real now
    result = runner.invoke(args=["mall", "settle"])
    assert result.exit_code == 0, result.output
    assert "completed 1 orders, settled 3 commission shares" in result.output
    assert books.balances()["available"] == 1000
    again = runner.invoke(args=["mall", "settle"])
    assert "completed 0 orders, settled 0 commission shares" in again.output


@pytest.mark.real_commits  # threads with their own connections
def test_settle_on_several_hosts_at_once_settles_each_share_once(books, make, db):
    """Three 'hosts' (threads with their own sessions and connections) run the job at the same moment."""
    guide = books.partner()
    orders = [books.paid_order([(10000, 1), (2500, 2)], credit=books.credit(guide=guide)) for _ in range(5)]
    for order in orders:
        books.complete(order, at=T0)
    engine = db.engine
    db.session.rollback()  # hold no transaction (on SQLite: no write lock) while the threads run
    start, counts = threading.Barrier(3), []

    def host():
        with Session(engine) as session:
            start.wait()
            counts.append(settle_due(session, now=T0 + days(8)))

    threads = [threading.Thread(target=host) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(counts) == 5 * 2 * 4  # 5 orders x 2 lines x (level1, level2, guide, store)
    assert books.balances()["available"] == 5 * 1500
    assert books.balances(guide)["available"] == 5 * 450
    assert transactions(db.session, "settlement") == 40
    assert audit_books(db.session).ok
