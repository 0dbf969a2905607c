"""`flask mall settle`: complete shipped orders, then settle the commission that has passed the freeze.

Safe on several hosts at once: each order is completed through the state machine's conditional UPDATE,
each share is claimed by a conditional UPDATE of its status, and each settlement posts under a unique key.
Work is committed per order, so a crash loses at most the order in hand and the next run picks it up.
"""
import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from mall.commission.ledger import LedgerError
from mall.commission.settings import settings_for
from mall.commission.settlement import due_orders, settle_order, settling_brands
from mall.events import Actor
from mall.orders import states
from mall.orders.models import Order, OrderStatus
from mall.orders.settings import order_settings_for
from mall.unit_of_work import commit, rollback

ACTOR = Actor.job("settle")
log = logging.getLogger(__name__)


def auto_complete(session, *, now: datetime) -> int:
    """Complete orders shipped at least the brand's auto_complete_days ago; returns how many this run completed."""
    brand_ids = session.scalars(select(Order.brand_id).where(Order.status == OrderStatus.SHIPPED).distinct()).all()
    cutoffs = {brand_id: now - timedelta(days=order_settings_for(session, brand_id).auto_complete_days)
               for brand_id in brand_ids}
    commit(session)  # settings_for may have created a brand's defaults
    completed = 0
    for brand_id, cutoff in cutoffs.items():
        order_ids = session.scalars(select(Order.id).where(Order.brand_id == brand_id,
                                                           Order.status == OrderStatus.SHIPPED,
                                                           Order.shipped_at <= cutoff).order_by(Order.id)).all()
        commit(session)
        for order_id in order_ids:
            completed += states.complete(session, order_id, now=now, actor=ACTOR, reason="auto_complete")
            commit(session)
    return completed


def settle_due(session, *, now: datetime) -> int:
    """Pending commission of orders completed at least freeze_days ago becomes available; returns shares settled.

    An open refund request holds its order: the commission stays pending until the request is decided.
    """
    freeze = {brand_id: settings_for(session, brand_id).freeze_days for brand_id in settling_brands(session)}
    commit(session)
    settled, skipped = 0, set()
    for brand_id, days in freeze.items():
        while True:
            order_ids = session.scalars(due_orders(brand_id, now - timedelta(days=days), skipped)).all()
            commit(session)  # end the read: each order settles in its own short transaction
            if not order_ids:
                break
            for order_id in order_ids:
                try:
                    settled += settle_order(session, order_id, now=now)
                    commit(session)
                except LedgerError:  # books that refuse the settlement: leave it for `flask mall audit`
                    rollback(session)
                    log.exception("settling order %s failed", order_id)
                    skipped.add(order_id)
    return settled
