"""Reversal: a refund takes back the same fraction of every commission on the refunded line.

Contract with the refund code: reverse_refund(refund_id) runs (as the subscriber of RefundCompleted) after
the refund's amounts have been added to its lines' refunded_fen, in the same transaction (it does not commit). The amount taken back is
computed from the line, cumulatively: after a line is refunded by r of its base b, a share of a keeps
floor(a x (b - r) / b) and everything else has been reversed. Partial refunds therefore add up exactly,
a full refund reverses exactly what was accrued, and a late or replayed call catches up or does nothing.

Money still pending comes out of pending. Money already settled comes out of available, and whatever
has been withdrawn meanwhile becomes debt (owed to the brand, netted by later settlements): never capped.
"""
from datetime import datetime

from sqlalchemy import select

from mall.commission.events import CommissionReversed
from mall.commission.ledger import (
    AVAILABLE,
    DEBT,
    PAYABLE,
    PENDING,
    REVERSAL,
    balance,
    brand_account,
    owner_account,
    post,
)
from mall.commission.models import CommissionShare
from mall.commission.owners import beneficiary, lock_for
from mall.commission.rules import reversal_for_refund
from mall.events import publish
from mall.orders.models import OrderLine, Refund, RefundItem, RefundStatus

ACCRUED = ("pending", "available")  # shares that hold money in the ledger


def reverse_refund(session, refund_id: int, *, now: datetime) -> int:
    """Reverse the commission on an approved refund's lines; returns the fen taken back (0 on a replay)."""
    refund = session.get(Refund, refund_id)
    if refund is None or refund.status != RefundStatus.REFUNDED:
        return 0
    work = []
    items = session.scalars(select(RefundItem).where(RefundItem.refund_id == refund_id).order_by(RefundItem.id))
    for item in items.all():
        line = session.scalars(select(OrderLine).where(OrderLine.id == item.line_id)
                               .execution_options(populate_existing=True)).one()
        shares = session.scalars(select(CommissionShare)
                                 .where(CommissionShare.line_id == line.id, CommissionShare.status.in_(ACCRUED))
                                 .order_by(CommissionShare.id).with_for_update()
                                 .execution_options(populate_existing=True)).all()
        work += [(item, line, share) for share in shares]
    lock_for(session, [share for _, _, share in work])
    taken = sum(catch_up(session, share, line, key=f"reversal:{item.id}:{share.id}", refund_id=refund_id, now=now)
                for item, line, share in work)
    if taken:
        publish(session, CommissionReversed(order_id=refund.order_id, brand_id=work[0][2].brand_id,
                                            refund_id=refund_id, amount_fen=taken, now=now))
    return taken


def catch_up(session, share: CommissionShare, line: OrderLine, *, key: str, refund_id: int | None,
             now: datetime) -> int:
    """Reverse what the line's refunds take from this share and was not reversed yet (share, accounts locked)."""
    if share.status not in ACCRUED:
        return 0
    should_be_reversed = reversal_for_refund(share.amount_fen, share.base_fen, 0, line.refunded_fen)
    return _take_back(session, share, should_be_reversed - share.reversed_fen, key=key, refund_id=refund_id, now=now)


def take_back_rest(session, share: CommissionShare, *, key: str, now: datetime) -> int:
    """A re-attribution: everything of a pending share not yet reversed goes back to the brand; it is replaced."""
    taken = _take_back(session, share, share.amount_fen - share.reversed_fen, key=key, refund_id=None, now=now)
    share.status = "replaced"
    return taken


def _take_back(session, share: CommissionShare, amount: int, *, key: str, refund_id: int | None,
               now: datetime) -> int:
    if amount <= 0:
        return 0
    owner = beneficiary(share)
    entries = [(brand_account(session, share.brand_id, PAYABLE), amount, share.id)]
    if share.status == "pending":
        entries.append((owner_account(session, owner, PENDING), -amount, share.id))
    else:
        available = owner_account(session, owner, AVAILABLE)
        from_available = min(amount, balance(session, available))
        entries.append((available, -from_available, share.id))
        entries.append((owner_account(session, owner, DEBT), -(amount - from_available), share.id))
    if post(session, key=key, kind=REVERSAL, brand_id=share.brand_id, entries=entries, order_id=share.order_id,
            refund_id=refund_id, now=now) is None:
        return 0
    share.reversed_fen += amount
    session.flush()
    return amount
