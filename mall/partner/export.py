"""The orders tab as CSV: the same filter, one row per share, customers masked, amounts in yuan.

One streaming query of exactly the columns the file needs, already joined and in file order (newest order
first, walked along ix_commission_shares_partner_time), read in batches; per row only tuple building:
what repeats (labels, ratios, an order's date and masked customer) is worked out once, not per row.
"""
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo

from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy.orm import Session

from mall.commission.models import CommissionShare, OrderAttribution
from mall.csv_stream import cell, csv_text, row_batches
from mall.money import yuan_text
from mall.orders.models import Order, OrderLine
from mall.partner.labels import TABLES, label, percent
from mall.partner.order_cards import SHARE_FILTERS, OrderFilter, matching_shares
from mall.privacy import mask_name, mask_phone

BATCH = 2000  # rows per fetch from the server-side cursor


def _header() -> list[str]:
    return [_("Order"), _("Date"), _("Customer"), _("Phone"), _("Product"), _("Variant"), _("Quantity"),
            _("Line total (yuan)"), _("Role"), _("Ratio"), _("Commission (yuan)"), _("Reversed (yuan)"),
            _("Status"), _("Why"), _("Channel"), _("Binding mode")]


def export_query(partner_id: int, flt: OrderFilter, tz: tzinfo) -> Select:
    """Every share of the partner in the orders the filter picks (an order is picked by any matching share of
    theirs, as on the list), with its order, line and attribution, in file order."""
    query = (matching_shares(partner_id, OrderFilter(first=flt.first, last=flt.last), tz,
                             Order.id, Order.number, CommissionShare.order_created_at, Order.contact_name,
                             Order.contact_phone, OrderLine.title, OrderLine.sku_name, OrderLine.quantity,
                             OrderLine.total_fen, CommissionShare.role, CommissionShare.ratio_bp,
                             CommissionShare.amount_fen, CommissionShare.reversed_fen, CommissionShare.status,
                             OrderAttribution.reason, OrderAttribution.channel, OrderAttribution.binding_mode)
             .join(Order, Order.id == CommissionShare.order_id)
             .join(OrderLine, OrderLine.id == CommissionShare.line_id)
             .outerjoin(OrderAttribution, OrderAttribution.order_id == CommissionShare.order_id))
    if flt.status in SHARE_FILTERS:
        query = query.where(CommissionShare.order_id.in_(matching_shares(partner_id, flt, tz, CommissionShare.order_id)))
    return query.order_by(CommissionShare.order_created_at.desc(), CommissionShare.order_id.desc(),
                          CommissionShare.line_id, CommissionShare.id)


def csv_lines(session: Session, partner_id: int, flt: OrderFilter, tz: tzinfo) -> Iterator[str]:
    """The CSV text, streamed from one query, so a long history never sits in memory."""
    return csv_text(_header(), _rows(session, export_query(partner_id, flt, tz), tz))


class _Words(dict):
    """A label table's words, translated once per export (an unknown code shows as it is)."""

    def __init__(self, table: str):
        super().__init__()
        self.table = table

    def __missing__(self, code):
        self[code] = word = label(code, self.table)
        return word


class _Percents(dict):
    def __missing__(self, bp):
        self[bp] = text = percent(bp)
        return text


def _rows(session: Session, query: Select, tz: tzinfo) -> Iterator[tuple]:
    words = {table: _Words(table) for table in TABLES}
    roles, statuses, reasons = words["role"], words["share_status"], words["reason"]
    channels, modes, percents = words["channel"], words["binding_mode"], _Percents()
    current, head = None, ()
    for batch in row_batches(session, query, BATCH):
        for (order_id, number, created_at, name, phone, title, sku_name, quantity, line_fen, role, ratio_bp,
             amount_fen, reversed_fen, status, reason, channel, binding_mode) in batch:
            if order_id != current:  # an order's shares arrive together: its date and customer once
                current, head = order_id, (number, _local(created_at, tz), cell(mask_name(name)), mask_phone(phone))
            yield (*head, cell(title), cell(sku_name), quantity, yuan_text(line_fen), roles[role],
                   percents[ratio_bp], yuan_text(amount_fen), yuan_text(reversed_fen), statuses[status],
                   reasons[reason], channels[channel], modes[binding_mode])


def _local(moment: datetime, tz: tzinfo) -> str:
    return moment.replace(tzinfo=UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M")
