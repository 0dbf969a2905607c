"""The shop the fault tests load: a brand whose every order is credited to a sharer and their inviter,
and the questions asked of the books afterwards."""
import secrets

from sqlalchemy import func, select

from mall.clock import utcnow
from mall.commission.audit_books import audit_books
from mall.commission.ledger import ACCRUAL
from mall.commission.models import CommissionShare, LedgerTransaction
from mall.orders.checkout import CheckoutRequest
from mall.orders.models import Order, OrderLine, OrderStatus
from mall.referral.models import Touch
from tests.integration.commission_support import DEFAULTS
from tests.integration.referral_data import partner
from tests.integration.settings_support import set_rules

VISITOR = "fault-visitor-0001"
# What counts as sold: stock stays taken until an order is cancelled.
HOLDING = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)


class Shop:
    """One brand, one store, one product with `stock` units, a sharer under an upline, and a visitor (every
    in-process buyer) who opened the sharer's link."""

    def __init__(self, make, session, *, stock: int, price_fen: int = 9900):
        self.session = session
        self.brand = make.brand()
        self.store = make.store(self.brand)
        self.product = make.product(self.brand, skus=(("Default", price_fen, stock),))
        self.sku_id = self.product.skus[0].id
        set_rules(session, self.brand.id, **DEFAULTS)
        self.upline = partner(make, self.brand, name="Upline")
        self.sharer = partner(make, self.brand, inviter=self.upline, name="Sharer")
        session.add(Touch(brand_id=self.brand.id, partner_id=self.sharer.id, channel="link",
                          target=f"product:{self.product.code}", visitor_key=VISITOR, created_at=utcnow()))
        session.commit()
        self.stock = stock

    def checkout_request(self) -> CheckoutRequest:
        return CheckoutRequest(sku_id=self.sku_id, quantity=1, contact_name="王小明", contact_phone="13800138000",
                               delivery="ship", address="上海市静安区南京西路 1 号",
                               idempotency_key=secrets.token_urlsafe(16), visitor_key=VISITOR)


def count_orders(session, *statuses) -> int:
    return session.scalar(select(func.count()).select_from(Order).where(Order.status.in_(statuses)))


def units_held(session, sku_id: int) -> int:
    return session.scalar(select(func.coalesce(func.sum(OrderLine.quantity), 0)).join(Order)
                          .where(OrderLine.sku_id == sku_id, Order.status.in_(HOLDING)))


def accruals_per_order(session) -> dict[int, int]:
    """order id -> accrual transactions booked for it, for every order that was ever paid."""
    paid = select(Order.id).where(Order.paid_at.is_not(None))
    counts = dict(session.execute(select(LedgerTransaction.order_id, func.count())
                                  .where(LedgerTransaction.kind == ACCRUAL, LedgerTransaction.order_id.in_(paid))
                                  .group_by(LedgerTransaction.order_id)).all())
    return {order_id: counts.get(order_id, 0) for order_id in session.scalars(paid)}


def paid_orders_lacking_shares(session) -> list[str]:
    """Numbers of paid orders with no accrued commission share: the sharer was never credited."""
    credited = select(CommissionShare.order_id).where(CommissionShare.status.in_(("pending", "available")))
    return list(session.scalars(select(Order.number).where(Order.paid_at.is_not(None), Order.id.not_in(credited))))


def audit_failures(session) -> list[str]:
    report = audit_books(session)
    session.rollback()
    return [f"{check.name}: {check.violations[:3]}" for check in report.checks if not check.ok]
