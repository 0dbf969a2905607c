"""The order life cycle: the one place an order's status changes (checkout, payment, admin, buyer and jobs alike).

Every move is one conditional UPDATE from the status just read, so double clicks, replayed callbacks and
jobs on several hosts change an order at most once. A move that happened writes its order_history row and
publishes its event (mall.orders.events) to the subscribers (commission accrual and voiding, the outbox),
all in the caller's transaction: nothing here commits, and a failing subscriber fails the move.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from mall.catalog.models import Sku
from mall.events import SYSTEM, Actor, publish
from mall.orders.events import MOVED_EVENTS, OrderMoved
from mall.orders.models import Order, OrderHistory, OrderLine, Refund, RefundStatus
from mall.orders.models import OrderStatus as S

# status -> the statuses it may move to. "refunded" is reached only through refunds.book_refund,
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


def placed(session: Session, order: Order, *, actor: Actor, now: datetime) -> None:
    """The first history row of a new order (checkout calls this once it has the order's id)."""
    _history(session, order.id, None, S.PENDING_PAYMENT, actor=actor, reason="placed", now=now)


def move(session: Session, order_id: int, target: str, *, now: datetime, actor: Actor = SYSTEM, reason: str = "",
         where=()) -> bool:
    """Move the order to `target` if its current status allows it (and `where` holds); True if this call did."""
    event = _move(session, order_id, target, now=now, actor=actor, reason=reason, where=where)
    if event is not None:
        publish(session, event)
    return event is not None


def mark_paid(session: Session, order_id: int, *, amount_fen: int, now: datetime,
              actor: Actor = Actor("payment"), reason: str = "payment_confirmed") -> bool:
    """Pending -> paid, once; raises AmountMismatch if the provider's amount is not the order total."""
    total = session.scalar(select(Order.total_fen).where(Order.id == order_id))
    if total is None or amount_fen != total:
        raise AmountMismatch(f"order {order_id}: paid {amount_fen}, total {total}")
    return move(session, order_id, S.PAID, now=now, actor=actor, reason=reason, where=(Order.total_fen == amount_fen,))


def ship(session: Session, order_id: int, *, now: datetime, actor: Actor = SYSTEM) -> bool:
    """Paid -> shipped (or handed over at the pickup store); never while a refund request waits for a decision."""
    # In the UPDATE itself: a refund requested between the admin's page and the click still stops it.
    waiting = exists().where(Refund.order_id == Order.id, Refund.status == RefundStatus.REQUESTED)
    return move(session, order_id, S.SHIPPED, now=now, actor=actor, reason="shipped", where=(~waiting,))


def complete(session: Session, order_id: int, *, now: datetime, actor: Actor = SYSTEM,
             reason: str = "received") -> bool:
    """Shipped -> completed: the buyer has the goods (or the brand's days to object have passed)."""
    return move(session, order_id, S.COMPLETED, now=now, actor=actor, reason=reason)


def cancel(session: Session, order_id: int, *, now: datetime, actor: Actor = SYSTEM,
           reason: str = "cancelled") -> bool:
    """Cancel an unpaid order and put its stock back; the status guard makes the release happen once."""
    event = _move(session, order_id, S.CANCELLED, now=now, actor=actor, reason=reason)
    if event is None:
        return False
    lines = session.execute(select(OrderLine.sku_id, OrderLine.quantity).where(OrderLine.order_id == order_id))
    for sku_id, quantity in lines:
        session.execute(update(Sku).where(Sku.id == sku_id).values(stock=Sku.stock + quantity)
                        .execution_options(synchronize_session=False))
    publish(session, event)
    return True


def _move(session: Session, order_id: int, target: str, *, now: datetime, actor: Actor, reason: str,
          where=()) -> OrderMoved | None:
    values = {"status": target}
    if target in STAMPS:
        values[STAMPS[target]] = now
    # Moves only go forward (the table has no cycles), so this loop ends: each retry means another
    # transaction moved the order between our read and our UPDATE, and we look at the new status.
    while True:
        row = session.execute(select(Order.status, Order.brand_id).where(Order.id == order_id)).first()
        if row is None or not can_move(row.status, target):
            return None
        changed = session.execute(
            update(Order).where(Order.id == order_id, Order.status == row.status, *where)
            .values(**values).execution_options(synchronize_session=False)
        ).rowcount
        if changed == 1:
            break
        if session.scalar(select(Order.status).where(Order.id == order_id)) == row.status:
            return None  # the status stayed: it was `where` that did not hold
    loaded = session.identity_map.get(identity_key(Order, order_id))
    if loaded is not None:  # the UPDATE bypassed the ORM: whoever holds the order reads it again
        session.expire(loaded)
    _history(session, order_id, row.status, target, actor=actor, reason=reason, now=now)
    return MOVED_EVENTS[target](order_id=order_id, brand_id=row.brand_id, from_status=row.status, to_status=target,
                                actor=actor, now=now)


def _history(session: Session, order_id: int, from_status: str | None, to_status: str, *, actor: Actor,
             reason: str, now: datetime) -> None:
    session.add(OrderHistory(order_id=order_id, from_status=from_status, to_status=to_status,
                             actor_user_id=actor.user_id, actor=actor.name[:40], reason=reason[:200], created_at=now))
    session.flush()
