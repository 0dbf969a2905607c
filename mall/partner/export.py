"""The orders tab as CSV: the same filter, one row per share, customers masked, amounts in yuan."""
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mall.csv_stream import batches, cell, csv_text
from mall.money import yuan
from mall.partner.labels import label, percent
from mall.partner.queries import OrderFilter, attributed_orders, order_cards

BATCH = 1000  # orders per round of share and attribution look-ups


def _header() -> list[str]:
    return [_("Order"), _("Date"), _("Customer"), _("Phone"), _("Product"), _("Variant"), _("Quantity"),
            _("Line total (yuan)"), _("Role"), _("Ratio"), _("Commission (yuan)"), _("Reversed (yuan)"),
            _("Status"), _("Why"), _("Channel"), _("Binding mode")]


def csv_lines(session: Session, partner_id: int, flt: OrderFilter, tz: tzinfo) -> Iterator[str]:
    """The CSV text, streamed from one query, so a long history never sits in memory."""
    return csv_text(_header(), _rows(session, partner_id, attributed_orders(partner_id, flt, tz), tz))


def _rows(session: Session, partner_id: int, query, tz: tzinfo) -> Iterator[list]:
    for orders in batches(session, query, BATCH):
        for card in order_cards(session, partner_id, orders):
            for line in card.lines:
                for share in line.shares:
                    yield [card.number, _local(card.created_at, tz), cell(card.customer_name), card.customer_phone,
                           cell(line.title), cell(line.sku_name), line.quantity, yuan(line.total_fen),
                           label(share.role, "role"), percent(share.ratio_bp), yuan(share.amount_fen),
                           yuan(share.reversed_fen), label(share.status, "share_status"),
                           label(card.reason, "reason"), label(card.channel, "channel"),
                           label(card.binding_mode, "binding_mode")]


def _local(moment: datetime, tz: tzinfo) -> str:
    return moment.replace(tzinfo=UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M")
