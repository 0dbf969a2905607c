"""The read side of live rooms, for the room page, the host console, the admin, the share centre and the API.

Counts come from live_orders (kept by mall.live.subscribers) and live_viewers: a few GROUP BY queries per
page, never one per order or viewer.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload

from mall.accounts.models import User
from mall.catalog.models import Product, Store
from mall.catalog.pages import normalise_code
from mall.catalog.pricing import unit_price_fen
from mall.live.models import LiveOrder, LiveRoom, LiveViewer, RoomState, ShelfItem
from mall.live.pricing import live_price_applies, room_unit_price_fen
from mall.live.viewers import viewers_now
from mall.orders.models import Order
from mall.privacy import mask_name
from mall.referral.models import Partner

TICKER_SIZE = 5
BOARD_SIZE = 10
PAID = LiveOrder.paid_at.is_not(None)


def room_by_code(session, code: str | None) -> LiveRoom | None:
    code = normalise_code(code)
    return session.scalar(select(LiveRoom).where(LiveRoom.code == code)) if code else None


def pin_version(session, code: str | None):
    """(room id, state, pin version) in one indexed read: all the viewers' poll needs to answer 304."""
    code = normalise_code(code)
    if not code:
        return None
    return session.execute(select(LiveRoom.id, LiveRoom.state, LiveRoom.pin_version)
                           .where(LiveRoom.code == code)).first()


@dataclass(frozen=True)
class ShelfView:
    item: ShelfItem
    price_fen: int  # what it costs bought in the room now
    normal_fen: int  # what the product page charges
    live_price: bool  # the room's own price applies

    @property
    def product(self):
        return self.item.product

    @property
    def sku(self):
        return self.item.sku


def shelf(session, room: LiveRoom, *, now: datetime) -> list[ShelfView]:
    items = session.scalars(select(ShelfItem).where(ShelfItem.room_id == room.id)
                            .options(joinedload(ShelfItem.product), joinedload(ShelfItem.sku))
                            .order_by(ShelfItem.position, ShelfItem.id)).all()
    return [_view(room, item, now) for item in items]


def pinned_product(session, room: LiveRoom, *, now: datetime) -> ShelfView | None:
    """The shelf item the host is presenting (讲解中), with its price in the room now."""
    if room.pinned_item_id is None:
        return None
    # One query: every viewer asks for this right after a pin.
    item = session.scalar(select(ShelfItem).where(ShelfItem.id == room.pinned_item_id)
                          .options(joinedload(ShelfItem.sku), joinedload(ShelfItem.product).selectinload(Product.images)))
    return _view(room, item, now) if item is not None else None


def _view(room: LiveRoom, item: ShelfItem, now: datetime) -> ShelfView:
    return ShelfView(item, room_unit_price_fen(room, item, now), unit_price_fen(item.sku, item.product, now),
                     live_price_applies(room, item))


@dataclass(frozen=True)
class RoomStats:
    viewers_now: int
    unique_viewers: int
    invited_viewers: int
    orders: int  # paid
    gmv_fen: int  # paid, net of refunds


def room_stats(session, room_id: int, *, now: datetime) -> RoomStats:
    viewers = session.execute(select(func.count(), func.count(LiveViewer.inviter_id))
                              .where(LiveViewer.room_id == room_id)).one()
    orders = session.execute(select(func.count(), func.coalesce(func.sum(LiveOrder.total_fen - LiveOrder.refunded_fen), 0))
                             .where(LiveOrder.room_id == room_id, PAID)).one()
    return RoomStats(viewers_now(session, room_id, now=now), viewers[0], viewers[1], orders[0], int(orders[1]))


@dataclass(frozen=True)
class BoardRow:
    """One inviter (or store) of the room's leaderboard (邀请榜)."""

    key: int
    name: str
    code: str
    invited: int
    orders: int
    gmv_fen: int


def leaderboard(session, room_id: int, *, limit: int | None = BOARD_SIZE, masked: bool = True) -> list[BoardRow]:
    """Inviters by paid GMV, then orders, then invited viewers; names masked for the public page."""
    invited = (select(LiveViewer.inviter_id.label("pid"), func.count().label("n"))
               .where(LiveViewer.room_id == room_id, LiveViewer.inviter_id.is_not(None))
               .group_by(LiveViewer.inviter_id).subquery())
    sold = (select(LiveOrder.inviter_id.label("pid"), func.count().label("n"),
                   func.sum(LiveOrder.total_fen - LiveOrder.refunded_fen).label("gmv"))
            .where(LiveOrder.room_id == room_id, PAID, LiveOrder.inviter_id.is_not(None))
            .group_by(LiveOrder.inviter_id).subquery())
    pids = select(invited.c.pid).union(select(sold.c.pid)).subquery()
    query = (select(Partner.id, User.name, Partner.code, func.coalesce(invited.c.n, 0), func.coalesce(sold.c.n, 0),
                    func.coalesce(sold.c.gmv, 0))
             .select_from(pids).join(Partner, Partner.id == pids.c.pid).join(User, User.id == Partner.user_id)
             .outerjoin(invited, invited.c.pid == pids.c.pid).outerjoin(sold, sold.c.pid == pids.c.pid)
             .order_by(func.coalesce(sold.c.gmv, 0).desc(), func.coalesce(sold.c.n, 0).desc(),
                       func.coalesce(invited.c.n, 0).desc(), Partner.id))
    if limit:
        query = query.limit(limit)
    return [BoardRow(pid, mask_name(name) if masked else name, code, int(n_inv), int(n_ord), int(gmv))
            for pid, name, code, n_inv, n_ord, gmv in session.execute(query)]


def store_board(session, room_id: int) -> list[BoardRow]:
    """Per store: invited viewers (by the store's guides), paid orders and GMV credited to it."""
    invited = (select(LiveViewer.store_id.label("sid"), func.count().label("n"))
               .where(LiveViewer.room_id == room_id, LiveViewer.store_id.is_not(None))
               .group_by(LiveViewer.store_id).subquery())
    sold = (select(LiveOrder.store_id.label("sid"), func.count().label("n"),
                   func.sum(LiveOrder.total_fen - LiveOrder.refunded_fen).label("gmv"))
            .where(LiveOrder.room_id == room_id, PAID, LiveOrder.store_id.is_not(None))
            .group_by(LiveOrder.store_id).subquery())
    sids = select(invited.c.sid).union(select(sold.c.sid)).subquery()
    query = (select(Store.id, Store.name, Store.code, func.coalesce(invited.c.n, 0), func.coalesce(sold.c.n, 0),
                    func.coalesce(sold.c.gmv, 0))
             .select_from(sids).join(Store, Store.id == sids.c.sid)
             .outerjoin(invited, invited.c.sid == sids.c.sid).outerjoin(sold, sold.c.sid == sids.c.sid)
             .order_by(func.coalesce(sold.c.gmv, 0).desc(), Store.id))
    return [BoardRow(sid, name, code, int(a), int(b), int(c)) for sid, name, code, a, b, c in session.execute(query)]


@dataclass(frozen=True)
class TickerRow:
    buyer: str  # masked
    at: datetime


def recent_orders(session, room_id: int, *, limit: int = TICKER_SIZE) -> list[TickerRow]:
    """The room's latest paid orders, buyers masked (mall.privacy), for the ticker."""
    rows = session.execute(select(Order.contact_name, LiveOrder.paid_at).join(Order, Order.id == LiveOrder.order_id)
                           .where(LiveOrder.room_id == room_id, PAID)
                           .order_by(LiveOrder.paid_at.desc(), LiveOrder.order_id.desc()).limit(limit)).all()
    return [TickerRow(mask_name(name), at) for name, at in rows]


def rooms_of_brand(brand_id: int | None) -> Select:
    """Admin list: every room of the brand (every brand for None), live first, then by start."""
    state_order = case((LiveRoom.state == RoomState.LIVE, 0), (LiveRoom.state == RoomState.SCHEDULED, 1), else_=2)
    query = select(LiveRoom).options(joinedload(LiveRoom.brand)).order_by(state_order, LiveRoom.starts_at.desc())
    return query if brand_id is None else query.where(LiveRoom.brand_id == brand_id)


def room_of_brand(session, room_id: int, brand_id: int | None) -> LiveRoom | None:
    """The room if it belongs to the brand (any brand for None): another brand's room is simply not found."""
    query = select(LiveRoom).where(LiveRoom.id == room_id)
    if brand_id is not None:
        query = query.where(LiveRoom.brand_id == brand_id)
    return session.scalar(query)


def rooms_a_partner_can_invite_to(session, partner: Partner) -> list[LiveRoom]:
    """The partner's brand's rooms that are live or scheduled, soonest first (share centre, API)."""
    live_first = case((LiveRoom.state == RoomState.LIVE, 0), else_=1)
    return list(session.scalars(select(LiveRoom).where(LiveRoom.brand_id == partner.brand_id,
                                                       LiveRoom.state != RoomState.ENDED)
                                .order_by(live_first, LiveRoom.starts_at)))


def rooms_for_home(session, *, limit: int = 6) -> list[LiveRoom]:
    """Live rooms first, then the next scheduled ones, then ended rooms with a replay."""
    state_order = case((LiveRoom.state == RoomState.LIVE, 0), (LiveRoom.state == RoomState.SCHEDULED, 1), else_=2)
    return list(session.scalars(
        select(LiveRoom).options(joinedload(LiveRoom.brand))
        .where((LiveRoom.state != RoomState.ENDED) | (LiveRoom.replay_url != ""))
        .order_by(state_order, LiveRoom.starts_at.desc()).limit(limit)))


def room_report(session, brand_id: int | None) -> list[tuple[LiveRoom, RoomStats]]:
    """Reports by live room: each room of the brand with its unique viewers, paid orders and GMV."""
    rooms = session.scalars(rooms_of_brand(brand_id)).all()
    if not rooms:
        return []
    ids = [room.id for room in rooms]
    viewers = dict(session.execute(select(LiveViewer.room_id, func.count()).where(LiveViewer.room_id.in_(ids))
                                   .group_by(LiveViewer.room_id)).all())
    invited = dict(session.execute(select(LiveViewer.room_id, func.count()).where(
        LiveViewer.room_id.in_(ids), LiveViewer.inviter_id.is_not(None)).group_by(LiveViewer.room_id)).all())
    sold = {rid: (n, gmv) for rid, n, gmv in session.execute(
        select(LiveOrder.room_id, func.count(), func.sum(LiveOrder.total_fen - LiveOrder.refunded_fen))
        .where(LiveOrder.room_id.in_(ids), PAID).group_by(LiveOrder.room_id))}
    return [(room, RoomStats(0, viewers.get(room.id, 0), invited.get(room.id, 0), sold.get(room.id, (0, 0))[0],
                             int(sold.get(room.id, (0, 0))[1] or 0))) for room in rooms]
