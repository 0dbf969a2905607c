"""The settlement job (`flask mall settle`): complete shipped orders, then settle what has passed the freeze.

Safe on several hosts at once: each order is completed by one conditional UPDATE, each share is claimed
by one conditional UPDATE of its status, and each settlement posts under a unique key. Work is committed
per order, so a crash loses at most the order in hand and the next run picks it up.
"""
import logging
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update

from mall.commission.ledger import AVAILABLE, DEBT, PENDING, SETTLEMENT, LedgerError, balance, owner_account, post
from mall.commission.models import CommissionShare
from mall.commission.owners import beneficiary, lock_for
from mall.commission.settings import settings_for
from mall.orders.models import Order, OrderStatus, Refund, RefundStatus
from mall.orders.settings import order_settings_for

BATCH = 200
log = logging.getLogger(__name__)


def auto_complete(session, *, now: datetime) -> int:
    """Complete orders shipped at least the brand's auto_complete_days ago; returns how many this run completed."""
    brand_ids = session.scalars(select(Order.brand_id).where(Order.status == OrderStatus.SHIPPED).distinct()).all()
    completed = 0
    for brand_id in brand_ids:
        cutoff = now - timedelta(days=order_settings_for(session, brand_id).auto_complete_days)
        completed += session.execute(
            update(Order).where(Order.brand_id == brand_id, Order.status == OrderStatus.SHIPPED,
                                Order.shipped_at <= cutoff)
            .values(status=OrderStatus.COMPLETED, completed_at=now).execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
    return completed


def settle_due(session, *, now: datetime) -> int:
    """Pending commission of orders completed at least freeze_days ago becomes available; returns shares settled.

    An open refund request holds its order: the commission stays pending until the request is decided.
    """
    brand_ids = session.scalars(select(Order.brand_id).where(Order.status == OrderStatus.COMPLETED,
                                                              _has_pending_share()).distinct()).all()
    freeze = {brand_id: settings_for(session, brand_id).freeze_days for brand_id in brand_ids}
    session.commit()
    settled, skipped = 0, set()
    for brand_id, days in freeze.items():
        while True:
            order_ids = session.scalars(_due_orders(brand_id, now - timedelta(days=days), skipped)).all()
            session.commit()  # end the read: each order settles in its own short transaction
            if not order_ids:
                break
            for order_id in order_ids:
                try:
                    settled += settle_order(session, order_id, now=now)
                    session.commit()
                except LedgerError:  # books that refuse the settlement: leave it for `flask mall audit`
                    session.rollback()
                    log.exception("settling order %s failed", order_id)
                    skipped.add(order_id)
    return settled


def settle_order(session, order_id: int, *, now: datetime) -> int:
    """Settle each pending share of one order (does not commit); shares another host claimed are skipped."""
    # The row lock makes a second host wait here and then see the shares already available.
    shares = session.scalars(select(CommissionShare).where(CommissionShare.order_id == order_id,
                                                           CommissionShare.status == "pending")
                             .order_by(CommissionShare.id).with_for_update()
                             .execution_options(populate_existing=True)).all()
    claimed = [share for share in shares if session.execute(
        update(CommissionShare).where(CommissionShare.id == share.id, CommissionShare.status == "pending")
        .values(status="available")).rowcount == 1]
    lock_for(session, claimed)
    for share in claimed:
        _post_settlement(session, share, now=now)
    return len(claimed)


def _post_settlement(session, share: CommissionShare, *, now: datetime) -> None:
    """Pending -> available, first paying off any debt the beneficiary owes the brand."""
    amount = share.amount_fen - share.reversed_fen
    if amount <= 0:
        return
    owner = beneficiary(share)
    debt = owner_account(session, owner, DEBT)
    to_debt = min(amount, -balance(session, debt))
    entries = [(owner_account(session, owner, PENDING), -amount, share.id), (debt, to_debt, share.id),
               (owner_account(session, owner, AVAILABLE), amount - to_debt, share.id)]
    post(session, key=f"settlement:{share.id}", kind=SETTLEMENT, brand_id=share.brand_id, entries=entries,
         order_id=share.order_id, now=now)


def _has_pending_share():
    return exists().where(CommissionShare.order_id == Order.id, CommissionShare.status == "pending")


def _due_orders(brand_id: int, cutoff: datetime, skipped: set[int]):
    open_refund = exists().where(Refund.order_id == Order.id, Refund.status == RefundStatus.REQUESTED)
    query = (select(Order.id).where(Order.brand_id == brand_id, Order.status == OrderStatus.COMPLETED,
                                    Order.completed_at <= cutoff, _has_pending_share(), ~open_refund)
             .order_by(Order.id).limit(BATCH))
    if skipped:
        query = query.where(Order.id.not_in(skipped))
    return query
