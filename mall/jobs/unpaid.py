"""`flask mall cancel-unpaid`: cancel orders left unpaid too long and release their stock, one order per commit."""
from datetime import datetime, timedelta

from sqlalchemy import select

from mall.events import Actor
from mall.orders import states
from mall.orders.models import Order
from mall.orders.models import OrderStatus as S
from mall.unit_of_work import commit

ACTOR = Actor.job("cancel-unpaid")


def cancel_unpaid(session, *, older_than_minutes: int, now: datetime) -> int:
    """Cancel each order unpaid for `older_than_minutes`; returns how many this run cancelled (a second host: 0)."""
    cutoff = now - timedelta(minutes=older_than_minutes)
    stale = session.scalars(
        select(Order.id).where(Order.status == S.PENDING_PAYMENT, Order.created_at < cutoff).order_by(Order.id)
    ).all()
    commit(session)  # end the read: each cancellation is its own short transaction
    cancelled = 0
    for order_id in stale:
        cancelled += states.cancel(session, order_id, now=now, actor=ACTOR, reason="unpaid_timeout")
        commit(session)
    return cancelled
