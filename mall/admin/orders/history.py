"""The order's history on the admin's order page: each status change with who made it and why, in words."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mall.orders.models import Order, OrderHistory

# The parties without an account that move orders (mall.orders.states callers), by their stored name.
ACTORS = {
    "buyer": _l("Buyer"),
    "admin": _l("Brand admin"),
    "system": _l("System"),
    "job:settle": _l("Settlement job"),
    "job:cancel-unpaid": _l("Unpaid-order job"),
    "job:demo": _l("Demo data"),
}
PAYMENT_ACTOR = _l("Payment provider")  # "payment:<provider>"

REASONS = {
    "placed": _l("Order placed"),
    "payment_confirmed": _l("Payment confirmed"),
    "shipped": _l("Shipped by the brand"),
    "received": _l("Marked as received"),
    "auto_complete": _l("Completed automatically"),
    "buyer_cancelled": _l("Cancelled by the buyer"),
    "cancelled": _l("Cancelled"),
    "unpaid_timeout": _l("Not paid in time"),
    "refunded_in_full": _l("Refunded in full"),
}


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    from_status: str | None
    to_status: str
    who: str
    why: str


def order_history(session, order: Order) -> list[HistoryRow]:
    rows = session.scalars(select(OrderHistory).where(OrderHistory.order_id == order.id)
                           .options(selectinload(OrderHistory.actor_user)).order_by(OrderHistory.id)).all()
    return [HistoryRow(at=row.created_at, from_status=row.from_status, to_status=row.to_status, who=_who(row),
                       why=str(REASONS.get(row.reason, row.reason))) for row in rows]


def _who(row: OrderHistory) -> str:
    party = PAYMENT_ACTOR if row.actor.startswith("payment") else ACTORS.get(row.actor, row.actor)
    if row.actor_user is not None:  # a person: their name, and in which capacity
        return f"{row.actor_user.name} ({party})"
    return str(party)
