"""Buying in the room: the shelf item the buyer chose, at the room's price, placed by the orders service."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from mall.ids import parse_id
from mall.live.models import LiveRoom, ShelfItem
from mall.live.pricing import room_sale
from mall.orders.checkout import CheckoutRequest, SkuUnavailable, place_order
from mall.orders.models import Order


class NotOnShelf(SkuUnavailable):
    message = _l("This product is not on this room's shelf.")


def buy_in_room(session, room: LiveRoom, req: CheckoutRequest, *, now: datetime) -> Order:
    """A pending order for a SKU on the room's shelf; its attribution carries the room (channel "live")."""
    sku_id = parse_id(req.sku_id) if isinstance(req.sku_id, int) else None
    item = session.scalar(select(ShelfItem).where(ShelfItem.room_id == room.id, ShelfItem.sku_id == sku_id)) \
        if sku_id is not None else None
    if item is None:
        raise NotOnShelf()
    return place_order(session, req, now=now, room_sale=room_sale(room, item))
