"""Live room operations: a consumer reads a room (its shelf and the product being presented); a brand creates
rooms, fills the shelf, starts, pins, ends and reads the invitation statistics. Buying in a room and arriving
through an invite link go through POST /orders and POST /touches with live_room_code (mall.api.consumer).
Every call is the service the room pages and the console call (mall.live)."""
from flask import current_app

from mall.api.auth import BRAND, CONSUMER, current_token
from mall.api.blueprint import bp
from mall.api.operations import operation
from mall.api.problems import ApiProblem
from mall.api.schemas.live import (
    BrandRoomOut,
    LiveRoomOut,
    PinIn,
    RoomIn,
    RoomStatsOut,
    ShelfIn,
)
from mall.api.schemas.partner import PageQuery
from mall.clock import utcnow
from mall.domain import DomainError
from mall.extensions import db
from mall.live.queries import (
    leaderboard,
    pinned_product,
    room_by_code,
    room_of_brand,
    room_stats,
    rooms_of_brand,
    store_board,
)
from mall.live.queries import shelf as shelf_of
from mall.live.rooms import RoomDetails, end_room, save_room, start_room
from mall.live.shelf import add_to_shelf, pin
from mall.live.streams import parse_stream
from mall.urls import public_url

PER_PAGE = 20


@operation(bp, "/live-rooms/<code>", summary="A live room: its state, shelf and the product being presented",
           tag="consumer", audience=CONSUMER, response=LiveRoomOut())
def live_room(code: str):
    room = room_by_code(db.session, code) or _not_found()
    now = utcnow()
    pinned = pinned_product(db.session, room, now=now)
    return {"code": room.code, "title": room.title, "state": room.state, "brand": room.brand.slug,
            "url": public_url("live.room", code=room.code), "starts_at": room.starts_at,
            "started_at": room.started_at, "ended_at": room.ended_at,
            "pinned": _item(pinned) if pinned else None, "shelf": [_item(view) for view in shelf_of(db.session, room,
                                                                                                   now=now)]}


@operation(bp, "/brand/live-rooms", summary="The brand's live rooms, live first", tag="brand", audience=BRAND,
           query=PageQuery(), response=BrandRoomOut(many=True))
def rooms(query: dict):
    return db.paginate(rooms_of_brand(current_token().brand_id), page=query["page"], per_page=PER_PAGE,
                       error_out=False).items


@operation(bp, "/brand/live-rooms", "POST", summary="Schedule a live room", tag="brand", audience=BRAND,
           body=RoomIn(), response=BrandRoomOut(), status=201)
def create_room(body: dict):
    try:
        stream = parse_stream(body["stream_url"], current_app.config.get("LIVE_MEDIA_HOSTS") or ())
        details = RoomDetails(title=body["title"], starts_at=body["starts_at"], stream=stream,
                              host_store_id=body["host_store_id"])
        return save_room(db.session, current_token().brand_id, None, details, actor_id=None, now=utcnow())
    except DomainError as err:
        raise _refusal(err, default_field="stream_url") from err


@operation(bp, "/brand/live-rooms/<int:room_id>/shelf", "POST", summary="Put a SKU on the room's shelf (or change "
           "its live price)", tag="brand", audience=BRAND, body=ShelfIn(), response=BrandRoomOut(), status=201)
def shelve(room_id: int, body: dict):
    room = _room(room_id)
    _act(add_to_shelf, room, body["sku_id"], body["live_price_fen"])
    return room


@operation(bp, "/brand/live-rooms/<int:room_id>/start", "POST", summary="Go live", tag="brand", audience=BRAND,
           response=BrandRoomOut())
def start(room_id: int):
    room = _room(room_id)
    _act(start_room, room, conflict=True)
    return room


@operation(bp, "/brand/live-rooms/<int:room_id>/pin", "POST", summary="Present one shelf item to every viewer",
           tag="brand", audience=BRAND, body=PinIn(), response=BrandRoomOut())
def pin_item(room_id: int, body: dict):
    room = _room(room_id)
    _act(pin, room, body["item_id"])
    return room


@operation(bp, "/brand/live-rooms/<int:room_id>/end", "POST", summary="End the broadcast", tag="brand",
           audience=BRAND, response=BrandRoomOut())
def end(room_id: int):
    room = _room(room_id)
    _act(end_room, room, conflict=True)
    return room


@operation(bp, "/brand/live-rooms/<int:room_id>/stats", summary="Viewers, invitations (邀约) and sales, by inviter "
           "and by store", tag="brand", audience=BRAND, response=RoomStatsOut())
def stats(room_id: int):
    room = _room(room_id)
    numbers = room_stats(db.session, room.id, now=utcnow())
    return {**numbers.__dict__, "inviters": leaderboard(db.session, room.id, limit=None, masked=False),
            "stores": store_board(db.session, room.id)}


def _item(view) -> dict:
    return {"item_id": view.item.id, "product_code": view.product.code, "title": view.product.title,
            "sku_id": view.sku.id, "sku_name": view.sku.name, "price_fen": view.price_fen,
            "normal_fen": view.normal_fen, "live_price": view.live_price}


def _room(room_id: int):
    return room_of_brand(db.session, room_id, current_token().brand_id) or _not_found()


def _act(action, room, *args, conflict: bool = False):
    try:
        action(db.session, room, *args, actor_id=None, now=utcnow())
    except DomainError as err:
        raise (ApiProblem("conflict", str(err.message)) if conflict else _refusal(err)) from err
    db.session.refresh(room)


FIELDS = {"stream": "stream_url", "host": "host_store_id"}  # the room form's names for the API's fields


def _refusal(err: DomainError, default_field: str | None = None) -> ApiProblem:
    field = FIELDS.get(err.field, err.field) if err.field else default_field
    if field:
        return ApiProblem("validation-failed", errors=[{"field": field, "message": str(err.message)}])
    return ApiProblem("refused", str(err.message))


def _not_found():
    raise ApiProblem("not-found", "No such live room.")

