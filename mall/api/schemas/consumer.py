"""Consumer schemas: products, touches, orders, payment, refunds."""
from marshmallow import RAISE, Schema, fields, validate

from mall.api.fields import Fen, Id
from mall.orders.checkout import MAX_LINE_QUANTITY


class SkuOut(Schema):
    id = Id(required=True)
    name = fields.String(required=True)
    price_fen = Fen(required=True, metadata={"description": "what one costs now (a running promotion included)"})
    list_price_fen = Fen(allow_none=True, required=True)
    stock = fields.Integer(required=True)


class ProductOut(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    subtitle = fields.String(required=True)
    brand = fields.String(required=True, metadata={"description": "the brand's slug"})
    url = fields.String(required=True)
    skus = fields.List(fields.Nested(SkuOut), required=True)


class TouchIn(Schema):
    class Meta:
        unknown = RAISE

    referral_code = fields.String(required=True, validate=validate.Length(1, 12))
    product_code = fields.String(validate=validate.Length(1, 12), load_default=None)
    live_room_code = fields.String(validate=validate.Length(1, 12), load_default=None,
                                   metadata={"description": "the partner's live room invitation (邀约)"})
    content_code = fields.String(validate=validate.Length(1, 12), load_default=None,
                                 metadata={"description": "the content pool item the partner shared"})


class TouchOut(Schema):
    recorded = fields.Boolean(required=True, metadata={"description": "false: the code is unknown or not the brand's"})


class OrderIn(Schema):
    class Meta:
        unknown = RAISE

    sku_id = Id(required=True)
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_LINE_QUANTITY))
    contact_name = fields.String(required=True, validate=validate.Length(1, 40))
    contact_phone = fields.String(required=True, validate=validate.Length(1, 20))
    delivery = fields.String(required=True, validate=validate.OneOf(["ship", "pickup"]))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    pickup_store_id = Id(load_default=None, allow_none=True)
    note = fields.String(load_default="", validate=validate.Length(max=200))
    live_room_code = fields.String(validate=validate.Length(1, 12), load_default=None,
                                   metadata={"description": "bought in this live room: its shelf, its price"})


class PaymentOut(Schema):
    payment_url = fields.String(required=True, metadata={"description": "where the buyer pays"})
    charge_id = fields.String(allow_none=True, required=True, metadata={"description": "the mock provider's charge"})


class MockCardIn(Schema):
    class Meta:
        unknown = RAISE

    card_number = fields.String(required=True, validate=validate.Length(12, 23),
                                metadata={"example": "4242 4242 4242 4242"})


class MockPayOut(Schema):
    outcome = fields.String(required=True, metadata={"description": "succeeded | declined | failed | already_paid"})


class RefundItemIn(Schema):
    class Meta:
        unknown = RAISE

    line_id = Id(required=True)
    amount_fen = Fen(minimum=1, load_default=None, allow_none=True,
                     metadata={"description": "null: the rest of the line"})


class RefundIn(Schema):
    class Meta:
        unknown = RAISE

    items = fields.List(fields.Nested(RefundItemIn), load_default=None, allow_none=True,
                        validate=validate.Length(1, 50), metadata={"description": "omit: everything left"})
    reason = fields.String(load_default="", validate=validate.Length(max=200))
