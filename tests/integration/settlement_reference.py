"""The settlement that posted each share alone through the ORM ledger (mall.commission.settlement before it
went set-based, one order per transaction), kept as the reference the batches must equal, to the fen and
to the ledger leg. Slow (several ms a share) and single-brand; for tests only."""
from datetime import timedelta

from sqlalchemy import exists, select, update

from mall.commission.ledger import AVAILABLE, DEBT, PENDING, SETTLEMENT, balance, owner_account, post
from mall.commission.models import CommissionShare
from mall.commission.owners import beneficiary, lock_for
from mall.commission.settings import settings_for
from mall.orders.models import Order, OrderStatus, Refund, RefundStatus


def settle_one_by_one(session, brand_id: int, *, now) -> int:
    """Settle the brand's due shares order by order, share by share; returns shares settled (commits)."""
    cutoff = now - timedelta(days=settings_for(session, brand_id).freeze_days)
    open_refund = exists().where(Refund.order_id == Order.id,
                                 Refund.status.in_((RefundStatus.REQUESTED, RefundStatus.APPROVED)))
    pending = exists().where(CommissionShare.order_id == Order.id, CommissionShare.status == "pending")
    order_ids = session.scalars(select(Order.id).where(Order.brand_id == brand_id, Order.status == OrderStatus.COMPLETED,
                                                       Order.completed_at <= cutoff, pending, ~open_refund)
                                .order_by(Order.id)).all()
    settled = 0
    for order_id in order_ids:
        settled += _settle_order(session, order_id, now=now)
        session.commit()
    return settled


def _settle_order(session, order_id: int, *, now) -> int:
    shares = session.scalars(select(CommissionShare).where(CommissionShare.order_id == order_id,
                                                           CommissionShare.status == "pending")
                             .order_by(CommissionShare.id).with_for_update()
                             .execution_options(populate_existing=True)).all()
    claimed = [share for share in shares if session.execute(
        update(CommissionShare).where(CommissionShare.id == share.id, CommissionShare.status == "pending")
        .values(status="available")).rowcount == 1]
    lock_for(session, claimed)
    for share in claimed:
        amount = share.amount_fen - share.reversed_fen
        if amount <= 0:
            continue
        owner = beneficiary(share)
        debt = owner_account(session, owner, DEBT)
        to_debt = min(amount, -balance(session, debt))
        post(session, key=f"settlement:{share.id}", kind=SETTLEMENT, brand_id=share.brand_id, order_id=order_id,
             now=now, entries=[(owner_account(session, owner, PENDING), -amount, share.id), (debt, to_debt, share.id),
                               (owner_account(session, owner, AVAILABLE), amount - to_debt, share.id)])
    return len(claimed)
