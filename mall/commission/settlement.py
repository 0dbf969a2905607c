"""Settlement: pending commission of an order past the brand's freeze becomes available (mall.jobs.settle runs it).

Safe on several hosts at once: each share is claimed by one conditional UPDATE of its status and each
settlement posts under a unique key. Nothing here commits: the job commits per order.
"""
from datetime import datetime

from sqlalchemy import exists, select, update

from mall.commission.events import CommissionSettled
from mall.commission.ledger import AVAILABLE, DEBT, PENDING, SETTLEMENT, balance, owner_account, post
from mall.commission.models import CommissionShare
from mall.commission.owners import beneficiary, lock_for
from mall.events import publish
from mall.orders.models import Order, OrderStatus, Refund, RefundStatus

BATCH = 200
# A refund not yet decided, or approved and waiting for the provider, holds the order's commission.
OPEN_REFUND = (RefundStatus.REQUESTED, RefundStatus.APPROVED)


def settling_brands(session) -> list[int]:
    """Brands with completed orders whose commission is still pending."""
    return session.scalars(select(Order.brand_id).where(Order.status == OrderStatus.COMPLETED,
                                                        _has_pending_share()).distinct()).all()


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
    amount = sum(_post_settlement(session, share, now=now) for share in claimed)
    if claimed:
        publish(session, CommissionSettled(order_id=order_id, brand_id=claimed[0].brand_id, shares=len(claimed),
                                           amount_fen=amount, now=now))
    return len(claimed)


def _post_settlement(session, share: CommissionShare, *, now: datetime) -> int:
    """Pending -> available, first paying off any debt the beneficiary owes the brand; returns the fen settled."""
    amount = share.amount_fen - share.reversed_fen
    if amount <= 0:
        return 0
    owner = beneficiary(share)
    debt = owner_account(session, owner, DEBT)
    to_debt = min(amount, -balance(session, debt))
    entries = [(owner_account(session, owner, PENDING), -amount, share.id), (debt, to_debt, share.id),
               (owner_account(session, owner, AVAILABLE), amount - to_debt, share.id)]
    post(session, key=f"settlement:{share.id}", kind=SETTLEMENT, brand_id=share.brand_id, entries=entries,
         order_id=share.order_id, now=now)
    return amount


def _has_pending_share():
    return exists().where(CommissionShare.order_id == Order.id, CommissionShare.status == "pending")


def due_orders(brand_id: int, cutoff: datetime, skipped: set[int]):
    """The next batch of the brand's orders completed before `cutoff` with pending commission and no open refund."""
    open_refund = exists().where(Refund.order_id == Order.id, Refund.status.in_(OPEN_REFUND))
    query = (select(Order.id).where(Order.brand_id == brand_id, Order.status == OrderStatus.COMPLETED,
                                    Order.completed_at <= cutoff, _has_pending_share(), ~open_refund)
             .order_by(Order.id).limit(BATCH))
    if skipped:
        query = query.where(Order.id.not_in(skipped))
    return query
