"""Accrual at payment (planned shares become pending commission) and voiding at cancellation.

Neither commits: each runs inside the transaction of its cause (the payment confirmation, the
cancellation), as subscribers of the order's events (mall.commission.subscribers, .payment_subscribers).
"""
from datetime import datetime

from sqlalchemy import select, update

from mall.commission.events import CommissionAccrued
from mall.commission.ledger import ACCRUAL, PAYABLE, PENDING, LedgerError, accounts, post
from mall.commission.models import CommissionShare
from mall.commission.owners import beneficiary
from mall.events import publish
from mall.orders.models import Order, OrderStatus

PAID_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.REFUNDED)


def accrue_order(session, order_id: int, *, now: datetime) -> int:
    """Call once the order is marked paid: its planned shares become pending; returns how many (0 on a replay)."""
    # Read as it is now: the conditional UPDATE that made it paid expired the loaded order (mall.orders.states).
    order = session.get(Order, order_id)
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
    shares = session.scalars(select(CommissionShare)
                             .where(CommissionShare.order_id == order.id, CommissionShare.status == "planned")
                             .order_by(CommissionShare.id).with_for_update()
                             .execution_options(populate_existing=True)).all()
    if not shares:
        return 0
    ids = [share.id for share in shares]
    claimed = session.execute(update(CommissionShare)
                              .where(CommissionShare.id.in_(ids), CommissionShare.status == "planned")
                              .values(status="pending").execution_options(synchronize_session=False)).rowcount
    if claimed != len(ids):  # another process accrued part of them between our lock and update: impossible
        raise LedgerError(f"{key}: shares claimed concurrently")
    for share in shares:
        session.expire(share, ["status"])  # pending now; the UPDATE bypassed the ORM
    owners = [beneficiary(share) for share in shares]
    payable, *pending = accounts(session, [(order.brand_id, "brand", order.brand_id, PAYABLE)]
                                 + [(owner.brand_id, owner.kind, owner.id, PENDING) for owner in owners])
    entries = []
    for share, account in zip(shares, pending, strict=True):
        entries.append((account, share.amount_fen, share.id))
        entries.append((payable, -share.amount_fen, share.id))
    if post(session, key=key, kind=ACCRUAL, brand_id=order.brand_id, entries=entries, order_id=order.id,
            now=now) is None:
        raise LedgerError(f"{key}: already posted while its shares were still planned")
    publish(session, CommissionAccrued(order_id=order.id, brand_id=order.brand_id, shares=len(shares),
                                       amount_fen=sum(share.amount_fen for share in shares), now=now))
    return len(shares)
