"""The brand admin's sales reports: GMV, orders, average order value and commission per dimension.

Everything is aggregated by the database: in China time from the daily roll-up (mall.reporting, one GROUP BY
over a row per day and dimension value), in any other zone by two GROUP BY queries over the orders. An order counts
on the local day it was paid; GMV is what was paid minus what was refunded; commission is what the
order's shares still owe (amount minus reversed) once accrued, so planned, void and replaced shares
never count.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import Date, Select, cast, func, select
from sqlalchemy.orm import Session, aliased

from mall.accounts.models import User
from mall.admin.reports.rollup import CHINA, Overall, rollup_rows, rollup_top
from mall.catalog.models import Store
from mall.commission.models import CommissionShare, OrderAttribution
from mall.live.models import LiveRoom
from mall.orders.models import Order
from mall.partner.days import day_range_utc
from mall.referral.models import Partner

DIMENSIONS = ("day", "store", "guide", "sharer", "channel", "live_room")
# Dimensions shown as "not available yet", never with invented figures (none today: live rooms exist).
UNAVAILABLE: frozenset[str] = frozenset()
COUNTED_SHARES = ("pending", "available")
NONE_KEY = ""  # orders without a store, guide or sharer


@dataclass(frozen=True)
class ReportRow:
    key: str
    label: str
    orders: int
    gmv_fen: int
    commission_fen: int

    @property
    def aov_fen(self) -> int:
        # Average order value rounded down to the fen, like every other money figure.
        return self.gmv_fen // self.orders if self.orders else 0


@dataclass(frozen=True)
class Report:
    dimension: str
    first: date
    last: date
    rows: tuple[ReportRow, ...]
    # Set when `rows` holds only the largest groups (sales_report's `top`): how many there are, and their sums.
    overall: Overall | None = None

    @property
    def total(self) -> ReportRow:
        if self.overall is not None:
            o = self.overall
            return ReportRow("", "", o.orders, o.gmv_fen, o.commission_fen)
        return ReportRow("", "", sum(r.orders for r in self.rows), sum(r.gmv_fen for r in self.rows),
                         sum(r.commission_fen for r in self.rows))

    @property
    def groups(self) -> int:
        """How many rows the whole report has (more than `rows` when only the largest were read)."""
        return self.overall.groups if self.overall is not None else len(self.rows)


def _local_day(session: Session, column, offset: timedelta):
    """The local calendar day of a naive-UTC timestamp column, computed by the database.

    A fixed offset is exact for Asia/Shanghai (no daylight saving); a zone with DST would be off by an
    hour on the days it switches.
    """
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, f"{int(offset.total_seconds()):+d} seconds")
    return cast(column + offset, Date)


def _key_columns(session: Session, dimension: str, offset: timedelta):
    """(key expression, label expressions, joins) for one dimension."""
    if dimension == "day":
        day = _local_day(session, Order.paid_at, offset)
        return day, (), ()
    if dimension == "channel":
        return func.coalesce(OrderAttribution.channel, "direct"), (), ()
    if dimension == "store":
        return OrderAttribution.store_id, (Store.name,), ((Store, Store.id == OrderAttribution.store_id),)
    if dimension == "live_room":  # orders placed outside every room share the "None" row
        return (OrderAttribution.live_room_id, (LiveRoom.title,),
                ((LiveRoom, LiveRoom.id == OrderAttribution.live_room_id),))
    partner = aliased(Partner)
    user = aliased(User)
    column = OrderAttribution.guide_id if dimension == "guide" else OrderAttribution.sharer_id
    return column, (user.name, partner.code), ((partner, partner.id == column), (user, user.id == partner.user_id))


def _base(query, brand_id: int | None, start: datetime, end: datetime):
    query = query.where(Order.paid_at >= start, Order.paid_at < end)
    if brand_id is not None:
        query = query.where(Order.brand_id == brand_id)
    return query


def _grouped(session: Session, dimension: str, offset: timedelta, measures, *, from_shares: bool):
    key, labels, joins = _key_columns(session, dimension, offset)
    query = select(key.label("key"), *labels, *measures)
    if from_shares:
        query = query.select_from(CommissionShare).join(Order, Order.id == CommissionShare.order_id)
    else:
        query = query.select_from(Order)
    query = query.outerjoin(OrderAttribution, OrderAttribution.order_id == Order.id)
    for target, on in joins:
        query = query.outerjoin(target, on)
    return query.group_by(key, *labels)


def sales_report(session: Session, brand_id: int | None, dimension: str, first: date, last: date,
                 tz: tzinfo, *, top: int | None = None) -> Report:
    """One report: a row per day (every day of the range) or per store/guide/sharer/channel, by GMV.

    `top`: only that many rows of the largest GMV (never for days), the total still of all of them."""
    if dimension in UNAVAILABLE or dimension not in DIMENSIONS:
        return Report(dimension, first, last, ())
    overall = None
    if top is not None and dimension != "day" and _in_china_days(tz, first, last):
        found, overall = rollup_top(session, dimension, brand_id, first, last, top)
    else:
        found = _grouped_rows(session, brand_id, dimension, first, last, tz)
    rows = [ReportRow(_key(key), _label(dimension, _key(key), labels), orders, gmv, owed)
            for key, labels, orders, gmv, owed in found]
    if dimension == "day":
        return Report(dimension, first, last, tuple(_every_day(rows, first, last)))
    rows.sort(key=lambda r: (-r.gmv_fen, r.label))
    if top is not None and overall is None and len(rows) > top:  # grouped from the orders: cut here
        overall = Overall(len(rows), sum(r.orders for r in rows), sum(r.gmv_fen for r in rows),
                          sum(r.commission_fen for r in rows))
        rows = rows[:top]
    return Report(dimension, first, last, tuple(rows), overall)


def _in_china_days(tz: tzinfo, first: date, last: date) -> bool:
    start, end = day_range_utc(first, last, tz)
    return _offset(tz, start) == CHINA and _offset(tz, end) == CHINA


def _grouped_rows(session: Session, brand_id: int | None, dimension: str, first: date, last: date, tz: tzinfo):
    if _in_china_days(tz, first, last):
        yield from rollup_rows(session, dimension, brand_id, first, last)
        return
    sales, commission = report_statements(session, brand_id, dimension, first, last, tz)
    owed = {_key(row[0]): int(row[-1] or 0) for row in session.execute(commission)}
    for row in session.execute(sales):
        yield row[0], row[1:-2], int(row[-2]), int(row[-1] or 0), owed.get(_key(row[0]), 0)


def report_statements(session: Session, brand_id: int | None, dimension: str, first: date, last: date,
                      tz: tzinfo) -> tuple[Select, Select]:
    """The two GROUP BY queries of a report (sales, commission); bench/report_timings.py explains them."""
    start, end = day_range_utc(first, last, tz)
    offset = _offset(tz, start)
    sales = _base(_grouped(session, dimension, offset,
                           (func.count(Order.id), func.sum(Order.total_fen - Order.refunded_fen)),
                           from_shares=False), brand_id, start, end)
    commission = _base(_grouped(session, dimension, offset,
                                (func.sum(CommissionShare.amount_fen - CommissionShare.reversed_fen),),
                                from_shares=True), brand_id, start, end)
    return sales, commission.where(CommissionShare.status.in_(COUNTED_SHARES))


def _offset(tz: tzinfo, moment: datetime) -> timedelta:
    return tz.utcoffset(moment + (tz.utcoffset(moment) or timedelta())) or timedelta()


def _key(value) -> str:
    if value is None:
        return NONE_KEY
    return value.isoformat() if isinstance(value, date) else str(value)


def _label(dimension: str, key: str, labels) -> str:
    if dimension in ("guide", "sharer") and key:
        name, code = labels
        return f"{name} ({code})"
    if dimension in ("store", "live_room") and key:
        return labels[0]
    return key


def _every_day(rows: list[ReportRow], first: date, last: date):
    by_day = {row.key: row for row in rows}
    for n in range((last - first).days + 1):
        day = (first + timedelta(days=n)).isoformat()
        yield by_day.get(day, ReportRow(day, day, 0, 0, 0))

