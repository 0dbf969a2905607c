"""The order page's read side: what the buyer may do next and what happened to their money."""
from datetime import datetime

from sqlalchemy.orm import Session

from mall.orders.models import Order, OrderStatus
from mall.orders.refunds import REFUNDABLE_STATUSES, refundable_by_line
from mall.payments.service import latest_payment, payment_being_confirmed


def order_page_context(session: Session, order: Order, *, back_from_payment: bool, now: datetime) -> dict:
    """Everything templates/orders/show.html needs except the refund form."""
    pending = order.status == OrderStatus.PENDING_PAYMENT
    payment = latest_payment(session, order.id) if pending else None
    # The provider holds the buyer's money but its callback has not reached us (in flight, or waiting
    # for a retry after a crash): the order is as good as paid, so never invite the buyer to pay again.
    confirming = pending and payment_being_confirmed(session, order.id)
    refundable = refundable_by_line(session, order, lines=order.lines) if order.status in REFUNDABLE_STATUSES else {}
    # The buyer is back from the provider, or has paid, but the order is not paid yet: the page polls.
    # A payment that already "succeeded" counts too: the callback may have committed between our reads.
    waiting = confirming or (pending and back_from_payment and payment is not None and payment.status != "failed")
    return {
        "order": order,
        "lines": order.lines,
        "refunds": order.refunds,
        "confirming": confirming,
        "waiting": waiting,
        "payment_failed": pending and not confirming and payment is not None and payment.status == "failed",
        # While we wait for the provider there is only the state: a pay button beside "waiting for
        # confirmation" invites a second charge. Opening the link without ?paying=1 offers it again.
        "can_pay": pending and not waiting,
        "can_cancel": pending and not confirming,
        "refundable": refundable,
        "can_refund": any(fen > 0 for fen in refundable.values()),
    }
