"""A partner's attributed orders: which ones (newest first, filtered) and each as a card with its lines, only
this partner's shares of them and why the order was credited so. Customers leave masked (PIPL).

Both read commission_shares through ix_commission_shares_partner_time (partner, order time, order): the list
is walked in index order, never sorted, and a card page is one query of plain columns, no ORM objects.
"""
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from mall.commission.models import CommissionShare, OrderAttribution
from mall.orders.models import Order, OrderLine
from mall.partner.days import day_range_utc
from mall.privacy import mask_name, mask_phone

SHARE_FILTERS = ("planned", "pending", "available", "void", "replaced", "reversed")
NOT_EARNED = ("void", "replaced")  # never paid, or taken back when the order was re-attributed


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None  # one of SHARE_FILTERS
    first: date | None = None
    last: date | None = None


def matching_shares(partner_id: int, flt: OrderFilter, tz: tzinfo, *columns) -> Select:
    """The partner's shares that pass the filter (status, or any reversal; local days of the order's time)."""
    query = select(*columns).select_from(CommissionShare).where(CommissionShare.partner_id == partner_id)
    if flt.status == "reversed":
        query = query.where(CommissionShare.reversed_fen > 0)
    elif flt.status in SHARE_FILTERS:
        query = query.where(CommissionShare.status == flt.status)
    start, end = day_range_utc(flt.first, flt.last, tz)
    if start is not None:
        query = query.where(CommissionShare.order_created_at >= start)
    if end is not None:
        query = query.where(CommissionShare.order_created_at < end)
    return query


def attributed_orders(partner_id: int, flt: OrderFilter, tz: tzinfo) -> Select:
    """(order time, order id) of every order in which the partner has a matching share in any role, for keyset
    pages (mall.partner.pages)."""
    return matching_shares(partner_id, flt, tz, CommissionShare.order_created_at, CommissionShare.order_id).distinct()


@dataclass(frozen=True)
class ShareRow:
    role: str
    ratio_bp: int
    amount_fen: int
    reversed_fen: int
    status: str

    @property
    def net_fen(self) -> int:
        return 0 if self.status in NOT_EARNED else self.amount_fen - self.reversed_fen


@dataclass(frozen=True)
class LineRow:
    title: str
    sku_name: str
    quantity: int
    total_fen: int
    refunded_fen: int
    shares: tuple[ShareRow, ...]


@dataclass(frozen=True)
class OrderCard:
    number: str
    created_at: datetime
    status: str
    total_fen: int
    customer_name: str  # masked
    customer_phone: str  # masked
    reason: str
    channel: str
    binding_mode: str
    lines: tuple[LineRow, ...]

    @property
    def commission_fen(self) -> int:
        return sum(share.net_fen for line in self.lines for share in line.shares)

    @property
    def reversed_fen(self) -> int:
        return sum(share.reversed_fen for line in self.lines for share in line.shares)


def order_cards(session: Session, partner_id: int, order_ids: list[int]) -> list[OrderCard]:
    """The cards of these orders, in the order given: every line, the partner's shares of each, and why."""
    if not order_ids:
        return []
    rows = session.execute(
        select(Order.id, Order.number, Order.created_at, Order.status, Order.total_fen, Order.contact_name,
               Order.contact_phone, OrderAttribution.reason, OrderAttribution.channel, OrderAttribution.binding_mode,
               OrderLine.id, OrderLine.title, OrderLine.sku_name, OrderLine.quantity, OrderLine.total_fen,
               OrderLine.refunded_fen, CommissionShare.id, CommissionShare.role, CommissionShare.ratio_bp,
               CommissionShare.amount_fen, CommissionShare.reversed_fen, CommissionShare.status)
        .select_from(Order)
        .outerjoin(OrderAttribution, OrderAttribution.order_id == Order.id)
        .outerjoin(OrderLine, OrderLine.order_id == Order.id)
        .outerjoin(CommissionShare, and_(CommissionShare.line_id == OrderLine.id,
                                         CommissionShare.partner_id == partner_id))
        .where(Order.id.in_(order_ids))
        .order_by(Order.id, OrderLine.id, CommissionShare.id)).all()
    heads: dict[int, tuple] = {}
    lines: dict[int, dict[int, tuple]] = {}
    shares: dict[int, list[ShareRow]] = {}
    for row in rows:
        order_id, line_id, share_id = row[0], row[10], row[16]
        heads.setdefault(order_id, row[:10])
        if line_id is not None:
            lines.setdefault(order_id, {}).setdefault(line_id, row[11:16])
            if share_id is not None:
                shares.setdefault(line_id, []).append(ShareRow(*row[17:22]))
    cards = []
    for order_id in order_ids:
        head = heads.get(order_id)
        if head is None:
            continue
        _id, number, created_at, status, total_fen, name, phone, reason, channel, binding_mode = head
        cards.append(OrderCard(
            number, created_at, status, total_fen, mask_name(name), mask_phone(phone), reason or "", channel or "",
            binding_mode or "",
            tuple(LineRow(*line, tuple(shares.get(line_id, ()))) for line_id, line in lines.get(order_id, {}).items())))
    return cards
