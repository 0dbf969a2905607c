"""`flask mall settle`: complete shipped orders, then settle the commission that has passed the freeze.

Safe on several hosts at once: each order is completed through the state machine's conditional UPDATE,
each share is claimed under a row lock (mall.commission.settlement), and each settlement posts under a unique
key. Settlement is committed per batch of orders, so a crash loses at most the batch in hand and the next run
picks it up.
"""
import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from mall.commission.ledger import LedgerError
from mall.commission.settings import settings_for
from mall.commission.settlement import due_order_ids, next_range_end, settle_range, settling_brands
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
    settled = 0
    for brand_id, days in freeze.items():
        cutoff, after = now - timedelta(days=days), 0
        while (upto := next_range_end(session, brand_id, cutoff, after)) is not None:
            try:
                settled += settle_range(session, brand_id, cutoff, after, upto, now=now).shares
                commit(session)
            except LedgerError:  # books that refuse a batch: settle its orders one by one, leaving the refused
                rollback(session)
                log.exception("settling orders %s..%s of brand %s failed; retrying them one by one",
                              after + 1, upto, brand_id)
                settled += _one_by_one(session, brand_id, cutoff, after, upto, now=now)
            after = upto
        commit(session)  # end the look-up that found nothing more
    return settled


def _one_by_one(session, brand_id: int, cutoff: datetime, after: int, upto: int, *, now: datetime) -> int:
    """Each order of a refused batch in its own transaction; one the books refuse is left for `flask mall audit`."""
    settled, order_ids = 0, due_order_ids(session, brand_id, cutoff, after, upto)
    commit(session)
    for order_id in order_ids:
        try:
            settled += settle_range(session, brand_id, cutoff, order_id - 1, order_id, now=now).shares
            commit(session)
        except LedgerError:
            rollback(session)
            log.exception("settling order %s failed", order_id)
    return settled
