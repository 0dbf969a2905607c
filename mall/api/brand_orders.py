"""A brand's orders as the API gives them: current state, attribution snapshot, every commission line; and
the incremental export, which follows the order history (one row per status change) so an order that
changes after it was exported comes again."""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from mall.admin.orders.commission import Who, order_commission
from mall.orders.models import Order, OrderHistory

LEVELS = ("level1", "level2", "level3")


def brand_order(session, order: Order) -> dict:
    """The order with its attribution (sharer chain, guide, store, channel, ratios) and commission lines."""
    commission = order_commission(session, order)
    rows = [(line_id, row) for line_id, line_rows in commission.shares.items() for row in line_rows]
    snapshot = commission.snapshot
    attribution = None
    if snapshot is not None:
        current = [row for _, row in rows if row.status not in ("void", "replaced")]
        chain = {row.role: row.who for row in current if row.role in LEVELS and row.who is not None}
        attribution = {"sharer": _who(snapshot.sharer), "guide": _who(snapshot.guide), "store": _who(snapshot.store),
                       "sharer_chain": [_who(chain[level]) for level in LEVELS if level in chain],
                       "channel": snapshot.channel, "live_room_id": None, "reason": snapshot.reason,
                       "levels": snapshot.levels, "binding_mode": snapshot.binding_mode,
                       "ratios_bp": {row.role: row.ratio_bp for row in current}}
    lines = [{"line_id": line_id, "role": row.role, "beneficiary": _who(row.who), "ratio_bp": row.ratio_bp,
              "amount_fen": row.amount_fen, "reversed_fen": row.reversed_fen, "status": row.status,
              "generation": row.generation} for line_id, row in rows]
    return {**_order_fields(order), "attribution": attribution, "commission": lines}


def changed_orders(session, *, brand_id: int, cursor: str | None, limit: int) -> tuple[list[Order], str | None, bool]:
    """Orders with a history row after the cursor, in the order of their latest change; the new cursor."""
    after = int(cursor) if cursor else 0
    latest = func.max(OrderHistory.id).label("latest")
    rows = session.execute(select(OrderHistory.order_id, latest).join(Order, Order.id == OrderHistory.order_id)
                           .where(Order.brand_id == brand_id, OrderHistory.id > after)
                           .group_by(OrderHistory.order_id).order_by(latest).limit(limit + 1)).all()
    page = rows[:limit]
    orders = {o.id: o for o in session.scalars(select(Order).where(Order.id.in_([r[0] for r in page]))
                                               .options(selectinload(Order.lines), selectinload(Order.refunds)))}
    next_cursor = str(page[-1][1]) if page else (cursor or None)
    return [orders[r[0]] for r in page], next_cursor, len(rows) > limit


def _order_fields(order: Order) -> dict:
    return {name: getattr(order, name) for name in ("number", "status", "delivery", "total_fen", "refunded_fen",
                                                    "created_at", "paid_at", "completed_at", "lines", "refunds")}


def _who(who: Who | None) -> dict | None:
    return None if who is None else {"partner_id": who.partner_id, "code": who.code, "name": who.name}
