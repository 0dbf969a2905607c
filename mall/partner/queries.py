"""What a partner's dashboard reads: memberships, balances, earnings by day, attributed orders.

Read-only. Customers leave this module masked (PIPL): no caller can render a full phone number
because none is ever handed out.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from mall.commission.balances import balances
from mall.commission.ledger import ACCRUAL, PENDING
from mall.commission.models import Account, CommissionShare, LedgerEntry, LedgerTransaction, OrderAttribution
from mall.orders.models import Order
from mall.partner.chart import BarChart, bar_chart, day_series
from mall.partner.days import day_range_utc, local_date
from mall.privacy import mask_name, mask_phone
from mall.referral.models import Partner

SHARE_FILTERS = ("planned", "pending", "available", "void", "replaced", "reversed")
NOT_EARNED = ("void", "replaced")  # never paid, or taken back when the order was re-attributed


def memberships(session: Session, user_id: int) -> list[Partner]:
    """The brands a user is a partner of, oldest membership first (the default one)."""
    return list(session.scalars(select(Partner).where(Partner.user_id == user_id)
                                .options(joinedload(Partner.brand)).order_by(Partner.joined_at, Partner.id)))


def membership_for(partners: list[Partner], brand_slug: str | None) -> Partner | None:
    """The membership the dashboard shows: the brand asked for, else the first; None if not a partner there."""
    if not brand_slug:
        return partners[0] if partners else None
    return next((p for p in partners if p.brand.slug == brand_slug), None)


@dataclass(frozen=True)
class Totals:
    pending: int = 0
    available: int = 0
    withdrawing: int = 0
    withdrawn: int = 0
    debt: int = 0  # <= 0: what the partner owes the brand after reversals of withdrawn money
    reversed: int = 0

    @property
    def owed(self) -> int:
        return -self.debt if self.debt < 0 else 0


def totals(session: Session, partner: Partner) -> Totals:
    """Balances from the partner's ledger accounts, and everything reversed so far."""
    found = balances(session, brand_id=partner.brand_id, owner_kind="partner", owner_id=partner.id)
    return Totals(**{kind: int(found.get(kind, 0)) for kind in Totals.__dataclass_fields__})


def earnings_by_day(session: Session, partner: Partner, *, first: date, tz: tzinfo) -> dict[date, int]:
    """Commission accrued per local day since `first` (what became pending that day)."""
    start, _ = day_range_utc(first, None, tz)
    # The account first, then only its entries: joined in one query the planner walked the whole brand's accruals.
    account_id = session.scalar(select(Account.id).where(
        Account.brand_id == partner.brand_id, Account.owner_kind == "partner", Account.owner_id == partner.id,
        Account.kind == PENDING))
    if account_id is None:
        return {}
    rows = session.execute(
        select(LedgerTransaction.created_at, LedgerEntry.amount_fen)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerEntry.account_id == account_id, LedgerTransaction.kind == ACCRUAL,
               LedgerTransaction.created_at >= start))
    # Grouped here rather than in SQL: the local day depends on the time zone, which SQLite cannot convert.
    per_day: dict[date, int] = {}
    for created_at, amount in rows:
        day = local_date(created_at, tz)
        per_day[day] = per_day.get(day, 0) + amount
    return per_day


def earnings_chart(session: Session, partner: Partner, *, now: datetime, tz: tzinfo, days: int = 30) -> BarChart:
    """Bars for the commission accrued on each of the last `days` local days, today included."""
    today = local_date(now, tz)
    first = today - timedelta(days=days - 1)
    return bar_chart(day_series(earnings_by_day(session, partner, first=first, tz=tz), last=today, days=days))


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None  # one of SHARE_FILTERS
    first: date | None = None
    last: date | None = None


def attributed_orders(partner_id: int, flt: OrderFilter, tz: tzinfo) -> Select:
    """Orders in which the partner has a share in any role, newest first (for keyset pages and the export)."""
    mine = select(CommissionShare.order_id).where(CommissionShare.partner_id == partner_id)
    if flt.status == "reversed":
        mine = mine.where(CommissionShare.reversed_fen > 0)
    elif flt.status in SHARE_FILTERS:
        mine = mine.where(CommissionShare.status == flt.status)
    query = (select(Order).where(Order.id.in_(mine)).options(selectinload(Order.lines))
             .order_by(Order.created_at.desc(), Order.id.desc()))
    start, end = day_range_utc(flt.first, flt.last, tz)
    if start is not None:
        query = query.where(Order.created_at >= start)
    if end is not None:
        query = query.where(Order.created_at < end)
    return query


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


def order_cards(session: Session, partner_id: int, orders: list[Order]) -> list[OrderCard]:
    """Each order with its lines and only this partner's shares of them, and why it was attributed."""
    ids = [order.id for order in orders]
    if not ids:
        return []
    shares: dict[int, list[ShareRow]] = {}
    for share in session.scalars(select(CommissionShare).where(
            CommissionShare.order_id.in_(ids), CommissionShare.partner_id == partner_id)
            .order_by(CommissionShare.id)):
        shares.setdefault(share.line_id, []).append(
            ShareRow(share.role, share.ratio_bp, share.amount_fen, share.reversed_fen, share.status))
    why = {a.order_id: a for a in session.scalars(select(OrderAttribution).where(OrderAttribution.order_id.in_(ids)))}
    cards = []
    for order in orders:
        attribution = why.get(order.id)
        lines = tuple(LineRow(line.title, line.sku_name, line.quantity, line.total_fen, line.refunded_fen,
                              tuple(shares.get(line.id, ()))) for line in order.lines)
        cards.append(OrderCard(
            order.number, order.created_at, order.status, order.total_fen,
            mask_name(order.contact_name), mask_phone(order.contact_phone),
            attribution.reason if attribution else "", attribution.channel if attribution else "",
            attribution.binding_mode if attribution else "", lines))
    return cards
