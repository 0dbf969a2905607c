"""Content statistics follow orders: a paid order whose credited touch came through an item's link counts for
that item (and the partner credited), and refunds take back from its GMV. In the order's own transaction."""
from sqlalchemy import case, exists, select, update

from mall.commission.models import OrderAttribution
from mall.content.models import ContentItem, ContentOrder
from mall.events import subscribe
from mall.orders.events import OrderPaid, RefundCompleted
from mall.orders.models import Order
from mall.referral.models import Touch


@subscribe(OrderPaid)
def count_paid_order(session, event: OrderPaid) -> None:
    # One query: the item whose link brought the credited touch, unless this order already counts (a replay).
    found = session.execute(
        select(Touch.content_item_id, OrderAttribution.sharer_id)
        .join(Touch, Touch.id == OrderAttribution.touch_id)
        .join(ContentItem, ContentItem.id == Touch.content_item_id)
        .where(OrderAttribution.order_id == event.order_id, ContentItem.brand_id == event.brand_id,
               ~exists().where(ContentOrder.order_id == event.order_id))).first()
    if found is None:
        return
    item_id, sharer_id = found
    order = session.get(Order, event.order_id)
    session.add(ContentOrder(order_id=order.id, item_id=item_id, partner_id=sharer_id,
                             gmv_fen=order.total_fen, refunded_fen=0, paid_at=order.paid_at or event.now))
    session.flush()


@subscribe(RefundCompleted)
def take_back_refund(session, event: RefundCompleted) -> None:
    # One conditional UPDATE: two refunds completing at once both subtract, and never past the GMV.
    new = ContentOrder.refunded_fen + event.amount_fen
    session.execute(update(ContentOrder).where(ContentOrder.order_id == event.order_id)
                    .values(refunded_fen=case((new > ContentOrder.gmv_fen, ContentOrder.gmv_fen), else_=new)))
