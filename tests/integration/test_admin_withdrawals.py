"""The brand admin's withdrawal queue: approve, reject, mark paid (mock payout), mark failed, retry;
each once, only within the admin's brand."""
import pytest
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.audit.models import AuditLog
from mall.commission.audit_books import audit_books
from mall.commission.ledger import PAYOUT
from mall.commission.models import Withdrawal
from mall.commission.withdrawals import request_withdrawal
from mall.jobs.settle import settle_due
from tests.integration.admin_support import EN, follow, post, text
from tests.integration.commission_support import T0, Books, days, transactions

NOW = T0 + days(20)


def settled_books(make, db, **settings) -> Books:
    """A sharer with ¥100 available (10% of a settled ¥1000 order)."""
    books = Books(make, db.session, withdraw_min_fen=1000, withdraw_fee_bp=60, **settings)
    order = books.paid_order([(100000, 1)])
    books.complete(order, at=T0)
    settle_due(db.session, now=T0 + days(8))
    books.settled_order = order
    return books


def ask(books, amount, key) -> Withdrawal:
    return request_withdrawal(books.session, partner_id=books.sharer.id, amount_fen=amount, request_key=key, now=NOW)


@pytest.fixture()
def books(make, db):
    return settled_books(make, db)


@pytest.fixture()
def admin(make, books, login_as):
    return login_as(make.user(Role.BRAND_ADMIN, brand=books.brand))


def status(db, withdrawal) -> str:
    db.session.expire_all()
    return db.session.get(Withdrawal, withdrawal.id).status


def act(client, withdrawal, action, data=None):
    return post(client, f"/admin/withdrawals/{withdrawal.id}/{action}", data)


def test_the_queue_shows_the_brands_withdrawals_waiting_first(client, make, db, books, admin):
    paid = ask(books, 2000, "a")
    waiting = ask(books, 3000, "b")
    paid.status = "paid"  # as if long done; the queue shows what waits first
    db.session.commit()
    theirs = settled_books(make, db)
    ask(theirs, 4000, "c")
    page = client.get("/admin/withdrawals", headers=EN).get_data(as_text=True)
    assert books.sharer.code in page and theirs.sharer.code not in page
    assert "¥40.00" not in page
    assert page.index(f'id="withdrawal-{waiting.id}"') < page.index(f'id="withdrawal-{paid.id}"')
    assert "Fee ¥0.18, pays out ¥29.82" in text(page)
    only_paid = client.get("/admin/withdrawals?status=paid", headers=EN).get_data(as_text=True)
    assert f'id="withdrawal-{paid.id}"' in only_paid and f'id="withdrawal-{waiting.id}"' not in only_paid
    assert client.get("/admin/withdrawals?status=bogus&page=-2", headers=EN).status_code == 200


def test_approve_then_pay_exactly_once(client, db, books, admin):
    withdrawal = ask(books, 5000, "a")
    assert "Withdrawal of ¥50.00 approved." in follow(client, act(client, withdrawal, "approve"))
    assert "already been decided" in follow(client, act(client, withdrawal, "approve"))
    assert status(db, withdrawal) == "approved"
    page = follow(client, act(client, withdrawal, "pay"))
    assert "Paid out ¥49.70 (reference MOCKPAY-" in page
    again = follow(client, act(client, withdrawal, "pay"))  # a double click, or a second admin
    assert "already been decided" in again
    assert status(db, withdrawal) == "paid"
    assert transactions(db.session, PAYOUT) == 1
    assert books.balances() | {"reversed": 0} == {"pending": 0, "available": 5000, "withdrawing": 0,
                                                  "withdrawn": 4970, "debt": 0, "reversed": 0}
    assert audit_books(db.session).ok
    assert [e.action for e in db.session.scalars(select(AuditLog).order_by(AuditLog.id))] == [
        "withdrawal.approve", "withdrawal.pay"]


def test_a_requested_withdrawal_cannot_be_paid(client, db, books, admin):
    withdrawal = ask(books, 5000, "a")
    assert "already been decided" in follow(client, act(client, withdrawal, "pay"))
    assert status(db, withdrawal) == "requested"
    assert transactions(db.session, PAYOUT) == 0


def test_reject_needs_a_reason_and_returns_the_money(client, db, books, admin):
    withdrawal = ask(books, 5000, "a")
    response = act(client, withdrawal, "reject", {f"reject-{withdrawal.id}-reason": "  "})
    assert response.status_code == 422
    assert "Please tell the partner why." in response.get_data(as_text=True)
    assert status(db, withdrawal) == "requested"
    page = follow(client, act(client, withdrawal, "reject", {f"reject-{withdrawal.id}-reason": "Bank details wrong"}))
    assert "Withdrawal rejected; ¥50.00 is available to the partner again." in page
    assert "Bank details wrong" in page
    assert status(db, withdrawal) == "rejected"
    assert books.balances()["available"] == 10000
    assert "already been decided" in follow(client, act(client, withdrawal, "reject",
                                                        {f"reject-{withdrawal.id}-reason": "again"}))
    assert books.balances()["available"] == 10000


def test_a_failed_payout_returns_the_money_and_can_be_retried(client, db, books, admin):
    withdrawal = ask(books, 5000, "a")
    follow(client, act(client, withdrawal, "approve"))
    response = act(client, withdrawal, "fail", {f"fail-{withdrawal.id}-reason": ""})
    assert response.status_code == 422 and "Please tell the partner why." in response.get_data(as_text=True)
    page = follow(client, act(client, withdrawal, "fail", {f"fail-{withdrawal.id}-reason": "Account closed"}))
    assert "Payout marked as failed" in page and "Account closed" in page
    assert (status(db, withdrawal), books.balances()["available"]) == ("failed", 10000)
    assert "approved once more" in follow(client, act(client, withdrawal, "retry"))
    assert (status(db, withdrawal), books.balances()["available"]) == ("approved", 5000)
    assert "already been decided" in follow(client, act(client, withdrawal, "retry"))
    follow(client, act(client, withdrawal, "pay"))
    assert status(db, withdrawal) == "paid"
    assert books.balances()["withdrawn"] == 4970
    assert audit_books(db.session).ok


def test_retry_is_refused_while_the_partner_owes_a_debt(client, db, books, admin):
    failed, paid = ask(books, 5000, "a"), ask(books, 5000, "b")
    for step in ("approve", "pay"):
        follow(client, act(client, paid, step))
    follow(client, act(client, failed, "approve"))
    follow(client, act(client, failed, "fail", {f"fail-{failed.id}-reason": "Bounced"}))
    # The settled order is refunded in full: ¥50 comes back from available, the ¥50 withdrawn becomes a debt.
    books.refund(books.settled_order, [(books.settled_order.lines[0], 100000)])
    assert books.balances()["debt"] == -5000
    page = follow(client, act(client, failed, "retry"))
    assert "The partner owes a debt from refunds; the payout can be retried once later earnings clear it." in page
    assert (status(db, failed), books.balances()["available"]) == ("failed", 0)
    assert audit_books(db.session).ok


def test_retry_is_refused_when_the_money_was_withdrawn_meanwhile(client, db, books, admin):
    withdrawal = ask(books, 5000, "a")
    follow(client, act(client, withdrawal, "approve"))
    follow(client, act(client, withdrawal, "fail", {f"fail-{withdrawal.id}-reason": "Bounced"}))
    ask(books, 10000, "b")  # the partner asked for everything available in the meantime
    assert "The partner no longer has that much available." in follow(client, act(client, withdrawal, "retry"))
    assert (status(db, withdrawal), books.balances()["available"]) == ("failed", 0)


@pytest.mark.parametrize("action, data", [
    ("approve", {}), ("pay", {}), ("retry", {}),
    ("reject", {"reason": "nope"}), ("fail", {"reason": "nope"}),
])
def test_another_brands_withdrawal_is_not_found(client, login_as, make, db, books, action, data):
    withdrawal = ask(books, 5000, "a")
    db.session.get(Withdrawal, withdrawal.id).status = {"pay": "approved", "fail": "approved",
                                                        "retry": "failed"}.get(action, "requested")
    db.session.commit()
    before = status(db, withdrawal)
    login_as(make.user(Role.BRAND_ADMIN, brand=make.brand()))
    response = act(client, withdrawal, action, {f"{action}-{withdrawal.id}-{k}": v for k, v in data.items()})
    assert response.status_code == 404
    assert status(db, withdrawal) == before
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_a_platform_admin_sees_and_decides_every_brands_withdrawals(client, login_as, make, db, books):
    theirs = settled_books(make, db)
    mine, other = ask(books, 2000, "a"), ask(theirs, 3000, "b")
    login_as(make.user(Role.PLATFORM_ADMIN))
    page = client.get("/admin/withdrawals", headers=EN).get_data(as_text=True)
    assert f'id="withdrawal-{mine.id}"' in page and f'id="withdrawal-{other.id}"' in page
    assert theirs.brand.name in page
    follow(client, act(client, other, "approve"))
    assert status(db, other) == "approved"
