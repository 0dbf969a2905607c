"""The order page's read side: what the buyer may do next and what happened to their money."""
from datetime import datetime

from sqlalchemy.orm import Session

from mall.orders.models import Order, OrderStatus
from mall.orders.refunds import REFUNDABLE_STATUSES, refundable_by_line
from mall.payments.service import latest_payment


def order_page_context(session: Session, order: Order, *, back_from_payment: bool, now: datetime) -> dict:
    """Everything templates/orders/show.html needs except the refund form."""
    pending = order.status == OrderStatus.PENDING_PAYMENT
    payment = latest_payment(session, order.id) if pending else None
    refundable = refundable_by_line(session, order) if order.status in REFUNDABLE_STATUSES else {}
    return {
        "order": order,
        "lines": order.lines,
        "refunds": order.refunds,
        # The buyer is back from the provider but the order is not paid yet: the page polls. A payment
        # that already "succeeded" counts too: the callback may have committed between our two reads.
        "waiting": pending and back_from_payment and payment is not None and payment.status != "failed",
        "payment_failed": pending and payment is not None and payment.status == "failed",
        "can_pay": pending,
        "can_cancel": pending,
        "refundable": refundable,
        "can_refund": any(fen > 0 for fen in refundable.values()),
    }
