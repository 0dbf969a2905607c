"""The reports read from the daily roll-up (mall.reporting): a few thousand rows for a year of a million
orders. The roll-up counts China days, so a report in another time zone is grouped from the orders instead.

A year's sharer report still reads a row per sharer and day they sold on (the roll-up keeps days, and a brand
with 100,000 sharers has about as many sharer-days as orders with a sharer): so the rows are grouped by the key
alone and the names joined to the groups afterwards, and the page asks only for the largest groups, with their
number and the totals of all of them computed by the same query (window functions over the groups)."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session, aliased

from mall.accounts.models import User
from mall.catalog.models import Store
from mall.live.models import LiveRoom
from mall.referral.models import Partner
from mall.reporting.models import NO_ID, DailySales

CHINA = timedelta(hours=8)


@dataclass(frozen=True)
class Overall:
    """All the groups of a report of which only the largest were read: how many there are, and their sums."""

    groups: int
    orders: int
    gmv_fen: int
    commission_fen: int


def _key(dimension: str):
    if dimension == "day":
        return DailySales.day
    return DailySales.key_text if dimension == "channel" else DailySales.key_id


def _labels(dimension: str, key) -> tuple[tuple, tuple]:
    """(label columns, outer joins) naming each group's key."""
    if dimension == "store":
        return (Store.name,), ((Store, Store.id == key),)
    if dimension == "live_room":
        return (LiveRoom.title,), ((LiveRoom, LiveRoom.id == key),)
    if dimension in ("guide", "sharer"):
        partner, user = aliased(Partner), aliased(User)
        return (user.name, partner.code), ((partner, partner.id == key), (user, user.id == partner.user_id))
    return (), ()


def rollup_statement(dimension: str, brand_id: int | None, first: date, last: date, *,
                     top: int | None = None) -> Select:
    """Rows of (key, *labels, orders, gmv, commission), like the sales query plus the commission; with `top`,
    only the `top` groups of the largest GMV, each also carrying the Overall of all groups."""
    key = _key(dimension)
    orders, gmv, commission = (func.sum(DailySales.orders), func.sum(DailySales.gmv_fen),
                               func.sum(DailySales.commission_fen))
    grouped = select(key.label("key"), orders.label("orders"), gmv.label("gmv_fen"),
                     commission.label("commission_fen"))
    if top is not None:
        grouped = grouped.add_columns(func.count().over().label("groups"), func.sum(orders).over().label("all_orders"),
                                      func.sum(gmv).over().label("all_gmv"),
                                      func.sum(commission).over().label("all_commission"))
    grouped = grouped.where(DailySales.dimension == dimension, DailySales.day >= first, DailySales.day <= last)
    if brand_id is not None:
        grouped = grouped.where(DailySales.brand_id == brand_id)
    # A row whose orders all moved elsewhere (a re-attribution, a backfilled correction) sums to no order.
    grouped = grouped.group_by(key).having(orders > literal(0))
    if top is not None:
        grouped = grouped.order_by(gmv.desc(), key).limit(top)
    groups = grouped.subquery()
    labels, joins = _labels(dimension, groups.c.key)
    extra = (groups.c.groups, groups.c.all_orders, groups.c.all_gmv, groups.c.all_commission) if top else ()
    query = select(groups.c.key, *labels, groups.c.orders, groups.c.gmv_fen, groups.c.commission_fen, *extra)
    for target, on in joins:
        query = query.outerjoin(target, on)
    return query.order_by(groups.c.gmv_fen.desc(), groups.c.key) if top is not None else query


def _row(dimension: str, row, labels: int):
    key = None if row[0] == NO_ID and dimension not in ("day", "channel") else row[0]
    orders, gmv, commission = row[1 + labels:4 + labels]
    return key, tuple(row[1:1 + labels]), int(orders), int(gmv or 0), int(commission or 0)


def rollup_rows(session: Session, dimension: str, brand_id: int | None, first: date, last: date):
    """(key or None, labels, orders, gmv_fen, commission_fen) per roll-up group."""
    labels = len(_labels(dimension, DailySales.key_id)[0])
    for row in session.execute(rollup_statement(dimension, brand_id, first, last)):
        yield _row(dimension, row, labels)


def rollup_top(session: Session, dimension: str, brand_id: int | None, first: date, last: date,
               top: int) -> tuple[list[tuple], Overall]:
    """The `top` groups of the largest GMV (as rollup_rows yields them) and the Overall of all groups."""
    labels = len(_labels(dimension, DailySales.key_id)[0])
    found = session.execute(rollup_statement(dimension, brand_id, first, last, top=top)).all()
    if not found:
        return [], Overall(0, 0, 0, 0)
    groups, orders, gmv, commission = found[0][-4:]
    return ([_row(dimension, row, labels) for row in found],
            Overall(int(groups), int(orders), int(gmv or 0), int(commission or 0)))
