"""What each content item produced: partners' views, copies and poster downloads (content_events), visits
(touches through its link), orders and GMV (content_orders, written by the order-event subscribers). For the
brand per item, and per partner within an item or across a partner's items."""
from dataclasses import dataclass

from sqlalchemy import func, select

from mall.content.models import ContentEvent, ContentItem, ContentOrder
from mall.referral.models import Partner, Touch


@dataclass
class ItemStats:
    views: int = 0
    copies: int = 0
    posters: int = 0
    visits: int = 0
    orders: int = 0
    gmv_fen: int = 0  # paid, less what was refunded


KIND_FIELD = {"view": "views", "copy": "copies", "poster": "posters"}


def stats_by_item(session, item_ids: list[int], *, partner_id: int | None = None) -> dict[int, ItemStats]:
    """item id -> its statistics (of one partner's activity when partner_id is given)."""
    return _collect(session, ContentItem.id.in_(item_ids), key=lambda row: row.item_id, partner_id=partner_id,
                    keys=item_ids)


def stats_by_partner(session, item_id: int) -> dict[int | None, ItemStats]:
    """partner id -> what that partner's sharing of one item produced."""
    return _collect(session, ContentItem.id == item_id, key=lambda row: row.partner_id, partner_id=None, keys=[])


def _collect(session, where, *, key, partner_id, keys) -> dict:
    # Three GROUP BYs (events, touches, orders) summed in Python: each table keeps its own index, no UNION.
    found = {k: ItemStats() for k in keys}

    events = (select(ContentEvent.item_id, ContentEvent.partner_id, ContentEvent.kind, func.count().label("n"))
              .join(ContentItem, ContentItem.id == ContentEvent.item_id).where(where)
              .group_by(ContentEvent.item_id, ContentEvent.partner_id, ContentEvent.kind))
    visits = (select(Touch.content_item_id.label("item_id"), Touch.partner_id, func.count().label("n"))
              .join(ContentItem, ContentItem.id == Touch.content_item_id).where(where)
              .group_by(Touch.content_item_id, Touch.partner_id))
    orders = (select(ContentOrder.item_id, ContentOrder.partner_id, func.count().label("n"),
                     func.sum(ContentOrder.gmv_fen - ContentOrder.refunded_fen).label("gmv"))
              .join(ContentItem, ContentItem.id == ContentOrder.item_id).where(where)
              .group_by(ContentOrder.item_id, ContentOrder.partner_id))
    if partner_id is not None:
        events = events.where(ContentEvent.partner_id == partner_id)
        visits = visits.where(Touch.partner_id == partner_id)
        orders = orders.where(ContentOrder.partner_id == partner_id)
    for row in session.execute(events):
        stats = found.setdefault(key(row), ItemStats())
        setattr(stats, KIND_FIELD[row.kind], getattr(stats, KIND_FIELD[row.kind]) + row.n)
    for row in session.execute(visits):
        found.setdefault(key(row), ItemStats()).visits += row.n
    for row in session.execute(orders):
        stats = found.setdefault(key(row), ItemStats())
        stats.orders += row.n
        stats.gmv_fen += int(row.gmv or 0)
    return found


def partners_named(session, partner_ids) -> dict[int, Partner]:
    """The partners a per-partner table names, in one query."""
    ids = [pid for pid in partner_ids if pid]
    return {p.id: p for p in session.scalars(select(Partner).where(Partner.id.in_(ids)))} if ids else {}
