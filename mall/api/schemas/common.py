"""Schemas several parts of the API share: problems and orders."""
from marshmallow import Schema, fields

from mall.api.fields import Fen, Id, UtcDateTime


class FieldErrorOut(Schema):
    field = fields.String(required=True)
    message = fields.String(required=True)


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"example": "urn:mall:problem:validation-failed"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.List(fields.Nested(FieldErrorOut))


class OrderLineOut(Schema):
    id = Id(required=True)
    title = fields.String(required=True)
    sku_name = fields.String(required=True)
    unit_price_fen = Fen(required=True)
    quantity = fields.Integer(required=True)
    total_fen = Fen(required=True)
    refunded_fen = Fen(required=True)


class RefundOut(Schema):
    id = Id(required=True)
    status = fields.String(required=True)
    amount_fen = Fen(required=True)
    reason = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    decided_at = UtcDateTime(allow_none=True, required=True)


class OrderOut(Schema):
    number = fields.String(required=True)
    status = fields.String(required=True)
    delivery = fields.String(required=True)
    total_fen = Fen(required=True)
    refunded_fen = Fen(required=True)
    created_at = UtcDateTime(required=True)
    paid_at = UtcDateTime(allow_none=True, required=True)
    completed_at = UtcDateTime(allow_none=True, required=True)
    lines = fields.List(fields.Nested(OrderLineOut), required=True)
    refunds = fields.List(fields.Nested(RefundOut), required=True)


class PageOut(Schema):
    """A page of a cursor listing; next_cursor is null on the last page."""

    next_cursor = fields.String(allow_none=True, required=True)
