"""The roll-up rebuilt from the orders in two INSERT .. SELECT statements per table: for data loaded in bulk
(bench/dataset.py) that no subscriber saw. The migration 17b0speed02 runs its own frozen copy of this SQL."""
from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from mall.reporting.models import DailySales, OrderSalesFact

# As mall.reporting.rollup counts an order: the China day (UTC+8) of payment, net of refunds, accrued shares.
FACTS = """
INSERT INTO report_order_facts (order_id, brand_id, day, store_id, guide_id, sharer_id, channel, live_room_id,
                                gmv_fen, commission_fen)
SELECT o.id, o.brand_id, {day}, COALESCE(a.store_id, 0), COALESCE(a.guide_id, 0), COALESCE(a.sharer_id, 0),
       COALESCE(a.channel, 'direct'), COALESCE(a.live_room_id, 0), o.total_fen - o.refunded_fen,
       COALESCE((SELECT SUM(s.amount_fen - s.reversed_fen) FROM commission_shares s
                 WHERE s.order_id = o.id AND s.status IN ('pending', 'available')), 0)
FROM orders o LEFT JOIN order_attributions a ON a.order_id = o.id
WHERE o.paid_at IS NOT NULL
"""
CELLS = """
INSERT INTO report_daily_sales (brand_id, day, dimension, key_id, key_text, orders, gmv_fen, commission_fen)
SELECT brand_id, day, '{dimension}', {key_id}, {key_text}, COUNT(*), SUM(gmv_fen), SUM(commission_fen)
FROM report_order_facts GROUP BY brand_id, day{group}
"""
DIMENSIONS = {"day": ("0", "''"), "channel": ("0", "channel"), "store": ("store_id", "''"),
              "guide": ("guide_id", "''"), "sharer": ("sharer_id", "''"), "live_room": ("live_room_id", "''")}


def statements(dialect: str) -> list[str]:
    day = "date(o.paid_at, '+28800 seconds')" if dialect == "sqlite" else "CAST(o.paid_at + INTERVAL '8 hours' AS DATE)"
    found = [FACTS.format(day=day)]
    for dimension, (key_id, key_text) in DIMENSIONS.items():
        group = "".join(f", {column}" for column in (key_id, key_text) if column[0].isalpha())  # no constants
        found.append(CELLS.format(dimension=dimension, key_id=key_id, key_text=key_text, group=group))
    return found


def rebuild(session: Session) -> None:
    """Replace the whole roll-up by what the orders say now (the caller commits)."""
    session.execute(delete(DailySales))
    session.execute(delete(OrderSalesFact))
    for statement in statements(session.get_bind().dialect.name):
        session.execute(text(statement))
