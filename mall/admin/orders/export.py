"""The admin's orders as CSV, for shipping and customer service: the list's filters, one row per order.

Columns holding personal data say so in their own header cell ("Mobile number (personal data)"). A comment
row above the header would break spreadsheets' and import tools' "first row is the header"; a marked header
keeps the file an ordinary CSV and the warning travels with the column when it is copied elsewhere. The
export is logged (mall.admin.personal_data) before a byte is sent.
"""
from collections.abc import Iterator
from datetime import UTC, tzinfo

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from mall.csv_stream import batches, cell, csv_text
from mall.money import yuan
from mall.orders.models import Order
from mall.templating import STATUS_LABELS

PERSONAL_FIELDS = ("name", "phone", "address")
BATCH = 500


def header() -> list[str]:
    marker = _("(personal data)")
    return [_("Order"), _("Placed"), _("Status"), _("Total (yuan)"), _("Items"), f"{_('Name')} {marker}",
            f"{_('Mobile number')} {marker}", f"{_('Address')} {marker}", _("Pickup store")]


def customers_of(session: Session, query: Select) -> dict[str, list]:
    """Everyone the export will show (accounts, and guest orders by number), read before it starts streaming."""
    found = query.order_by(None).subquery()
    users, guests = set(), []
    for user_id, number in session.execute(select(found.c.user_id, found.c.number)):
        if user_id is None:
            guests.append(number)
        else:
            users.add(user_id)
    return {"users": sorted(users), "guest_orders": guests}


def csv_lines(session: Session, query: Select, tz: tzinfo) -> Iterator[str]:
    """The CSV text, streamed from one query, so a long history never sits in memory."""
    return csv_text(header(), _rows(session, query.options(selectinload(Order.lines), joinedload(Order.pickup_store)), tz))


def _rows(session: Session, query: Select, tz: tzinfo) -> Iterator[list]:
    for orders in batches(session, query, BATCH):
        for order in orders:
            items = "; ".join(f"{line.title} · {line.sku_name} ×{line.quantity}" for line in order.lines)
            placed = order.created_at.replace(tzinfo=UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M")
            yield [order.number, placed, str(STATUS_LABELS.get(order.status, order.status)),
                   yuan(order.total_fen), cell(items), cell(order.contact_name),
                   cell(order.contact_phone), cell(order.address if order.delivery == "ship" else ""),
                   cell(order.pickup_store.name if order.pickup_store else "")]
