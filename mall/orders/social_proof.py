"""Social proof on a product page: who bought it lately (masked) and how many units sold, from real orders."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from mall.catalog.pages import product_page_context
from mall.orders.models import Order, OrderLine, OrderStatus
from mall.privacy import mask_name

RECENT_ORDERS_SHOWN = 5
# Orders that really happened: paid at some point. Refunded ones were real purchases too;
# unpaid and cancelled ones never were, so they must not pose as social proof.
SOLD_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.REFUNDED)


@dataclass(frozen=True)
class RecentOrder:
    """One line of social proof: the buyer's masked name (PIPL) and when they ordered."""

    name: str
    at: datetime


def product_page(session, product, *, now: datetime) -> dict:
    """Everything templates/catalog/product.html needs except the checkout form: the catalog's part and ours."""
    return {**product_page_context(session, product, now=now),
            "recent_orders": recent_orders(session, product.id), "sold_count": units_sold(session, product.id)}


def recent_orders(session, product_id: int, limit: int = RECENT_ORDERS_SHOWN) -> list[RecentOrder]:
    """The latest real orders containing this product, newest first, one entry per order."""
    rows = session.execute(
        select(Order.contact_name, Order.created_at)
        .where(Order.status.in_(SOLD_STATUSES),
               Order.id.in_(select(OrderLine.order_id).where(OrderLine.product_id == product_id)))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
    ).all()
    return [RecentOrder(mask_name(name), at) for name, at in rows]


def units_sold(session, product_id: int) -> int:
    """Units of this product in real orders."""
    total = session.scalar(
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.product_id == product_id, Order.status.in_(SOLD_STATUSES))
    )
    return int(total or 0)
