"""A store manager's view: the store's sales and commission, and each of its shop guides'."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from mall.accounts.models import Role, User
from mall.catalog.models import Store
from mall.commission.models import CommissionShare, OrderAttribution
from mall.journeys.results import completion
from mall.orders.models import Order
from mall.partner.team import PAID
from mall.referral.models import Partner

# Commission counts once accrued (the order is paid): planned shares may never be paid, void ones never will.
ACCRUED = ("pending", "available")


@dataclass(frozen=True)
class GuideRow:
    name: str  # a colleague, not a customer: shown in full to their manager
    sales_fen: int
    orders: int
    commission_fen: int


@dataclass(frozen=True)
class StoreReport:
    store: Store
    sales_fen: int
    orders: int
    commission_fen: int
    guides: tuple[GuideRow, ...]


def _in_period(start: datetime | None, end: datetime | None) -> list:
    conditions = []
    if start is not None:
        conditions.append(Order.created_at >= start)
    if end is not None:
        conditions.append(Order.created_at < end)
    return conditions


def store_report(session: Session, store: Store, *, start: datetime | None, end: datetime | None) -> StoreReport:
    """Sales attributed to the store (paid, less refunds) and commission earned, in [start, end)."""
    period = _in_period(start, end)
    orders, sales = session.execute(
        select(func.count(Order.id), func.coalesce(func.sum(Order.total_fen - Order.refunded_fen), 0))
        .join(OrderAttribution, OrderAttribution.order_id == Order.id)
        .where(OrderAttribution.store_id == store.id, Order.status.in_(PAID), *period)).one()
    commission = session.scalar(
        select(func.coalesce(func.sum(CommissionShare.amount_fen - CommissionShare.reversed_fen), 0))
        .join(Order, Order.id == CommissionShare.order_id)
        .where(CommissionShare.store_id == store.id, CommissionShare.status.in_(ACCRUED), *period))
    return StoreReport(store, int(sales), int(orders), int(commission), _guides(session, store, period))


def _guides(session: Session, store: Store, period: list) -> tuple[GuideRow, ...]:
    """Every guide of the store, with or without sales, in one query."""
    sales = (select(OrderAttribution.guide_id.label("partner_id"), func.count(Order.id).label("orders"),
                    func.sum(Order.total_fen - Order.refunded_fen).label("sales"))
             .join(Order, Order.id == OrderAttribution.order_id)
             .where(OrderAttribution.store_id == store.id, OrderAttribution.guide_id.is_not(None),
                    Order.status.in_(PAID), *period)
             .group_by(OrderAttribution.guide_id).subquery())
    earned = (select(CommissionShare.partner_id.label("partner_id"),
                     func.sum(CommissionShare.amount_fen - CommissionShare.reversed_fen).label("commission"))
              .join(Order, Order.id == CommissionShare.order_id)
              .join(OrderAttribution, OrderAttribution.order_id == Order.id)
              .where(OrderAttribution.store_id == store.id, CommissionShare.partner_id.is_not(None),
                     CommissionShare.status.in_(ACCRUED), *period)
              .group_by(CommissionShare.partner_id).subquery())
    rows = session.execute(
        select(User.name, func.coalesce(sales.c.sales, 0), func.coalesce(sales.c.orders, 0),
               func.coalesce(earned.c.commission, 0))
        .select_from(User)
        .outerjoin(Partner, and_(Partner.user_id == User.id, Partner.brand_id == store.brand_id))
        .outerjoin(sales, sales.c.partner_id == Partner.id)
        .outerjoin(earned, earned.c.partner_id == Partner.id)
        .where(User.role == Role.GUIDE, User.store_id == store.id)
        .order_by(func.coalesce(sales.c.sales, 0).desc(), User.name, User.id))
    return tuple(GuideRow(name, int(s), int(n), int(c)) for name, s, n, c in rows)


@dataclass(frozen=True)
class FollowUpRow:
    name: str
    open_due: int  # follow-ups due and not yet done (missed ones included)
    done: int
    skipped: int


def follow_ups(session: Session, store: Store, *, since: datetime, now: datetime) -> list[FollowUpRow]:
    """Each guide's daily-list completion (mall.journeys.results): still open now, done and skipped since `since`."""
    guides = session.execute(
        select(User.name, Partner.id).join(Partner, and_(Partner.user_id == User.id,
                                                         Partner.brand_id == store.brand_id))
        .where(User.role == Role.GUIDE, User.store_id == store.id).order_by(User.name, User.id)).all()
    done = completion(session, [partner_id for _name, partner_id in guides], since=since, due_by=now)
    return [FollowUpRow(name, done[pid].open_due, done[pid].done, done[pid].skipped) for name, pid in guides]
