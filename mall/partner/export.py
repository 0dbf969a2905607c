"""The orders tab as CSV: the same filter, one row per share, customers masked, amounts in yuan."""
import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mall.money import yuan
from mall.partner.labels import label, percent
from mall.partner.queries import OrderFilter, attributed_orders, order_cards

BATCH = 200
# Excel opens a UTF-8 file as the local code page unless it starts with a byte order mark.
BOM = "\ufeff"


def _header() -> list[str]:
    return [_("Order"), _("Date"), _("Customer"), _("Phone"), _("Product"), _("Variant"), _("Quantity"),
            _("Line total (yuan)"), _("Role"), _("Ratio"), _("Commission (yuan)"), _("Reversed (yuan)"),
            _("Status"), _("Why"), _("Channel"), _("Binding mode")]


def _cell(text: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: product titles and names are not ours to trust.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_lines(session: Session, partner_id: int, flt: OrderFilter, tz: tzinfo) -> Iterator[str]:
    """The CSV text, a batch of orders at a time, so a long history never sits in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(_header())
    yield BOM + flush()
    query = attributed_orders(partner_id, flt, tz)
    offset = 0
    while True:
        orders = list(session.scalars(query.limit(BATCH).offset(offset)))
        for card in order_cards(session, partner_id, orders):
            for line in card.lines:
                for share in line.shares:
                    writer.writerow([
                        card.number, _local(card.created_at, tz), _cell(card.customer_name), card.customer_phone,
                        _cell(line.title), _cell(line.sku_name), line.quantity, yuan(line.total_fen),
                        label(share.role, "role"), percent(share.ratio_bp), yuan(share.amount_fen),
                        yuan(share.reversed_fen), label(share.status, "share_status"),
                        label(card.reason, "reason"), label(card.channel, "channel"),
                        label(card.binding_mode, "binding_mode")])
        yield flush()
        if len(orders) < BATCH:
            return
        offset += BATCH


def _local(moment: datetime, tz: tzinfo) -> str:
    return moment.replace(tzinfo=UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M")
