"""Shared steps of the commission tests: partners, orders inserted row by row, payment, refunds, time.

Orders are written with the models (not through checkout) and credited with a hand-made Credit, so these
tests pin the ledger's behaviour without depending on checkout or attribution code.
"""
import secrets
from datetime import datetime, timedelta
from itertools import count

from sqlalchemy import func, select

from mall.accounts.models import User
from mall.codes import short_code
from mall.commission.accrual import accrue_order, void_order
from mall.commission.balances import balances
from mall.commission.models import CommissionShare, LedgerEntry, LedgerTransaction
from mall.commission.plan import plan_order
from mall.commission.reversal import reverse_refund
from mall.commission.settings import settings_for
from mall.orders.models import Order, OrderLine, OrderStatus, Refund, RefundItem, RefundStatus
from mall.referral.attribution import Credit
from mall.referral.models import Partner
from mall.reporting.rollup import refresh_order
from tests.integration.settings_support import set_rules

T0 = datetime(2025, 3, 1, 10, 0)
DAY = timedelta(days=1)
_phones = count(1)
DEFAULTS = dict(level1_bp=1000, level2_bp=500, level3_bp=0, guide_bp=300, store_bp=200, max_total_bp=3000,
                withdraw_min_fen=100, withdraw_fee_bp=0, withdraw_daily_limit_fen=10**9)


def days(n: float) -> timedelta:
    return timedelta(days=n)


class Books:
    """A brand with a product and a partner chain, and the steps an order goes through."""

    def __init__(self, make, session, *, price_fen: int = 10000, **settings):
        self.make, self.session = make, session
        self.brand = make.brand()
        self.store = make.store(self.brand)
        self.product = make.product(self.brand, skus=(("Default", price_fen, 1000),))
        self.configure(**{**DEFAULTS, **settings})
        self.buyer = self.user(name="Buyer")
        self.upline = self.partner()
        self.sharer = self.partner(inviter=self.upline)

    def configure(self, **values):
        """Set the brand's rules, each in its domain's settings; returns the commission settings."""
        set_rules(self.session, self.brand.id, **values)
        return settings_for(self.session, self.brand.id)

    def user(self, role: str = "consumer", name: str = "Test User", **kw) -> User:
        """A user who never logs in, so no password hash: hashing costs ~0.1 s, thousands in property tests."""
        user = User(phone=f"137{next(_phones):08d}", name=name, role=role, password_hash="!", **kw)
        self.session.add(user)
        self.session.commit()
        return user

    def partner(self, *, inviter: Partner | None = None, status: str = "active", brand=None) -> Partner:
        user = self.user("partner")
        partner = Partner(brand_id=(brand or self.brand).id, user_id=user.id, code=short_code(6),
                          inviter_id=inviter.id if inviter else None, status=status, joined_at=T0)
        self.session.add(partner)
        self.session.commit()
        return partner

    def credit(self, *, guide: Partner | None = None, store=True) -> Credit:
        """The sharer at level 1, their inviter at level 2, optionally a guide and the store."""
        return Credit(sharer_id=self.sharer.id, channel="link", levels={1: self.sharer.id, 2: self.upline.id},
                      guide_id=guide.id if guide else None, store_id=self.store.id if store else None,
                      reason="last_touch")

    def order(self, lines=((10000, 1),), *, credit: Credit | None = None, at: datetime = T0, product=None) -> Order:
        """An unpaid order with lines of (unit price in fen, quantity), attributed with `credit` (default: ours)."""
        product = product or self.product
        total = sum(price * qty for price, qty in lines)
        order = Order(number=short_code(12), token=secrets.token_urlsafe(16), idempotency_key=secrets.token_urlsafe(16),
                      brand_id=self.brand.id, user_id=self.buyer.id, status=OrderStatus.PENDING_PAYMENT,
                      contact_name="王小明", contact_phone="13800138000", address="上海", total_fen=total,
                      created_at=at)
        self.session.add(order)
        self.session.flush()
        for price, qty in lines:
            self.session.add(OrderLine(order_id=order.id, product_id=product.id, sku_id=product.skus[0].id,
                                       title=product.title, sku_name="Default", unit_price_fen=price, quantity=qty,
                                       total_fen=price * qty))
        self.session.flush()
        plan_order(self.session, order, credit if credit is not None else self.credit(), now=at)
        self.session.commit()
        return order

    def pay(self, order: Order, *, at: datetime = T0) -> int:
        order.status, order.paid_at = OrderStatus.PAID, at
        self.session.flush()
        accrued = accrue_order(self.session, order.id, now=at)
        refresh_order(self.session, order.id)  # the reports' roll-up, as its OrderPaid subscriber does
        self.session.commit()
        return accrued

    def cancel(self, order: Order, *, at: datetime = T0) -> None:
        order.status, order.cancelled_at = OrderStatus.CANCELLED, at
        void_order(self.session, order.id, now=at)
        self.session.commit()

    def ship(self, order: Order, *, at: datetime) -> None:
        order.status, order.shipped_at = OrderStatus.SHIPPED, at
        self.session.commit()

    def complete(self, order: Order, *, at: datetime) -> None:
        order.status, order.shipped_at, order.completed_at = OrderStatus.COMPLETED, order.shipped_at or at, at
        self.session.commit()

    def paid_order(self, lines=((10000, 1),), **kw) -> Order:
        order = self.order(lines, **kw)
        self.pay(order, at=kw.get("at", T0))
        return order

    def request_refund(self, order: Order, items, *, at: datetime = T0) -> Refund:
        """An open request: items are (line, fen)."""
        refund = Refund(order_id=order.id, status=RefundStatus.REQUESTED, amount_fen=sum(f for _, f in items),
                        created_at=at)
        refund.items = [RefundItem(line_id=line.id, amount_fen=fen) for line, fen in items]
        self.session.add(refund)
        self.session.commit()
        return refund

    def refund(self, order: Order, items, *, at: datetime = T0) -> int:
        """An approved refund as the refund code books it: amounts added to the lines, then reversal."""
        refund = Refund(order_id=order.id, status=RefundStatus.REFUNDED, amount_fen=sum(f for _, f in items),
                        created_at=at, decided_at=at)
        refund.items = [RefundItem(line_id=line.id, amount_fen=fen) for line, fen in items]
        self.session.add(refund)
        for line, fen in items:
            line.refunded_fen += fen
        order.refunded_fen += refund.amount_fen
        if order.refunded_fen == order.total_fen:
            order.status = OrderStatus.REFUNDED
        self.session.flush()
        reversed_fen = reverse_refund(self.session, refund.id, now=at)
        refresh_order(self.session, order.id)  # the reports' roll-up, as its RefundCompleted subscriber does
        self.session.commit()
        return reversed_fen

    def balances(self, partner: Partner | None = None) -> dict[str, int]:
        who = partner or self.sharer
        return balances(self.session, brand_id=self.brand.id, owner_kind="partner", owner_id=who.id)

    def store_balances(self) -> dict[str, int]:
        return balances(self.session, brand_id=self.brand.id, owner_kind="store", owner_id=self.store.id)

    def shares(self, order: Order) -> dict[str, CommissionShare]:
        rows = self.session.scalars(select(CommissionShare).where(CommissionShare.order_id == order.id)
                                    .order_by(CommissionShare.id)
                                    .execution_options(populate_existing=True)).all()
        return {f"{s.role}@{s.line_id}:g{s.generation}": s for s in rows}

    def roles(self, order: Order) -> dict[str, tuple[int, str]]:
        """role -> (amount, status) of a one-line order's current shares."""
        return {s.role: (s.amount_fen, s.status) for s in self.shares(order).values() if s.status not in
                ("void", "replaced")}


def ledger_rows(session, order: Order | None = None) -> int:
    query = select(func.count()).select_from(LedgerEntry).join(LedgerTransaction)
    if order is not None:
        query = query.where(LedgerTransaction.order_id == order.id)
    return session.scalar(query)


def transactions(session, kind: str | None = None) -> int:
    query = select(func.count()).select_from(LedgerTransaction)
    if kind:
        query = query.where(LedgerTransaction.kind == kind)
    return session.scalar(query)
