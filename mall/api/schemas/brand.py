"""Brand schemas: products, commission settings, orders with attribution, refunds, withdrawals, reports, exports."""
from marshmallow import RAISE, Schema, fields, validate

from mall.api.fields import Cursor, Fen, Id, Limit
from mall.api.schemas.common import OrderOut, PageOut
from mall.api.schemas.partner import LedgerEntryOut, WithdrawalOut
from mall.catalog.editing import STOCK_MAX, TITLE_MAX

BP = {"validate": validate.Range(0, 10000), "metadata": {"description": "basis points: 1000 = 10%"}}


class BrandSkuOut(Schema):
    id = Id(required=True)
    name = fields.String(required=True)
    price_fen = fields.Integer(required=True)
    list_price_fen = fields.Integer(allow_none=True, required=True)
    promo_price_fen = fields.Integer(allow_none=True, required=True)
    stock = fields.Integer(required=True)


class RatiosOut(Schema):
    level1_bp = fields.Integer(allow_none=True, required=True)
    level2_bp = fields.Integer(allow_none=True, required=True)
    level3_bp = fields.Integer(allow_none=True, required=True)
    guide_bp = fields.Integer(allow_none=True, required=True)
    store_bp = fields.Integer(allow_none=True, required=True)


class BrandProductOut(Schema):
    id = Id(required=True)
    code = fields.String(required=True)
    title = fields.String(required=True)
    subtitle = fields.String(required=True)
    published = fields.Boolean(required=True)
    skus = fields.List(fields.Nested(BrandSkuOut), required=True)
    ratios = fields.Nested(RatiosOut, required=True, metadata={"description": "the product's overrides (null: "
                                                                              "the brand's default)"})


class ProductsPageOut(Schema):
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    items = fields.List(fields.Nested(BrandProductOut), required=True)


class NewSkuIn(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(1, 60))
    price_fen = Fen(minimum=1, required=True)
    list_price_fen = Fen(minimum=1, load_default=None, allow_none=True)
    stock = fields.Integer(strict=True, required=True, validate=validate.Range(0, STOCK_MAX))


class ProductIn(Schema):
    class Meta:
        unknown = RAISE

    title = fields.String(required=True, validate=validate.Length(1, TITLE_MAX))
    subtitle = fields.String(load_default="", validate=validate.Length(max=200))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    published = fields.Boolean(load_default=False)
    skus = fields.List(fields.Nested(NewSkuIn), required=True, validate=validate.Length(1, 50))


class SkuChangeIn(Schema):
    class Meta:
        unknown = RAISE

    id = Id(required=True)
    price_fen = Fen(minimum=1)
    stock = fields.Integer(strict=True, validate=validate.Range(0, STOCK_MAX))


class RatiosIn(Schema):
    class Meta:
        unknown = RAISE

    level1_bp = fields.Integer(strict=True, allow_none=True, **BP)
    level2_bp = fields.Integer(strict=True, allow_none=True, **BP)
    level3_bp = fields.Integer(strict=True, allow_none=True, **BP)
    guide_bp = fields.Integer(strict=True, allow_none=True, **BP)
    store_bp = fields.Integer(strict=True, allow_none=True, **BP)


class ProductChangeIn(Schema):
    """Only what is sent changes: prices and stock per SKU, publication, the split ratios."""

    class Meta:
        unknown = RAISE

    published = fields.Boolean()
    skus = fields.List(fields.Nested(SkuChangeIn), validate=validate.Length(1, 50))
    ratios = fields.Nested(RatiosIn, metadata={"description": "null for a role: back to the brand's default"})


class CommissionSettingsOut(Schema):
    levels = fields.Integer(required=True)
    level1_bp = fields.Integer(required=True)
    level2_bp = fields.Integer(required=True)
    level3_bp = fields.Integer(required=True)
    guide_bp = fields.Integer(required=True)
    store_bp = fields.Integer(required=True)
    max_total_bp = fields.Integer(required=True)
    self_purchase = fields.Boolean(required=True)
    freeze_days = fields.Integer(required=True)


class CommissionSettingsIn(Schema):
    """Only what is sent changes; the platform's cap (max_total_bp) is not the brand's to set."""

    class Meta:
        unknown = RAISE

    levels = fields.Integer(strict=True, validate=validate.Range(1, 3))
    level1_bp = fields.Integer(strict=True, **BP)
    level2_bp = fields.Integer(strict=True, **BP)
    level3_bp = fields.Integer(strict=True, **BP)
    guide_bp = fields.Integer(strict=True, **BP)
    store_bp = fields.Integer(strict=True, **BP)
    self_purchase = fields.Boolean()
    freeze_days = fields.Integer(strict=True, validate=validate.Range(0, 365))


class WhoOut(Schema):
    partner_id = fields.Integer(allow_none=True, required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)


class AttributionOut(Schema):
    sharer = fields.Nested(WhoOut, allow_none=True, required=True)
    sharer_chain = fields.List(fields.Nested(WhoOut), required=True,
                               metadata={"description": "level 1 (the sharer), then their uplines paid on the order"})
    guide = fields.Nested(WhoOut, allow_none=True, required=True)
    store = fields.Nested(WhoOut, allow_none=True, required=True)
    channel = fields.String(required=True)
    live_room_id = fields.Integer(allow_none=True, required=True)
    reason = fields.String(required=True)
    levels = fields.Integer(required=True)
    binding_mode = fields.String(required=True)
    ratios_bp = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                            metadata={"description": "the ratios in force when the order was placed, by role"})


class CommissionLineOut(Schema):
    line_id = Id(required=True)
    role = fields.String(required=True)
    beneficiary = fields.Nested(WhoOut, allow_none=True, required=True)
    ratio_bp = fields.Integer(required=True)
    amount_fen = fields.Integer(required=True)
    reversed_fen = fields.Integer(required=True)
    status = fields.String(required=True)
    generation = fields.Integer(required=True)


class BrandOrderOut(OrderOut):
    attribution = fields.Nested(AttributionOut, allow_none=True, required=True)
    commission = fields.List(fields.Nested(CommissionLineOut), required=True)


class OrdersQuery(Schema):
    page = fields.Integer(validate=validate.Range(1, 10_000), load_default=1)
    status = fields.String(validate=validate.OneOf(["pending_payment", "paid", "shipped", "completed", "cancelled",
                                                    "refunded"]), load_default=None)


class OrdersPageOut(Schema):
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    items = fields.List(fields.Nested(OrderOut), required=True)


class ReasonIn(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.String(load_default="", validate=validate.Length(max=200))


class ReportQuery(Schema):
    dimension = fields.String(load_default="day", validate=validate.OneOf(["day", "store", "guide", "sharer",
                                                                           "channel"]))
    first = fields.Date(required=True)
    last = fields.Date(required=True)


class ReportRowOut(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    orders = fields.Integer(required=True)
    gmv_fen = fields.Integer(required=True)
    commission_fen = fields.Integer(required=True)


class ReportOut(Schema):
    dimension = fields.String(required=True)
    first = fields.Date(required=True)
    last = fields.Date(required=True)
    rows = fields.List(fields.Nested(ReportRowOut), required=True)


class ExportQuery(Schema):
    cursor = Cursor()
    limit = Limit()


class OrderExportOut(PageOut):
    has_more = fields.Boolean(required=True)
    items = fields.List(fields.Nested(BrandOrderOut), required=True)


class BrandLedgerEntryOut(LedgerEntryOut):
    owner_kind = fields.String(required=True, metadata={"description": "partner | store | brand | platform"})
    owner_id = fields.Integer(required=True)


class LedgerExportOut(PageOut):
    has_more = fields.Boolean(required=True)
    items = fields.List(fields.Nested(BrandLedgerEntryOut), required=True)


class BrandWithdrawalOut(WithdrawalOut):
    partner_code = fields.String(required=True)
    payout_ref = fields.String(required=True)
    failure_reason = fields.String(required=True)


