"""How commission follows orders: subscribers of the order events, registered when this module is imported.

Each runs in the transaction of the order's change, so the commission moves exactly when the order does;
an exception here (the books refusing a posting) fails that change as a whole. The accrual at payment is in
mall.commission.payment_subscribers, registered after the other domains' payment subscribers.
"""
from mall.commission.accrual import void_order
from mall.commission.plan import plan_order
from mall.commission.reversal import reverse_refund
from mall.commission.settings import settings_for
from mall.events import subscribe
from mall.orders.events import OrderCancelled, OrderPlaced, RefundCompleted
from mall.orders.models import Order
from mall.referral.service import credit_for_checkout


@subscribe(OrderPlaced)
def plan_placed_order(session, event: OrderPlaced) -> None:
    # Attribution is fixed now, with the order: later bindings or ratio changes never rewrite it.
    commission = settings_for(session, event.brand_id)
    credit = credit_for_checkout(session, brand_id=event.brand_id, buyer_user_id=event.buyer_user_id,
                                 visitor_key=event.visitor_key, levels=commission.levels,
                                 self_purchase=commission.self_purchase, now=event.now,
                                 live_room_id=event.live_room_id)
    plan_order(session, session.get(Order, event.order_id), credit, now=event.now)


@subscribe(OrderCancelled)
def void_cancelled_order(session, event: OrderCancelled) -> None:
    void_order(session, event.order_id, now=event.now)


@subscribe(RefundCompleted)
def reverse_completed_refund(session, event: RefundCompleted) -> None:
    reverse_refund(session, event.refund_id, now=event.now)  # the same fraction of every share
