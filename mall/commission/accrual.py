"""Accrual at payment (planned shares become pending commission) and voiding at cancellation.

Neither commits: each runs inside the transaction of its cause (the payment confirmation, the
cancellation), as subscribers of the order's events (mall.commission.subscribers, .payment_subscribers).
"""
from datetime import datetime

from sqlalchemy import select, update

from mall.commission.events import CommissionAccrued
from mall.commission.ledger import ACCRUAL, PAYABLE, PENDING, LedgerError, brand_account, owner_account, post
from mall.commission.models import CommissionShare
from mall.commission.owners import beneficiary
from mall.events import publish
from mall.orders.models import Order, OrderStatus

PAID_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.REFUNDED)


def accrue_order(session, order_id: int, *, now: datetime) -> int:
    """Call once the order is marked paid: its planned shares become pending; returns how many (0 on a replay)."""
    # populate_existing: the status was just changed by a conditional UPDATE the identity map has not seen
    order = session.get(Order, order_id, populate_existing=True)
    if order is None or order.status not in PAID_STATUSES:
        return 0
    return accrue_planned(session, order, key=f"accrual:{order_id}", now=now)


def void_order(session, order_id: int, *, now: datetime) -> None:
    """A cancelled unpaid order: its planned shares become void; nothing was booked, so nothing is reversed."""
    session.execute(update(CommissionShare)
                    .where(CommissionShare.order_id == order_id, CommissionShare.status == "planned")
                    .values(status="void"))


def accrue_planned(session, order: Order, *, key: str, now: datetime) -> int:
    """Claim the order's planned shares (a row lock and a conditional UPDATE) and post them as one accrual."""
    ids = session.scalars(select(CommissionShare.id)
                          .where(CommissionShare.order_id == order.id, CommissionShare.status == "planned")
                          .order_by(CommissionShare.id).with_for_update()).all()
    if not ids:
        return 0
    claimed = session.execute(update(CommissionShare)
                              .where(CommissionShare.id.in_(ids), CommissionShare.status == "planned")
                              .values(status="pending").execution_options(synchronize_session=False)).rowcount
    if claimed != len(ids):  # another process accrued part of them between our lock and update: impossible
        raise LedgerError(f"{key}: shares claimed concurrently")
    shares = session.scalars(select(CommissionShare).where(CommissionShare.id.in_(ids)).order_by(CommissionShare.id)
                             .execution_options(populate_existing=True)).all()
    payable = brand_account(session, order.brand_id, PAYABLE)
    entries = []
    for share in shares:
        entries.append((owner_account(session, beneficiary(share), PENDING), share.amount_fen, share.id))
        entries.append((payable, -share.amount_fen, share.id))
    if post(session, key=key, kind=ACCRUAL, brand_id=order.brand_id, entries=entries, order_id=order.id,
            now=now) is None:
        raise LedgerError(f"{key}: already posted while its shares were still planned")
    publish(session, CommissionAccrued(order_id=order.id, brand_id=order.brand_id, shares=len(shares),
                                       amount_fen=sum(share.amount_fen for share in shares), now=now))
    return len(shares)
