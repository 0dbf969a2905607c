"""The admin's order list filters: state, local-day range, store, guide, sharer and channel.

Attribution filters join the order's frozen attribution (one row per order, keyed by order id), and a
guide or sharer is named by their referral code, looked up within the brand, so a code of another
brand simply matches nothing.
"""
from dataclasses import dataclass
from datetime import date, tzinfo

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import selectinload

from mall.commission.models import OrderAttribution
from mall.orders.models import Order, Refund, RefundStatus
from mall.orders.queries import orders_of_brand
from mall.partner.days import day_range_utc
from mall.referral.models import Partner

REFUNDING = "refunding"  # the status filter's "refund pending": an open refund request, whatever the order's status


@dataclass(frozen=True)
class OrderListFilter:
    status: str | None = None
    first: date | None = None
    last: date | None = None
    store_id: int | None = None
    guide_code: str | None = None
    sharer_code: str | None = None
    channel: str | None = None

    @property
    def by_attribution(self) -> bool:
        return any((self.store_id, self.guide_code, self.sharer_code, self.channel))


def filtered_orders(brand_id: int | None, flt: OrderListFilter, tz: tzinfo) -> Select:
    """The brand's orders (every brand's for the platform) matching every filter that is set, newest first."""
    query = orders_of_brand(brand_id, flt.status).options(selectinload(Order.refunds))
    if flt.status == REFUNDING:
        query = query.where(exists().where(Refund.order_id == Order.id, Refund.status == RefundStatus.REQUESTED))
    start, end = day_range_utc(flt.first, flt.last, tz)
    if start is not None:
        query = query.where(Order.created_at >= start)
    if end is not None:
        query = query.where(Order.created_at < end)
    if not flt.by_attribution:
        return query
    query = query.join(OrderAttribution, OrderAttribution.order_id == Order.id)
    if flt.store_id:
        query = query.where(OrderAttribution.store_id == flt.store_id)
    if flt.channel:
        query = query.where(OrderAttribution.channel == flt.channel)
    if flt.guide_code:
        query = query.where(OrderAttribution.guide_id.in_(_partner_ids(brand_id, flt.guide_code)))
    if flt.sharer_code:
        query = query.where(OrderAttribution.sharer_id.in_(_partner_ids(brand_id, flt.sharer_code)))
    return query


def _partner_ids(brand_id: int | None, code: str) -> Select:
    query = select(Partner.id).where(Partner.code == code.strip().upper())
    if brand_id is not None:
        query = query.where(Partner.brand_id == brand_id)
    return query
