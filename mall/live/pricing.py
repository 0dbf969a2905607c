"""The room's own price (直播专享价): it applies only to orders placed in the room while it is live.

The orders service is handed the result as a RoomSale and checks it again (it may only lower the price the
product page charges right now); the product page elsewhere never sees it.
"""
from datetime import datetime

from mall.catalog.pricing import unit_price_fen
from mall.live.models import LiveRoom, RoomState, ShelfItem
from mall.orders.checkout import RoomSale


def live_price_applies(room: LiveRoom, item: ShelfItem) -> bool:
    return room.state == RoomState.LIVE and item.live_price_fen is not None


def room_unit_price_fen(room: LiveRoom, item: ShelfItem, now: datetime) -> int:
    """What one unit costs when bought in the room now: the lower of the live price and the normal one."""
    normal = unit_price_fen(item.sku, item.product, now)
    return min(item.live_price_fen, normal) if live_price_applies(room, item) else normal


def room_sale(room: LiveRoom, item: ShelfItem) -> RoomSale:
    """The sale the orders service is asked for: this room, this SKU, the live price only while live."""
    return RoomSale(live_room_id=room.id, sku_id=item.sku_id,
                    unit_price_fen=item.live_price_fen if live_price_applies(room, item) else None)
