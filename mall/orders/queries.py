"""How orders are found: by a guest's token, by a user, by a brand. Reads only."""
import re

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from mall.catalog.models import Product
from mall.orders.models import Order, OrderLine, OrderStatus

# What tokens and numbers are made of (see numbers.py); anything else is not looked up at all.
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
NUMBER = re.compile(r"[0-9A-Z-]{1,20}")


def order_by_token(session: Session, token: str | None) -> Order | None:
    """The order behind a guest link; None for anything else (unknown, malformed, overlong)."""
    if not TOKEN.fullmatch(token or ""):
        return None
    return session.scalars(select(Order).where(Order.token == token)
                           .options(selectinload(Order.lines), selectinload(Order.refunds))).first()


def orders_of_user(user_id: int) -> Select:
    """A user's orders, newest first (for db.paginate)."""
    return (select(Order).where(Order.user_id == user_id)
            .options(selectinload(Order.lines)).order_by(Order.created_at.desc(), Order.id.desc()))


def orders_of_brand(brand_id: int | None, status: str | None = None) -> Select:
    """A brand's orders (every brand's for brand_id=None, the platform), optionally in one status."""
    query = select(Order).options(selectinload(Order.lines)).order_by(Order.created_at.desc(), Order.id.desc())
    if brand_id is not None:
        query = query.where(Order.brand_id == brand_id)
    if status in set(OrderStatus):
        query = query.where(Order.status == status)
    return query


def order_by_number(session: Session, number: str, brand_id: int | None) -> Order | None:
    """One order of the brand (any brand for brand_id=None); another brand's order is not found."""
    if not NUMBER.fullmatch(number or ""):
        return None
    query = select(Order).where(Order.number == number)
    if brand_id is not None:
        query = query.where(Order.brand_id == brand_id)
    return session.scalars(query.options(selectinload(Order.lines), selectinload(Order.refunds))).first()


# Orders that count as money spent with the brand (refunded amounts are subtracted).
SPENT_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)


def spent_with_brand(session: Session, *, user_id: int, brand_id: int) -> int:
    """What the user has paid the brand and kept (paid, shipped or completed orders, minus refunds)."""
    total = session.scalar(
        select(func.coalesce(func.sum(Order.total_fen - Order.refunded_fen), 0))
        .where(Order.user_id == user_id, Order.brand_id == brand_id, Order.status.in_(SPENT_STATUSES)))
    return int(total or 0)


def order_products(session: Session, order_id: int) -> tuple[int | None, int, frozenset[str]]:
    """(buyer's user id, what the brand kept in fen, codes of the products bought) of one order."""
    order = session.get(Order, order_id)
    if order is None:
        return None, 0, frozenset()
    codes = session.scalars(select(Product.code).join(OrderLine, OrderLine.product_id == Product.id)
                            .where(OrderLine.order_id == order_id)).all()
    return order.user_id, order.total_fen - order.refunded_fen, frozenset(codes)


def last_bought_product_id(session: Session, *, user_id: int, brand_id: int) -> int | None:
    """The product on the user's latest paid order with the brand (personalisation moves it down)."""
    return session.scalar(select(OrderLine.product_id).join(Order, Order.id == OrderLine.order_id)
                          .where(Order.user_id == user_id, Order.brand_id == brand_id,
                                 Order.status.in_(SPENT_STATUSES))
                          .order_by(Order.paid_at.desc(), Order.id.desc(), OrderLine.id).limit(1))
def units_sold_since(brand_id: int, since) -> Select:
    """(product_id, units) of the brand's orders paid since `since` and not cancelled or fully refunded: what
    "hot this week" orders the share centre by."""
    return (select(OrderLine.product_id, func.sum(OrderLine.quantity).label("units"))
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.brand_id == brand_id, Order.paid_at >= since, Order.status.in_(SPENT_STATUSES))
            .group_by(OrderLine.product_id))
