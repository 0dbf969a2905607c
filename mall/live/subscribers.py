"""The room's counts follow its orders: subscribers of the order events, in the transaction of each change.

Registered after commission's (mall.subscribers), so an order's attribution exists when it is placed here:
the inviter and store a room counts an order for are the sharer and store the order is credited to.
"""
from sqlalchemy import select, update

from mall.commission.models import OrderAttribution
from mall.events import subscribe
from mall.live.models import LiveOrder
from mall.orders.events import OrderCancelled, OrderPaid, OrderPlaced, RefundCompleted
from mall.orders.models import Order


@subscribe(OrderPlaced)
def count_room_order(session, event: OrderPlaced) -> None:
    if event.live_room_id is None:
        return
    order = session.get(Order, event.order_id)
    attribution = session.get(OrderAttribution, event.order_id)
    session.add(LiveOrder(order_id=order.id, room_id=event.live_room_id,
                          inviter_id=attribution.sharer_id if attribution else None,
                          store_id=attribution.store_id if attribution else None,
                          total_fen=order.total_fen, refunded_fen=0, placed_at=event.now))
    session.flush()


@subscribe(OrderPaid)
def count_room_payment(session, event: OrderPaid) -> None:
    session.execute(update(LiveOrder).where(LiveOrder.order_id == event.order_id, LiveOrder.paid_at.is_(None))
                    .values(paid_at=event.now).execution_options(synchronize_session=False))


@subscribe(OrderCancelled)
def count_room_cancellation(session, event: OrderCancelled) -> None:
    session.execute(update(LiveOrder).where(LiveOrder.order_id == event.order_id)
                    .values(cancelled_at=event.now).execution_options(synchronize_session=False))


@subscribe(RefundCompleted)
def count_room_refund(session, event: RefundCompleted) -> None:
    # The order's own refunded total, already booked: replaying the event cannot count a refund twice.
    refunded = session.scalar(select(Order.refunded_fen).where(Order.id == event.order_id))
    session.execute(update(LiveOrder).where(LiveOrder.order_id == event.order_id)
                    .values(refunded_fen=refunded).execution_options(synchronize_session=False))
