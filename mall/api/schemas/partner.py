"""Partner schemas: memberships, share links, balances, ledger, orders with shares, team, withdrawals."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from mall.api.fields import Cursor, Fen, Id, Limit, UtcDateTime
from mall.api.schemas.common import PageOut
from mall.partner.pages import parse_cursor


class MembershipOut(Schema):
    brand = fields.String(required=True, metadata={"description": "the brand's slug, used in partner paths"})
    brand_name = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "the referral code"})
    status = fields.String(required=True)
    joined_at = UtcDateTime(required=True)


class ShareLinkOut(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    url = fields.String(required=True)
    qr_url = fields.String(required=True, metadata={"description": "a PNG QR code of the link"})
    poster_url = fields.String(allow_none=True, required=True,
                               metadata={"description": "the partner's share poster (PNG, 750 px wide) for a "
                                                        "product link, fetched with the same token; null otherwise"})


class ProfileOut(MembershipOut):
    inviter_code = fields.String(allow_none=True, required=True)
    links = fields.List(fields.Nested(ShareLinkOut), required=True)


class ProductLinksQuery(Schema):
    product_code = fields.String(validate=validate.Length(1, 12), load_default=None)


class BalancesOut(Schema):
    pending = fields.Integer(required=True)
    available = fields.Integer(required=True)
    withdrawing = fields.Integer(required=True)
    withdrawn = fields.Integer(required=True)
    debt = fields.Integer(required=True, metadata={"description": "<= 0: owed to the brand after refunds"})
    reversed = fields.Integer(required=True)


class CursorQuery(Schema):
    cursor = Cursor()
    limit = Limit()


class LedgerEntryOut(Schema):
    id = Id(required=True)
    account = fields.String(required=True, metadata={"description": "pending | available | withdrawing | …"})
    amount_fen = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "accrual | settlement | reversal | withdrawal | …"})
    order_number = fields.String(allow_none=True, required=True)
    withdrawal_id = fields.Integer(allow_none=True, required=True)
    created_at = UtcDateTime(required=True)


class LedgerPageOut(PageOut):
    has_more = fields.Boolean(required=True)
    items = fields.List(fields.Nested(LedgerEntryOut), required=True)


class ShareOut(Schema):
    role = fields.String(required=True)
    ratio_bp = fields.Integer(required=True)
    amount_fen = fields.Integer(required=True)
    reversed_fen = fields.Integer(required=True)
    status = fields.String(required=True)


class AttributedLineOut(Schema):
    title = fields.String(required=True)
    sku_name = fields.String(required=True)
    quantity = fields.Integer(required=True)
    total_fen = fields.Integer(required=True)
    refunded_fen = fields.Integer(required=True)
    shares = fields.List(fields.Nested(ShareOut), required=True)


class AttributedOrderOut(Schema):
    number = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    status = fields.String(required=True)
    total_fen = fields.Integer(required=True)
    customer_name = fields.String(required=True, metadata={"description": "masked (PIPL)"})
    customer_phone = fields.String(required=True, metadata={"description": "masked (PIPL)"})
    channel = fields.String(required=True)
    reason = fields.String(required=True)
    commission_fen = fields.Integer(required=True)
    lines = fields.List(fields.Nested(AttributedLineOut), required=True)


class PageQuery(Schema):
    page = fields.Integer(validate=validate.Range(1, 10_000), load_default=1)


def _order_cursor(text: str) -> None:
    if parse_cursor(text) is None:
        raise ValidationError("Not a cursor this API gave out.")


class OrderCursorQuery(Schema):
    after = fields.String(validate=_order_cursor, load_default=None, metadata={
        "description": "`next` of the previous page (older orders follow); omit for the newest orders"})


class AttributedOrdersOut(Schema):
    """One page of orders, newest first, by keyset: any page costs what the first costs."""

    items = fields.List(fields.Nested(AttributedOrderOut), required=True)
    next = fields.String(allow_none=True, required=True, metadata={
        "description": "pass as `after` for the next, older page; null on the last page"})


class MemberOut(Schema):
    level = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "masked"})
    joined_at = UtcDateTime(required=True)
    status = fields.String(required=True)
    sales_fen = fields.Integer(required=True)
    orders = fields.Integer(required=True)
    purchases = fields.Integer(required=True)


class WithdrawalIn(Schema):
    class Meta:
        unknown = RAISE

    amount_fen = Fen(minimum=1, required=True)


class WithdrawalOut(Schema):
    id = Id(required=True)
    status = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    fee_fen = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    decided_at = UtcDateTime(allow_none=True, required=True)
    paid_at = UtcDateTime(allow_none=True, required=True)
    reject_reason = fields.String(required=True)
