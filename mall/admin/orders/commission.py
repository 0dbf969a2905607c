"""What the admin's order page shows of commission: the attribution snapshot and every share of every line.

Read-only. Shares of every generation are listed: a re-attribution or a refund leaves the old rows in
place (replaced, void, reversed), and the admin must be able to see where the money went.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from mall.catalog.models import Store
from mall.commission.models import CommissionShare, OrderAttribution
from mall.orders.models import Order, OrderStatus
from mall.referral.models import Partner

NOT_EARNED = ("void", "replaced")


@dataclass(frozen=True)
class Who:
    """A beneficiary as the admin knows them: a partner's name and code, or a store's name."""
    name: str
    code: str = ""
    partner_id: int | None = None


@dataclass(frozen=True)
class ShareRow:
    role: str
    who: Who | None
    ratio_bp: int
    amount_fen: int
    reversed_fen: int
    status: str
    generation: int

    @property
    def net_fen(self) -> int:
        return 0 if self.status in NOT_EARNED else self.amount_fen - self.reversed_fen


@dataclass(frozen=True)
class Snapshot:
    sharer: Who | None
    guide: Who | None
    store: Who | None
    channel: str
    reason: str
    excluded: tuple[str, ...]
    levels: int
    binding_mode: str
    created_at: datetime
    reattributed_at: datetime | None


@dataclass(frozen=True)
class OrderCommission:
    snapshot: Snapshot | None
    shares: dict[int, list[ShareRow]]  # by order line id

    @property
    def settled(self) -> bool:
        return any(row.status == "available" for rows in self.shares.values() for row in rows)

    @property
    def total_fen(self) -> int:
        return sum(row.net_fen for rows in self.shares.values() for row in rows)

    def can_reattribute(self, order: Order) -> bool:
        """Whether to offer the form; mall.commission.plan.reattribute has the final word."""
        return order.status not in (OrderStatus.CANCELLED, OrderStatus.REFUNDED) and not self.settled


def order_commission(session: Session, order: Order) -> OrderCommission:
    """The order's attribution and shares with their beneficiaries' names, in three queries."""
    attribution = session.get(OrderAttribution, order.id)
    shares = list(session.scalars(select(CommissionShare).where(CommissionShare.order_id == order.id)
                                  .order_by(CommissionShare.line_id, CommissionShare.generation,
                                            CommissionShare.id)))
    partner_ids = {s.partner_id for s in shares if s.partner_id}
    store_ids = {s.store_id for s in shares if s.store_id}
    if attribution is not None:
        partner_ids |= {pid for pid in (attribution.sharer_id, attribution.guide_id) if pid}
        store_ids |= {attribution.store_id} if attribution.store_id else set()
    partners = {p.id: Who(p.user.name, p.code, p.id) for p in session.scalars(
        select(Partner).where(Partner.id.in_(partner_ids)).options(joinedload(Partner.user)))} if partner_ids else {}
    stores = {s.id: Who(s.name) for s in session.scalars(select(Store).where(Store.id.in_(store_ids)))} \
        if store_ids else {}
    rows: dict[int, list[ShareRow]] = {}
    for share in shares:
        who = partners.get(share.partner_id) if share.partner_id else stores.get(share.store_id)
        rows.setdefault(share.line_id, []).append(ShareRow(share.role, who, share.ratio_bp, share.amount_fen,
                                                           share.reversed_fen, share.status, share.generation))
    snapshot = None
    if attribution is not None:
        snapshot = Snapshot(
            partners.get(attribution.sharer_id), partners.get(attribution.guide_id), stores.get(attribution.store_id),
            attribution.channel, attribution.reason, tuple(code for code in attribution.excluded.split(",") if code),
            attribution.levels, attribution.binding_mode, attribution.created_at, attribution.reattributed_at)
    return OrderCommission(snapshot, rows)
