"""The order life cycle. Every move is one conditional UPDATE, so double clicks, replayed callbacks and
jobs running on several hosts at once change an order at most once. A move that happened is committed."""
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mall.catalog.models import Sku
from mall.commission.accrual import accrue_order, void_order
from mall.orders.models import Order, OrderLine
from mall.orders.models import OrderStatus as S

# status -> the statuses it may move to. "refunded" is reached only through refunds.approve_refund,
# once everything paid has gone back.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.SHIPPED, S.REFUNDED}),
    S.SHIPPED: frozenset({S.COMPLETED, S.REFUNDED}),
    S.COMPLETED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# The timestamp each move records.
STAMPS = {S.PAID: "paid_at", S.SHIPPED: "shipped_at", S.COMPLETED: "completed_at", S.CANCELLED: "cancelled_at"}


class AmountMismatch(Exception):
    """The provider confirmed a different amount than the order's total: never mark such an order paid."""

    message = _l("The amount paid does not match the order total.")


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def sources(target: str) -> list[str]:
    """Every status from which `target` may be reached."""
    return [status for status, targets in TRANSITIONS.items() if target in targets]


def move(session: Session, order_id: int, target: str, *, now: datetime, where=()) -> bool:
    """Move the order to `target` if its current status allows it; True if this call changed it."""
    values = {"status": target}
    if target in STAMPS:
        values[STAMPS[target]] = now
    changed = session.execute(
        update(Order).where(Order.id == order_id, Order.status.in_(sources(target)), *where)
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def mark_paid(session: Session, order_id: int, *, amount_fen: int, now: datetime) -> bool:
    """Pending -> paid, once; raises AmountMismatch if the provider's amount is not the order total."""
    total = session.scalar(select(Order.total_fen).where(Order.id == order_id))
    if total is None or amount_fen != total:
        raise AmountMismatch(f"order {order_id}: paid {amount_fen}, total {total}")
    paid = move(session, order_id, S.PAID, now=now, where=(Order.total_fen == amount_fen,))
    if paid:  # commission accrues in the same transaction as the payment that earns it
        accrue_order(session, order_id, now=now)
    return _commit(session, paid)


def ship(session: Session, order_id: int, *, now: datetime) -> bool:
    """Paid -> shipped (or handed over at the pickup store)."""
    return _commit(session, move(session, order_id, S.SHIPPED, now=now))


def complete(session: Session, order_id: int, *, now: datetime) -> bool:
    """Shipped -> completed: the buyer has the goods."""
    return _commit(session, move(session, order_id, S.COMPLETED, now=now))


def cancel(session: Session, order_id: int, *, now: datetime) -> bool:
    """Cancel an unpaid order and put its stock back; the status guard makes the release happen once."""
    cancelled = move(session, order_id, S.CANCELLED, now=now)
    if cancelled:
        lines = session.execute(select(OrderLine.sku_id, OrderLine.quantity).where(OrderLine.order_id == order_id))
        for sku_id, quantity in lines:
            session.execute(update(Sku).where(Sku.id == sku_id).values(stock=Sku.stock + quantity)
                            .execution_options(synchronize_session=False))
        void_order(session, order_id, now=now)
    return _commit(session, cancelled)


def cancel_unpaid(session: Session, *, older_than_minutes: int, now: datetime) -> int:
    """The job: cancel orders left unpaid too long; returns how many this run cancelled."""
    cutoff = now - timedelta(minutes=older_than_minutes)
    stale = session.scalars(
        select(Order.id).where(Order.status == S.PENDING_PAYMENT, Order.created_at < cutoff).order_by(Order.id)
    ).all()
    session.commit()  # end the read: each cancellation is its own short transaction
    return sum(cancel(session, order_id, now=now) for order_id in stale)


def _commit(session: Session, changed: bool) -> bool:
    # Commit (which also refreshes objects loaded before the UPDATE) only when something changed, and
    # leave the caller's session alone otherwise: a replayed callback may have pending rows of its own.
    if changed:
        session.commit()
    return changed
