"""Domain services never end a transaction: requests, jobs and commands do (mall.unit_of_work)."""
import re
import secrets
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.accounts.services import register_user
from mall.catalog.stores import save_store
from mall.clock import utcnow
from mall.commission.plan import reattribute
from mall.commission.settings import save_settings
from mall.commission.withdrawals import NotEnoughAvailable, approve_withdrawal, pay_withdrawal, request_withdrawal
from mall.jobs.settle import settle_due
from mall.orders import states
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.models import Order
from mall.orders.refunds import approve_refund, reject_refund, request_refund
from mall.payments.mock.charges import attempt_charge
from mall.payments.mock.models import MockCharge, MockEvent
from mall.payments.service import begin_payment, handle_callback
from mall.payments.signing import HEADER, signature_header
from tests.integration.commission_support import T0, Books, days

MALL = Path(__file__).resolve().parents[2] / "mall"
ENDS_A_TRANSACTION = re.compile(r"\bsession\s*\.\s*(commit|rollback)\s*\(")
# Who may end one: the unit of work (requests and the helpers every owner uses), the jobs, the commands, the
# outbox's deliverer (a job run after each commit and by a command), the webhook sender (a job run by a
# command), and the mock provider's own callback sender, which stands for a system outside the mall with books
# of its own.
OWNERS = {"unit_of_work.py", "cli.py", "jobs", "outbox/delivery.py", "webhooks/delivery.py",
          "payments/mock/delivery.py"}


def _owner(path: Path) -> bool:
    relative = path.relative_to(MALL).as_posix()
    return any(relative == owner or relative.startswith(owner + "/") for owner in OWNERS)


def test_no_module_but_the_owners_commits_or_rolls_back():
    offenders = [f"{path.relative_to(MALL)}:{number}: {line.strip()}"
                 for path in sorted(MALL.rglob("*.py")) if not _owner(path)
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if ENDS_A_TRANSACTION.search(line)]
    assert offenders == []


@contextmanager
def commits_refused():
    """Session.commit and Session.rollback fail the test inside the block (savepoints stay allowed)."""
    calls = []

    def refuse(self, *args, **kwargs):
        calls.append("called")
        raise AssertionError("a domain service ended the transaction")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Session, "commit", refuse)
        patch.setattr(Session, "rollback", refuse)
        yield calls


def test_an_order_from_checkout_to_refund_never_commits(make, db, app):
    product = make.product(skus=(("Box", 5000, 5),))
    with commits_refused() as calls:
        _checkout_to_refund(db.session, app, product)
    assert calls == []


def _checkout_to_refund(session, app, product) -> None:
    now = utcnow()
    order = place_order(session, CheckoutRequest(
        sku_id=product.skus[0].id, quantity=2, contact_name="王小明", contact_phone="13800138000", delivery="ship",
        address="上海市静安区南京西路 1 号", idempotency_key=secrets.token_urlsafe(16)), now=now)
    url = begin_payment(session, order, return_url="/", notify_url="/payments/mock/notify")
    charge = session.get(MockCharge, url.rsplit("/", 1)[1])
    _outcome, event_id = attempt_charge(session, charge, card_digits="4242424242424242", now=now)
    body = session.get(MockEvent, event_id).body.encode()
    headers = {HEADER: signature_header(app.config["PAYMENT_WEBHOOK_SECRET"], body, now=now)}
    assert handle_callback(session, "mock", headers, body, now=now) == "paid"
    assert handle_callback(session, "mock", headers, body, now=now) == "duplicate"  # its savepoint, not a rollback
    assert states.ship(session, order.id, now=now) and states.complete(session, order.id, now=now)
    first = request_refund(session, order.id, items=[(order.lines[0].id, 1000)], reason="", now=now)
    assert approve_refund(session, first.id, by_user_id=None, now=now).status == "approved"
    second = request_refund(session, order.id, items=[(order.lines[0].id, 1000)], reason="", now=now)
    assert reject_refund(session, second.id, by_user_id=None, reason="no", now=now).status == "rejected"
    assert session.scalar(select(Order.status).where(Order.id == order.id)) == "completed"


def test_commission_catalog_and_account_services_never_commit(make, db):
    books = Books(make, db.session, withdraw_min_fen=100, withdraw_fee_bp=0, withdraw_daily_limit_fen=10**9)
    settled = books.paid_order([(100000, 1)])
    books.complete(settled, at=T0)
    settle_due(db.session, now=T0 + days(8))
    unsettled = books.paid_order([(10000, 1)])
    now = T0 + days(9)
    with commits_refused() as calls:
        session = db.session
        withdrawal = request_withdrawal(session, partner_id=books.sharer.id, amount_fen=5000, request_key="k1",
                                        now=now)
        approve_withdrawal(session, withdrawal.id, by_user_id=None, now=now)
        pay_withdrawal(session, withdrawal.id, by_user_id=None, now=now)
        with pytest.raises(NotEnoughAvailable):  # undone by its savepoint, not by a rollback
            request_withdrawal(session, partner_id=books.sharer.id, amount_fen=10**8, request_key="k2", now=now)
        reattribute(session, unsettled.id, books.credit(store=False), actor_id=None, reason="wrong sharer", now=now)
        save_settings(session, books.brand.id, {"freeze_days": 3}, actor_id=None, now=now)
        save_store(session, books.brand.id, None, name="New Store", address="上海", phone="", active=True,
                   actor_id=None, now=now)
        register_user(session, login="13700009999", password="long-enough-1", name="New", now=now)
    assert calls == []
    assert books.balances()["withdrawn"] == 5000
