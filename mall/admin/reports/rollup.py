"""The reports read from the daily roll-up (mall.reporting): a few thousand rows for a year of a million
orders. The roll-up counts China days, so a report in another time zone is grouped from the orders instead."""
from datetime import date, timedelta

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session, aliased

from mall.accounts.models import User
from mall.catalog.models import Store
from mall.live.models import LiveRoom
from mall.referral.models import Partner
from mall.reporting.models import NO_ID, DailySales

CHINA = timedelta(hours=8)


def rollup_statement(dimension: str, brand_id: int | None, first: date, last: date) -> Select:
    """Rows of (key, *labels, orders, gmv, commission), like the sales query plus the commission."""
    sums = (func.sum(DailySales.orders), func.sum(DailySales.gmv_fen), func.sum(DailySales.commission_fen))
    if dimension == "day":
        key, labels, joins = DailySales.day, (), ()
    elif dimension == "channel":
        key, labels, joins = DailySales.key_text, (), ()
    elif dimension == "store":
        key, labels, joins = DailySales.key_id, (Store.name,), ((Store, Store.id == DailySales.key_id),)
    elif dimension == "live_room":
        key, labels, joins = DailySales.key_id, (LiveRoom.title,), ((LiveRoom, LiveRoom.id == DailySales.key_id),)
    else:
        partner, user = aliased(Partner), aliased(User)
        key, labels = DailySales.key_id, (user.name, partner.code)
        joins = ((partner, partner.id == DailySales.key_id), (user, user.id == partner.user_id))
    query = select(key.label("key"), *labels, *sums).select_from(DailySales)
    for target, on in joins:
        query = query.outerjoin(target, on)
    query = query.where(DailySales.dimension == dimension, DailySales.day >= first, DailySales.day <= last)
    if brand_id is not None:
        query = query.where(DailySales.brand_id == brand_id)
    # A row whose orders all moved elsewhere (a re-attribution, a backfilled correction) sums to no order.
    return query.group_by(key, *labels).having(func.sum(DailySales.orders) > literal(0))


def rollup_rows(session: Session, dimension: str, brand_id: int | None, first: date, last: date):
    """(key or None, labels, orders, gmv_fen, commission_fen) per roll-up group."""
    for row in session.execute(rollup_statement(dimension, brand_id, first, last)):
        key = None if row[0] == NO_ID and dimension not in ("day", "channel") else row[0]
        yield key, tuple(row[1:-3]), int(row[-3]), int(row[-2] or 0), int(row[-1] or 0)
