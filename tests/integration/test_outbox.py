"""The provider's refund happens after the approval committed, through the outbox, never under a lock."""
import secrets
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.database import plain_session
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.models import Order, Refund
from mall.orders.refunds import approve_refund, request_refund
from mall.outbox.delivery import deliver_due
from mall.outbox.models import OutboxEvent
from mall.payments.mock.models import MockCharge
from mall.payments.mock.provider import MockProvider
from mall.payments.provider import RefundRefused
from tests.integration.admin_support import follow, post
from tests.integration.payment_support import pay, start_payment


@pytest.fixture()
def refund_to_approve(client, login_as, make, db):
    """A paid ¥128.00 order with an open refund request for all of it, and its brand's admin signed in."""
    brand = make.brand()
    admin = make.user(Role.BRAND_ADMIN, brand=brand)
    product = make.product(brand, skus=(("Box", 12800, 5),))
    order = place_order(db.session, CheckoutRequest(
        sku_id=product.skus[0].id, quantity=1, contact_name="王小明", contact_phone="13800138000", delivery="ship",
        address="上海市静安区南京西路 1 号", idempotency_key=secrets.token_urlsafe(16)), now=utcnow())
    pay(client, start_payment(db.session, order))
    refund = request_refund(db.session, order.id, items=None, reason="Broken", now=utcnow())
    login_as(admin)
    return order, refund


def approve_on_the_page(client, order, refund) -> str:
    return follow(client, post(client, f"/admin/orders/{order.number}/refunds/{refund.id}/approve"))


def fresh(db, model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def _open_transactions_elsewhere(db) -> list[str]:
    """What other connections to the test database hold: on PostgreSQL their locks, on SQLite its write lock."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            return [f"{row.pid} {row.locktype} {row.mode} {row.state}" for row in conn.execute(text(
                "SELECT l.pid, l.locktype, l.mode, a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE a.datname = current_database() AND l.pid <> pg_backend_pid()"))]
    probe = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")  # every transaction of the mall takes this lock (mall.database)
        probe.execute("ROLLBACK")
        return []
    except sqlite3.OperationalError as exc:
        return [str(exc)]
    finally:
        probe.close()


@pytest.mark.real_commits  # looks at other connections' locks, which the rolled-back test transaction would hold
def test_the_provider_refunds_with_no_transaction_open_and_no_lock_held(client, db, monkeypatch, refund_to_approve):
    order, refund = refund_to_approve
    calls = []
    real_refund = MockProvider.refund

    def watched(self, session, **kwargs):
        calls.append((plain_session(session).in_transaction(), _open_transactions_elsewhere(db)))
        return real_refund(self, session, **kwargs)

    monkeypatch.setattr(MockProvider, "refund", watched)
    assert "Refund of ¥128.00 approved." in approve_on_the_page(client, order, refund)
    assert calls == [(False, [])]
    assert fresh(db, Refund, refund.id).status == "refunded"
    assert fresh(db, Order, order.id).status == "refunded"


def test_a_provider_that_cannot_answer_now_is_retried_by_the_job(client, db, runner, monkeypatch,
                                                                  refund_to_approve):
    order, refund = refund_to_approve
    real_refund = MockProvider.refund

    def offline(self, session, **kwargs):
        raise ConnectionError("provider unreachable")

    monkeypatch.setattr(MockProvider, "refund", offline)
    page = approve_on_the_page(client, order, refund)
    assert "the payment provider has not confirmed it yet" in page
    assert (fresh(db, Refund, refund.id).status, fresh(db, Order, order.id).refunded_fen) == ("approved", 0)
    row = db.session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "payment.refund")).one()
    assert row.attempts == 1 and row.delivered_at is None and "ConnectionError" in row.last_error
    assert row.available_at > utcnow()  # backing off
    assert "Ask for a refund" not in client.get(f"/o/{order.token}").get_data(as_text=True)  # amount spoken for

    monkeypatch.setattr(MockProvider, "refund", real_refund)
    assert "delivered 0, failed 0" in runner.invoke(args=["mall", "deliver-outbox"]).output  # not due yet
    assert deliver_due(db.session, now=utcnow() + timedelta(minutes=5)) == (1, 0)
    assert fresh(db, Refund, refund.id).status == "refunded"
    assert fresh(db, Order, order.id).status == "refunded"
    assert db.session.scalar(select(MockCharge.refunded_fen)) == 12800
    assert deliver_due(db.session, now=utcnow() + timedelta(hours=1)) == (0, 0)  # delivered once


def test_a_row_leased_by_another_host_waits_for_the_lease(client, db, refund_to_approve):
    order, refund = refund_to_approve
    approve_refund(db.session, refund.id, by_user_id=None, now=utcnow())
    db.session.commit()  # committed without delivering: as if the approving host died right after
    now = utcnow()
    db.session.execute(update(OutboxEvent).values(claimed_by="other-host", claimed_until=now + timedelta(minutes=5)))
    db.session.commit()
    assert deliver_due(db.session, now=now) == (0, 0)
    assert fresh(db, Refund, refund.id).status == "approved"
    assert deliver_due(db.session, now=now + timedelta(minutes=6)) == (1, 0)  # the lease ran out: taken over
    row = db.session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "payment.refund")).one()
    assert row.delivered_at is not None and row.claimed_by is None and row.attempts == 1
    assert fresh(db, Refund, refund.id).status == "refunded"


def test_a_provider_refusing_after_the_commit_opens_the_request_again(client, db, monkeypatch, refund_to_approve):
    order, refund = refund_to_approve
    real_refund = MockProvider.refund

    def refusing(self, session, **kwargs):
        raise RefundRefused("charge not paid, or refund above what remains")

    monkeypatch.setattr(MockProvider, "refund", refusing)
    page = approve_on_the_page(client, order, refund)
    assert "The payment provider did not accept the refund." in page
    reopened = fresh(db, Refund, refund.id)
    assert (reopened.status, reopened.decided_by_id) == ("requested", None)
    assert "charge not paid" in reopened.provider_error
    assert fresh(db, Order, order.id).refunded_fen == 0

    monkeypatch.setattr(MockProvider, "refund", real_refund)
    assert "Refund of ¥128.00 approved." in approve_on_the_page(client, order, refund)
    assert (fresh(db, Refund, refund.id).status, fresh(db, Refund, refund.id).provider_error) == ("refunded", "")
