"""Keeping the roll-up current: an order's fact is computed again from the order, its attribution and its
shares, and only the difference to what it contributed before is added to the roll-up rows.

Cells are bumped with INSERT .. ON CONFLICT DO UPDATE (both databases), so concurrent payments of one brand
never lose an increment; the order's fact row is locked while its difference is applied."""
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mall.clock import china_day
from mall.commission.models import CommissionShare, OrderAttribution
from mall.database import held
from mall.orders.models import Order
from mall.reporting.models import NO_ID, DailySales, OrderSalesFact

COUNTED_SHARES = ("pending", "available")  # accrued and not taken back; planned, void and replaced never count
DIRECT = "direct"  # the channel of orders without an attribution
ID_DIMENSIONS = ("store", "guide", "sharer", "live_room")
FIGURES = ("gmv_fen", "commission_fen")


def refresh_order(session: Session, order_id: int) -> None:
    """Bring the roll-up in line with the order as it stands now (idempotent)."""
    new = _current_fact(session, order_id)
    old = session.get(OrderSalesFact, order_id, with_for_update=True)
    if old is not None and new is not None and _same(old, new):
        return
    if old is not None:
        _bump(session, old, -1)
        session.delete(old)
        session.flush()
    if new is not None:
        _bump(session, new, +1)
        session.add(new)
        session.flush()


def _current_fact(session: Session, order_id: int) -> OrderSalesFact | None:
    # Held: a payment refreshes the order twice (after its accrual and after the payment itself).
    order = held(session, Order, order_id)
    if order is None or order.paid_at is None:
        return None
    attribution = held(session, OrderAttribution, order_id)
    commission = session.scalar(select(func.coalesce(func.sum(CommissionShare.amount_fen
                                                              - CommissionShare.reversed_fen), 0))
                                .where(CommissionShare.order_id == order_id,
                                       CommissionShare.status.in_(COUNTED_SHARES)))

    def key(name: str) -> int:
        value = getattr(attribution, name) if attribution else None
        return value if value is not None else NO_ID

    return OrderSalesFact(order_id=order.id, brand_id=order.brand_id, day=china_day(order.paid_at),
                          store_id=key("store_id"), guide_id=key("guide_id"), sharer_id=key("sharer_id"),
                          live_room_id=key("live_room_id"),
                          channel=(attribution.channel if attribution and attribution.channel else DIRECT),
                          gmv_fen=order.total_fen - order.refunded_fen, commission_fen=int(commission))


def _same(a: OrderSalesFact, b: OrderSalesFact) -> bool:
    fields = ("brand_id", "day", "store_id", "guide_id", "sharer_id", "channel", "live_room_id", *FIGURES)
    return all(getattr(a, f) == getattr(b, f) for f in fields)


def cells(fact: OrderSalesFact) -> list[tuple[str, int, str]]:
    """(dimension, key_id, key_text) of every roll-up row an order counts in."""
    return [("day", NO_ID, ""), ("channel", NO_ID, fact.channel),
            *((name, getattr(fact, f"{name}_id"), "") for name in ID_DIMENSIONS)]


def _bump(session: Session, fact: OrderSalesFact, sign: int) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    rows = [dict(brand_id=fact.brand_id, day=fact.day, dimension=dimension, key_id=key_id, key_text=key_text,
                 orders=sign, gmv_fen=sign * fact.gmv_fen, commission_fen=sign * fact.commission_fen)
            for dimension, key_id, key_text in cells(fact)]
    statement = insert(DailySales).values(rows)
    session.execute(statement.on_conflict_do_update(
        index_elements=["brand_id", "day", "dimension", "key_id", "key_text"],
        set_={name: getattr(DailySales, name) + getattr(statement.excluded, name)
              for name in ("orders", *FIGURES)}))
