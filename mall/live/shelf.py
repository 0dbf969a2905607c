"""A room's shelf (the SKUs it sells, in order, with the room's own price) and the pin (讲解中).

The pin is a column of the room plus a version that every change bumps, in one conditional UPDATE: the state
lives in the database, so every gunicorn host answers the viewers' poll the same way (mall.live.following).
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from mall.audit.service import record
from mall.catalog.models import Product, Sku
from mall.domain import DomainError
from mall.ids import parse_id
from mall.live.models import LiveRoom, RoomState, ShelfItem

SHELF_MAX = 50


class ShelfError(DomainError):
    message = _l("The shelf could not be changed.")


def check_live_price(live_price_fen: int | None, sku: Sku) -> None:
    """The room's own price (直播专享价): more than zero and never above the SKU's normal price."""
    if live_price_fen is None:
        return
    if live_price_fen <= 0:
        raise ShelfError(_l("The live price must be more than zero."), field="live_price")
    if live_price_fen > sku.price_fen:
        raise ShelfError(_l("The live price cannot be above the normal price."), field="live_price")


def add_to_shelf(session, room: LiveRoom, sku_id: int, live_price_fen: int | None, *, actor_id: int | None,
                 now: datetime) -> ShelfItem:
    """Put one of the brand's SKUs on the shelf (or change its live price if it is already there)."""
    sku_id = parse_id(sku_id) if isinstance(sku_id, int) else None
    sku = session.get(Sku, sku_id) if sku_id is not None else None
    if sku is None or sku.product.brand_id != room.brand_id:
        raise ShelfError(_l("Please choose one of the brand's products."), field="sku_id")
    check_live_price(live_price_fen, sku)
    item = session.scalar(select(ShelfItem).where(ShelfItem.room_id == room.id, ShelfItem.sku_id == sku.id))
    if item is None:
        count = session.scalar(select(func.count()).select_from(ShelfItem).where(ShelfItem.room_id == room.id))
        if count >= SHELF_MAX:
            raise ShelfError(_l("A shelf holds at most %(max)d products.", max=SHELF_MAX))
        item = ShelfItem(room_id=room.id, product_id=sku.product_id, sku_id=sku.id, position=count)
        session.add(item)
    item.live_price_fen = live_price_fen
    session.flush()
    _bump(session, room.id)  # a viewer's pinned price may have changed
    record(session, action="live_room.shelf", brand_id=room.brand_id, actor_id=actor_id, now=now,
           subject=f"live_room:{room.id}", after={"sku_id": sku.id, "live_price_fen": live_price_fen})
    return item


def remove_from_shelf(session, room: LiveRoom, item_id: int, *, actor_id: int | None, now: datetime) -> None:
    item = _item_of(session, room, item_id)
    if room.pinned_item_id == item.id:
        unpin(session, room, actor_id=actor_id, now=now)
    session.delete(item)
    session.flush()
    record(session, action="live_room.unshelf", brand_id=room.brand_id, actor_id=actor_id, now=now,
           subject=f"live_room:{room.id}", before={"sku_id": item.sku_id})


def pin(session, room: LiveRoom, item_id: int, *, actor_id: int | None, now: datetime) -> None:
    """Present one shelf item: every viewer's page shows it at their next poll."""
    if room.state != RoomState.LIVE:
        raise ShelfError(_l("Start the room before pinning a product."))
    item = _item_of(session, room, item_id)
    moved = session.execute(
        update(LiveRoom).where(LiveRoom.id == room.id, LiveRoom.state == RoomState.LIVE)
        .values(pinned_item_id=item.id, pin_version=LiveRoom.pin_version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise ShelfError(_l("Start the room before pinning a product."))
    session.refresh(room)
    record(session, action="live_room.pin", brand_id=room.brand_id, actor_id=actor_id, now=now,
           subject=f"live_room:{room.id}", after={"item_id": item.id})


def unpin(session, room: LiveRoom, *, actor_id: int | None, now: datetime) -> None:
    session.execute(update(LiveRoom).where(LiveRoom.id == room.id)
                    .values(pinned_item_id=None, pin_version=LiveRoom.pin_version + 1)
                    .execution_options(synchronize_session=False))
    session.refresh(room)
    record(session, action="live_room.unpin", brand_id=room.brand_id, actor_id=actor_id, now=now,
           subject=f"live_room:{room.id}")


def _item_of(session, room: LiveRoom, item_id) -> ShelfItem:
    item_id = parse_id(item_id) if isinstance(item_id, int) else None  # a huge number is "not found", not a 500
    item = session.get(ShelfItem, item_id) if item_id is not None else None
    if item is None or item.room_id != room.id:
        raise ShelfError(_l("That product is not on this room's shelf."))
    return item


def _bump(session, room_id: int) -> None:
    session.execute(update(LiveRoom).where(LiveRoom.id == room_id).values(pin_version=LiveRoom.pin_version + 1)
                    .execution_options(synchronize_session=False))


def shelf_skus(session, brand_id: int) -> list[Sku]:
    """The brand's SKUs an admin can put on a shelf: those of published products."""
    return list(session.scalars(select(Sku).join(Product).where(Product.brand_id == brand_id, Product.published)
                                .order_by(Product.id, Sku.position, Sku.id)))
