"""How journeys hear what happened: bindings and touches (referral), orders and refunds (orders).

Each subscriber runs in the publisher's transaction (mall.events), so a state, a tag or a credited order
commits with the touch, binding or payment that caused it, or not at all. Only known users become journey
customers (mall.journeys.models); a guest's order still credits its step through the browser's visit.
A live room's visit is a touch on the "live" channel (mall.live.viewers.invited); its booking (预约) is RoomBooked.
"""
from mall.events import subscribe
from mall.journeys import attribution, states
from mall.journeys.customers import UNCHANGED, customer_of, locked_customer, record
from mall.journeys.tag_rules import Happened
from mall.journeys.tags import apply_rules
from mall.live.events import RoomBooked
from mall.orders.events import OrderPaid, OrderPlaced, OrderRefunded, RefundCompleted
from mall.orders.queries import order_products
from mall.referral.bindings import GUIDE, open_bindings_of_user
from mall.referral.events import CustomerBound, TouchRecorded, VisitorClaimed


@subscribe(CustomerBound)
def on_bound(session, event: CustomerBound) -> None:
    if event.user_id is None:
        return  # a browser only: counted once it is claimed (on_claimed)
    record(session, brand_id=event.brand_id, user_id=event.user_id, kind=states.BOUND, now=event.now,
           cause_ref=f"binding:{event.binding_id}", guide_id=event.partner_id if event.kind == GUIDE else UNCHANGED)


@subscribe(VisitorClaimed)
def on_claimed(session, event: VisitorClaimed) -> None:
    for binding in open_bindings_of_user(session, event.user_id):
        record(session, brand_id=binding.brand_id, user_id=event.user_id, kind=states.BOUND, now=event.now,
               cause_ref=f"binding:{binding.id}",
               guide_id=binding.partner_id if binding.kind == GUIDE else UNCHANGED)


@subscribe(TouchRecorded)
def on_touch(session, event: TouchRecorded) -> None:
    if event.ref:
        attribution.record_step_touch(session, touch_id=event.touch_id, brand_id=event.brand_id, ref=event.ref,
                                      user_id=event.user_id, visitor_key=event.visitor_key, now=event.now)
    if event.user_id is None:
        return
    customer = record(session, brand_id=event.brand_id, user_id=event.user_id, kind=states.VISIT, now=event.now,
                      cause_ref=f"touch:{event.touch_id}")
    apply_rules(session, customer, Happened(channel=event.channel, target=event.target),
                cause=f"touch:{event.touch_id}", now=event.now)


@subscribe(RoomBooked)
def on_booked(session, event: RoomBooked) -> None:
    if event.user_id is None:
        return  # a guest's booking: their browser's touches and bindings become theirs at log-in
    record(session, brand_id=event.brand_id, user_id=event.user_id, kind=states.BOOKED, now=event.now,
           cause_ref=f"live:{event.room_id}")


@subscribe(OrderPlaced)
def on_placed(session, event: OrderPlaced) -> None:
    attribution.credit_order(session, order_id=event.order_id, brand_id=event.brand_id,
                             user_id=event.buyer_user_id, visitor_key=event.visitor_key, now=event.now)


@subscribe(OrderPaid)
def on_paid(session, event: OrderPaid) -> None:
    user_id, kept_fen, codes = order_products(session, event.order_id)
    attribution.order_paid(session, order_id=event.order_id, kept_fen=kept_fen)
    if user_id is None:
        return
    customer = record(session, brand_id=event.brand_id, user_id=user_id, kind=states.ORDER_PAID, now=event.now,
                      cause_ref=f"order:{event.order_id}", spent_delta_fen=kept_fen)
    apply_rules(session, customer, Happened(spent_fen=customer.spent_fen, product_codes=codes),
                cause=f"order:{event.order_id}", now=event.now)


@subscribe(RefundCompleted)
def on_refund(session, event: RefundCompleted) -> None:
    attribution.order_refunded(session, order_id=event.order_id, amount_fen=event.amount_fen)
    user_id, _kept, _codes = order_products(session, event.order_id)
    if user_id is None or customer_of(session, event.brand_id, user_id) is None:
        return
    customer, _created = locked_customer(session, event.brand_id, user_id, now=event.now)
    customer.spent_fen = max(customer.spent_fen - event.amount_fen, 0)
    apply_rules(session, customer, Happened(spent_fen=customer.spent_fen), cause=f"refund:{event.refund_id}",
                now=event.now)


@subscribe(OrderRefunded)
def on_fully_refunded(session, event: OrderRefunded) -> None:
    user_id, _kept, _codes = order_products(session, event.order_id)
    if user_id is None or customer_of(session, event.brand_id, user_id) is None:
        return
    record(session, brand_id=event.brand_id, user_id=user_id, kind=states.REFUNDED, now=event.now,
           cause_ref=f"order:{event.order_id}")
