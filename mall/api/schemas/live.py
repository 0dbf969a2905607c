"""Live room schemas: a room with its shelf and pinned product; the brand's room, shelf and statistics calls."""
from datetime import timezone

from marshmallow import RAISE, Schema, fields, validate

from mall.api.fields import Fen, Id, UtcDateTime


class ShelfItemOut(Schema):
    item_id = Id(required=True)
    product_code = fields.String(required=True)
    title = fields.String(required=True)
    sku_id = Id(required=True)
    sku_name = fields.String(required=True)
    price_fen = fields.Integer(required=True, metadata={"description": "what it costs bought in the room now"})
    normal_fen = fields.Integer(required=True, metadata={"description": "what the product page charges"})
    live_price = fields.Boolean(required=True)


class LiveRoomOut(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "scheduled | live | ended"})
    brand = fields.String(required=True)
    url = fields.String(required=True)
    starts_at = UtcDateTime(required=True)
    started_at = UtcDateTime(allow_none=True, required=True)
    ended_at = UtcDateTime(allow_none=True, required=True)
    pinned = fields.Nested(ShelfItemOut, allow_none=True, required=True)
    shelf = fields.List(fields.Nested(ShelfItemOut), required=True)


class BrandRoomOut(Schema):
    id = Id(required=True)
    code = fields.String(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True)
    starts_at = UtcDateTime(required=True)
    pinned_item_id = fields.Integer(allow_none=True, required=True)


class RoomIn(Schema):
    class Meta:
        unknown = RAISE

    title = fields.String(required=True, validate=validate.Length(1, 80))
    starts_at = fields.NaiveDateTime(required=True, timezone=timezone.utc, metadata={"description": "RFC 3339"})
    stream_url = fields.String(required=True, validate=validate.Length(1, 500))
    host_store_id = Id(load_default=None, allow_none=True)


class ShelfIn(Schema):
    class Meta:
        unknown = RAISE

    sku_id = Id(required=True)
    live_price_fen = Fen(minimum=1, load_default=None, allow_none=True)


class PinIn(Schema):
    class Meta:
        unknown = RAISE

    item_id = Id(required=True)


class BoardRowOut(Schema):
    key = fields.Integer(required=True)
    name = fields.String(required=True)
    code = fields.String(required=True)
    invited = fields.Integer(required=True)
    orders = fields.Integer(required=True)
    gmv_fen = fields.Integer(required=True)


class RoomStatsOut(Schema):
    viewers_now = fields.Integer(required=True)
    unique_viewers = fields.Integer(required=True)
    invited_viewers = fields.Integer(required=True)
    orders = fields.Integer(required=True)
    gmv_fen = fields.Integer(required=True)
    inviters = fields.List(fields.Nested(BoardRowOut), required=True)
    stores = fields.List(fields.Nested(BoardRowOut), required=True)
