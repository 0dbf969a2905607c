"""Set-based settlement equals settling each share alone (tests/integration/settlement_reference.py): the same
balances, statuses and ledger legs, debts paid off in the same order, across batches; one event per order."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from mall.commission import settlement
from mall.commission.audit_books import audit_books
from mall.commission.models import Account, CommissionShare, LedgerEntry, LedgerTransaction
from mall.commission.withdrawals import approve_withdrawal, pay_withdrawal, request_withdrawal
from mall.jobs.settle import settle_due
from mall.outbox.models import OutboxEvent
from mall.referral.attribution import Credit
from mall.webhooks.endpoints import register_endpoint
from mall.webhooks.models import WebhookDelivery
from tests.integration.commission_support import T0, Books, days
from tests.integration.settlement_reference import settle_one_by_one

NOW = T0 + days(30)  # freeze 7 days: orders completed by T0 + 23 days are due


class Shop:
    """A brand with a sharer, an upline, a guide and a store, named by role so two brands compare."""

    def __init__(self, make, session):
        self.books = Books(make, session, freeze_days=7, withdraw_min_fen=1)
        self.guide = self.books.partner()
        self.orders = []

    def roles(self) -> dict[tuple[str, int], str]:
        b = self.books
        return {("partner", b.sharer.id): "sharer", ("partner", b.upline.id): "upline",
                ("partner", self.guide.id): "guide", ("store", b.store.id): "store", ("brand", b.brand.id): "brand"}

    def owe(self, price_fen: int) -> None:
        """Settled, withdrawn, then refunded: the sharer and the upline owe the brand their commission."""
        b = self.books
        order = b.paid_order([(price_fen, 1)])
        b.complete(order, at=T0)
        settle_due(b.session, now=T0 + days(8))
        for n, partner in enumerate((b.sharer, b.upline)):
            w = request_withdrawal(b.session, partner_id=partner.id, amount_fen=b.balances(partner)["available"],
                                   request_key=f"owe-{b.brand.id}-{n}", now=T0 + days(8))
            approve_withdrawal(b.session, w.id, by_user_id=None, now=T0 + days(8))
            pay_withdrawal(b.session, w.id, by_user_id=None, now=T0 + days(8))
            b.session.commit()
        b.refund(order, [(order.lines[0], price_fen)], at=T0 + days(9))

    def add(self, lines, guide: bool, completed: int | None, refunded: float, request: bool) -> None:
        b = self.books
        order = b.paid_order(lines, credit=b.credit(guide=self.guide if guide else None), at=T0 + days(10))
        line = order.lines[0]
        if refunded:
            b.refund(order, [(line, max(1, int(line.total_fen * refunded)))], at=T0 + days(11))
        if completed is not None and order.status == "paid":
            b.complete(order, at=T0 + days(12 + completed))
        if request:
            b.request_refund(order, [(line, 1)], at=T0 + days(25))
        self.orders.append(order)

    def ledger(self) -> dict[tuple[str, str], int]:
        """(role, account kind) -> balance; an account never moved counts as absent."""
        roles = self.roles()
        rows = self.books.session.execute(select(Account.owner_kind, Account.owner_id, Account.kind,
                                                 Account.balance_fen).where(Account.brand_id == self.books.brand.id))
        return {(roles[(kind, owner)], account): fen for kind, owner, account, fen in rows if fen}

    def shares(self) -> list[tuple]:
        """Per order (in order), per share: role, status and its settlement legs (account kind, fen)."""
        session, out = self.books.session, []
        for n, order in enumerate(self.orders):
            for share in session.scalars(select(CommissionShare).where(CommissionShare.order_id == order.id)
                                         .order_by(CommissionShare.id).execution_options(populate_existing=True)):
                legs = session.execute(select(Account.kind, LedgerEntry.amount_fen)
                                       .join(LedgerEntry, LedgerEntry.account_id == Account.id)
                                       .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
                                       .where(LedgerEntry.share_id == share.id,
                                              LedgerTransaction.key == f"settlement:{share.id}")).all()
                out.append((n, share.role, share.status, sorted(legs)))
        return out


def both(make, db, build) -> tuple[Shop, Shop, int, int]:
    """Build the same books in two brands; settle one share by share, the other in batches of two orders."""
    reference, batched = Shop(make, db.session), Shop(make, db.session)
    build(reference)
    build(batched)
    one_by_one = settle_one_by_one(db.session, reference.books.brand.id, now=NOW)
    in_batches = settle_due(db.session, now=NOW)
    db.session.expire_all()
    return reference, batched, one_by_one, in_batches


def assert_same(reference: Shop, batched: Shop, one_by_one: int, in_batches: int) -> None:
    assert in_batches == one_by_one
    assert batched.ledger() == reference.ledger()
    assert batched.shares() == reference.shares()


def assert_audit_clean(session) -> None:
    report = audit_books(session)
    assert report.ok, [(c.name, c.violations) for c in report.checks if not c.ok]


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(settlement, "BATCH_ORDERS", 2)  # several batches even over a handful of orders


def test_debt_is_paid_off_share_by_share_across_batches(make, db):
    def build(shop):
        shop.owe(60000)  # the sharer owes 6,000 fen, the upline 3,000
        for price in (10000, 25000, 5000, 40000, 30000):
            shop.add([(price, 1), (1990, 2)], guide=True, completed=0, refunded=0, request=False)

    reference, batched, one_by_one, in_batches = both(make, db, build)
    assert_same(reference, batched, one_by_one, in_batches)
    assert_audit_clean(db.session)
    assert in_batches == 5 * 2 * 4
    ledger = batched.ledger()
    assert ("sharer", "debt") not in ledger and ledger[("sharer", "available")] == 1000 + 2500 + 500 + 4000 + \
        3000 + 5 * 398 - 6000
    # The first order paid the first 1,000 fen off the sharer's debt, the second 2,500, the third 500...
    first_orders = [legs for n, role, _, legs in batched.shares() if role == "level1"]
    assert first_orders[0] == [("debt", 1000), ("pending", -1000)]


def test_one_commission_settled_event_per_order_fanned_out_to_the_brands_endpoint(make, db):
    """Webhook consumers get an event per order, as before; the batch's rows are fanned out right after commit."""
    shop, quiet = Shop(make, db.session), Shop(make, db.session)
    endpoint = register_endpoint(db.session, brand_id=shop.books.brand.id, url="https://example.com/hook",
                                 topics=["commission.settled"], now=T0, allow_private=True)
    db.session.commit()
    for price in (10000, 20000, 30000):
        shop.add([(price, 1)], guide=False, completed=0, refunded=0, request=False)
        quiet.add([(price, 1)], guide=False, completed=0, refunded=0, request=False)
    assert settle_due(db.session, now=NOW) == 2 * 3 * 3
    events = db.session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "commission.settled")).all()
    mine = [e for e in events if e.payload["brand_id"] == shop.books.brand.id]
    assert sorted((e.payload["order_id"], e.payload["shares"], e.payload["amount_fen"]) for e in mine) == [
        (order.id, 3, price * 1700 // 10000) for order, price in zip(shop.orders, (10000, 20000, 30000), strict=True)]
    # The quiet brand has no endpoint: its events are not kept (tests/integration/test_webhook_listeners.py).
    assert len(events) == 3 and all(e.delivered_at is not None for e in events)
    deliveries = db.session.scalars(select(WebhookDelivery)).all()
    assert sorted(d.payload["order_id"] for d in deliveries) == [order.id for order in shop.orders]
    assert {(d.endpoint_id, d.sequence_key.split(":")[0]) for d in deliveries} == {(endpoint.id, "order")}
    assert_audit_clean(db.session)


lines = st.lists(st.tuples(st.integers(1, 50000), st.integers(1, 3)), min_size=1, max_size=2)
orders = st.lists(st.tuples(lines, st.booleans(), st.one_of(st.none(), st.integers(0, 20)),
                            st.sampled_from([0, 0, 0.3, 1.0]), st.booleans()), min_size=1, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(orders=orders, debt=st.one_of(st.none(), st.integers(100, 200000)))
def test_batches_equal_one_by_one_over_random_books(make, db, orders, debt):
    def build(shop):
        if debt:
            shop.owe(debt)
        for lines_, guide, completed, refunded, request in orders:
            shop.add(lines_, guide, completed, refunded, request)

    # Equal to the reference leg by leg; the audit (slow on PostgreSQL over one growing uncommitted
    # transaction) runs in the tests above.
    assert_same(*both(make, db, build))


def test_new_available_accounts_are_created_in_key_order(make, db, monkeypatch):
    """Two hosts settling batches with new beneficiaries in common wait for each other's new accounts (the unique
    key); created in any other order than the key's, each could hold one the other waits for: a deadlock,
    seen with two `mall settle` at once on PostgreSQL. Shares are written here in descending partner order."""
    monkeypatch.setattr(settlement, "BATCH_ORDERS", 1000)  # one batch: one statement creates all the accounts
    books = Books(make, db.session, freeze_days=7)
    partners = sorted((books.partner() for _ in range(40)), key=lambda partner: -partner.id)
    for partner in partners:
        credit = Credit(sharer_id=partner.id, channel="link", levels={1: partner.id}, guide_id=None, store_id=None,
                        reason="last_touch")
        books.complete(books.paid_order(credit=credit, at=T0 + days(1)), at=T0 + days(2))
    assert settle_due(db.session, now=NOW) == len(partners)
    created = db.session.execute(select(Account.owner_id).where(Account.brand_id == books.brand.id,
                                                                Account.kind == "available")
                                 .order_by(Account.id)).scalars().all()
    assert created == sorted(partner.id for partner in partners)
