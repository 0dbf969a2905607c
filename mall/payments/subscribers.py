"""How payments follow orders: an approved refund queues the provider's refund (imported by create_app)."""
from mall.events import subscribe
from mall.orders.events import RefundApproved
from mall.orders.refunds import RefundFailed
from mall.outbox.queue import enqueue
from mall.payments import refunding  # noqa: F401  (registers the outbox handler of REFUND_TOPIC)
from mall.payments.service import REFUND_TOPIC, captured_payment


@subscribe(RefundApproved)
def queue_provider_refund(session, event: RefundApproved) -> None:
    payment = captured_payment(session, event.order_id)
    if payment is None:  # nothing was captured (paid by hand?): the approval fails and the request stays open
        raise RefundFailed()
    enqueue(session, REFUND_TOPIC, {"provider": payment.provider, "provider_ref": payment.provider_ref,
                                    "amount_fen": event.amount_fen, "refund_key": f"refund-{event.refund_id}",
                                    "refund_id": event.refund_id}, now=event.now)
