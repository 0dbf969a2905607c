"""The demo's live rooms: one of each state, found by their fixed codes and only created when missing.

- TEA2ZB is live: 张小雨 of the Jing'an store hosts, 明前龙井 is pinned at its live price, partners have
  invited viewers and some of them bought in the room (the leaderboard has figures).
- TEA3YG is scheduled in two days: the room page counts down and offers "remind me".
- TEA4HF has ended, with a replay.
"""
from datetime import datetime, timedelta

from sqlalchemy import select

from mall import unit_of_work
from mall.accounts.models import User
from mall.catalog.models import Brand, Product, Store
from mall.demo_orders import _pay
from mall.live.buying import buy_in_room
from mall.live.models import LiveRoom
from mall.live.rooms import RoomDetails, end_room, save_room, start_room
from mall.live.shelf import add_to_shelf, pin
from mall.live.streams import parse_stream
from mall.live.viewers import invited, seen
from mall.orders.checkout import CheckoutRequest

LIVE, SOON, REPLAY = "TEA2ZB", "TEA3YG", "TEA4HF"
# (product code, SKU position, live price as a share of the normal price in percent or None)
SHELF = [("H7SMB8Y", 0, 69), ("JSN8BKR", 0, 85), ("SFTRTAK", 0, None), ("9PWSHDF", 0, 90)]
# (visitor, inviter's partner code or None, buys shelf item n or None)
VIEWERS = [(1, "SYTEA2", 0), (2, "SYTEA2", 0), (3, "SYTEA2", None), (4, "ZXTEA3", 1), (5, "ZXTEA3", None),
           (6, "GDZXY8", 0), (7, "GDZXY8", None), (8, None, 2)]


def load_demo_live(session, now: datetime) -> int:
    """Create the three rooms if missing; returns how many were new."""
    brand = session.scalar(select(Brand).where(Brand.slug == "yunling-tea"))
    store = session.scalar(select(Store).where(Store.brand_id == brand.id).order_by(Store.id))
    host = session.scalar(select(User).where(User.phone == "13800000011"))
    created = 0
    if _room(session, LIVE) is None:
        room = _new(session, brand, store, host, LIVE, "云岭春茶品鉴 · 直播专享价", now - timedelta(minutes=30),
                    "https://www.bilibili.com/video/BV1GJ411x7h7")
        items = _shelf(session, room, now)
        start_room(session, room, actor_id=host.id, now=now - timedelta(minutes=25))
        pin(session, room, items[0].id, actor_id=host.id, now=now - timedelta(minutes=20))
        unit_of_work.commit(session)
        _audience(session, room, items, now)
        created += 1
    if _room(session, SOON) is None:
        room = _new(session, brand, store, host, SOON, "金骏眉新品首发 · 周末直播", now + timedelta(days=2),
                    "BV1uT4y1P7CX")
        _shelf(session, room, now)
        created += 1
    if _room(session, REPLAY) is None:
        room = _new(session, brand, store, host, REPLAY, "茶器入门 · 回放", now - timedelta(days=3), "BV1Xx411c7cH",
                    replay="https://www.bilibili.com/video/BV1Xx411c7cH")
        _shelf(session, room, now)
        start_room(session, room, actor_id=host.id, now=now - timedelta(days=3))
        end_room(session, room, actor_id=host.id, now=now - timedelta(days=3, hours=-2))
        created += 1
    unit_of_work.commit(session)
    return created


def _room(session, code: str) -> LiveRoom | None:
    return session.scalar(select(LiveRoom).where(LiveRoom.code == code))


def _new(session, brand, store, host, code, title, starts_at, stream, *, replay=None) -> LiveRoom:
    details = RoomDetails(title=title, starts_at=starts_at, stream=parse_stream(stream, ()),
                          replay=parse_stream(replay, ()) if replay else None, host_store_id=store.id,
                          host_user_id=host.id, cover_path="demo/product-01.png")
    room = save_room(session, brand.id, None, details, actor_id=None, now=starts_at)
    room.code = code  # fixed, so the printed links work on every machine
    session.flush()
    return room


def _shelf(session, room, now):
    items = []
    for code, position, percent in SHELF:
        sku = session.scalar(select(Product).where(Product.code == code)).skus[position]
        price = sku.price_fen * percent // 100 if percent else None
        items.append(add_to_shelf(session, room, sku.id, price, actor_id=None, now=now))
    return items


def _audience(session, room, items, now) -> None:
    for number, inviter, buys in VIEWERS:
        visitor = f"demo-live-viewer-{number:02d}"
        at = now - timedelta(minutes=20 - number)
        if inviter:
            invited(session, room, inviter, visitor, user_id=None, now=at)
        else:
            seen(session, room, visitor, now=at)
        unit_of_work.commit(session)
        if buys is None:
            continue
        order = buy_in_room(session, room, CheckoutRequest(
            sku_id=items[buys].sku_id, quantity=1, contact_name=["王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊",
                                                                 "黄敏"][number - 1],
            contact_phone=f"1350000{number:04d}", delivery="ship", address="上海市徐汇区漕溪北路 398 号",
            idempotency_key=f"demo-live-order-{number:02d}-000", visitor_key=visitor), now=at + timedelta(minutes=1))
        unit_of_work.commit(session)
        _pay(session, order, at + timedelta(minutes=2))
