"""Partner sharing schemas: content pool items with the partner's link filled in, and storefront picks."""
from marshmallow import RAISE, Schema, fields, validate


class ContentItemOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    title = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "the copy, with the partner's link filled in"})
    url = fields.String(required=True, metadata={"description": "the partner's link to the item"})
    product_code = fields.String(allow_none=True, required=True)
    image_urls = fields.List(fields.String(), required=True)


class ContentQuery(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=40))
    page = fields.Integer(validate=validate.Range(1, 10_000), load_default=1)


class ContentPageOut(Schema):
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    items = fields.List(fields.Nested(ContentItemOut), required=True)


class PickedProductOut(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    brand = fields.String(required=True)


class StorefrontOut(Schema):
    title = fields.String(required=True)
    intro = fields.String(required=True)
    products = fields.List(fields.Nested(PickedProductOut), required=True)


class PickIn(Schema):
    class Meta:
        unknown = RAISE

    product_code = fields.String(required=True, validate=validate.Length(1, 12))
