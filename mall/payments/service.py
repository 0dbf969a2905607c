"""The mall's side of payments: start one, believe a callback only once, refund through the provider.

Flask-free: the provider is looked up by name, time and session are passed in. Nothing here commits; the
money that must go back for an unusable payment is refunded through the outbox (mall.payments.refunding),
after the callback's transaction has committed.
"""
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from mall.domain import DomainError
from mall.events import Actor
from mall.orders.models import Order, OrderStatus
from mall.orders.states import AmountMismatch, mark_paid
from mall.outbox.queue import enqueue
from mall.payments.models import Payment, PaymentCallback
from mall.payments.provider import CallbackEvent, get_provider, provider_available

REFUND_TOPIC = "payment.refund"  # delivered by mall.payments.refunding

log = logging.getLogger(__name__)


class PaymentError(DomainError):
    message = _l("This order cannot be paid now.")


class OrderNotPayable(PaymentError):
    message = _l("This order is no longer awaiting payment.")


class NothingToRefund(PaymentError):
    message = _l("There is no completed payment to refund for this order.")


class PaymentsUnavailable(PaymentError):
    message = _l("Online payment is not available at the moment. Please try again later.")


class PaymentBeingConfirmed(PaymentError):
    message = _l("Your payment was received and is being confirmed. There is no need to pay again.")


def begin_payment(session, order: Order, *, return_url: str, notify_url: str, provider_name: str = "mock") -> str:
    """Open a charge at the provider for the order's total and return where to send the buyer.

    Raises OrderNotPayable, PaymentsUnavailable (no such provider configured) and PaymentBeingConfirmed
    (the buyer already paid an earlier charge: a second one would take the money twice).
    """
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise OrderNotPayable()
    if not provider_available(provider_name):
        raise PaymentsUnavailable()
    if payment_being_confirmed(session, order.id):
        raise PaymentBeingConfirmed()
    provider = get_provider(provider_name)
    description = " / ".join(f"{line.title} ({line.sku_name}) x{line.quantity}" for line in order.lines)
    # The buyer pays the brand, and the provider's page says so (as WeChat Pay names the merchant).
    started = provider.start_payment(session, merchant_ref=order.number, amount_fen=order.total_fen,
                                     description=description, return_url=return_url, notify_url=notify_url,
                                     merchant_name=order.brand.name)
    session.add(Payment(order_id=order.id, provider=provider_name, provider_ref=started.provider_ref,
                        amount_fen=order.total_fen, status="created"))
    session.flush()
    return started.redirect_url


def order_to_pay(session, order: Order) -> Order:
    """The order as it stands, with what begin_payment reads of it (lines, brand) in one query: after the
    checkout's commit expired it, the order, its lines and its brand would each be read again on their own."""
    order_id = inspect(order).identity[0]
    return session.scalars(select(Order).where(Order.id == order_id)
                           .options(joinedload(Order.lines), joinedload(Order.brand))).unique().one()


def latest_payment(session, order_id: int) -> Payment | None:
    """The order's most recent payment attempt (the order page shows 'waiting for confirmation' from it)."""
    return session.scalars(select(Payment).where(Payment.order_id == order_id)
                           .order_by(Payment.id.desc()).limit(1)).first()


def payment_being_confirmed(session, order_id: int) -> bool:
    """The buyer has paid but the mall has not recorded it yet: its callback is still on the way.

    True when one of the order's charges has succeeded at the provider (or on our side, a moment before
    the order itself is marked paid). A charge that failed may be retried and succeed, so it is asked too.
    """
    payments = session.scalars(select(Payment).where(Payment.order_id == order_id,
                                                     Payment.status.in_(("created", "failed", "succeeded")))).all()
    for payment in payments:
        if payment.status == "succeeded":
            return True
        if provider_available(payment.provider) and \
                get_provider(payment.provider).has_succeeded(session, provider_ref=payment.provider_ref):
            return True
    return False


def handle_callback(session, provider_name: str, headers, body: bytes, *, now) -> str:
    """Verify and apply one provider callback, at most once per event id; returns what happened.

    Raises UnknownProvider (404) and InvalidCallback (400); anything the provider signed is answered.
    """
    provider = get_provider(provider_name)
    event = provider.parse_callback(headers, body, now=now)
    record = PaymentCallback(provider=provider_name, event_id=event.event_id, outcome="received",
                             payload=body.decode("utf-8", "replace"), received_at=now)
    try:
        # The unique (provider, event_id) is the idempotency key; a concurrent replay blocks on it
        # until we commit and then fails here, so it too changes nothing.
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        return "duplicate"
    outcome = record.outcome = _apply(session, provider_name, event, now=now)
    session.flush()
    return outcome


def _apply(session, provider_name: str, event: CallbackEvent, *, now) -> str:
    found = session.execute(select(Payment, Order).join(Order, Order.id == Payment.order_id)
                            .where(Payment.provider == provider_name,
                                   Payment.provider_ref == event.provider_ref)).first()
    if found is None:
        log.warning("payment callback for unknown charge %s", event.provider_ref)
        return "unknown payment"
    payment, order = found
    if event.merchant_ref != order.number or event.amount_fen != payment.amount_fen \
            or event.amount_fen != order.total_fen:
        # Never mark an order paid for money that is not exactly its total; a person looks at these.
        log.error("payment callback mismatch on order %s: %s", order.number, event)
        return "mismatch"
    if event.outcome == "failed":
        changed = session.execute(
            update(Payment).where(Payment.id == payment.id, Payment.status.in_(("created", "failed")))
            .values(status="failed", failure_reason=event.failure_reason or "failed")
            .execution_options(synchronize_session=False)).rowcount
        return "failed" if changed else "ignored: payment already settled"
    # Conditional update: a second success event for the same charge finds it already succeeded.
    changed = session.execute(
        update(Payment).where(Payment.id == payment.id, Payment.status.in_(("created", "failed")))
        .values(status="succeeded", succeeded_at=now, failure_reason="")
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        return "already succeeded"
    try:
        if mark_paid(session, order.id, amount_fen=event.amount_fen, now=now,
                     actor=Actor(f"payment:{provider_name}"), reason="payment_confirmed"):
            return "paid"
    except AmountMismatch:
        return "mismatch"
    # The money arrived for an order that was cancelled meanwhile, or already paid by another charge:
    # the buyer must not pay for nothing, so it goes straight back, once this callback is committed.
    session.refresh(order)
    enqueue(session, REFUND_TOPIC, {"provider": provider_name, "provider_ref": payment.provider_ref,
                                    "amount_fen": payment.amount_fen, "refund_key": f"unusable-payment-{payment.id}",
                                    "payment_id": payment.id, "reason": f"refunded_order_{order.status}"}, now=now)
    return f"refunding: order {order.status}"


def refund_payment(session, order: Order, *, amount_fen: int, refund_key: str) -> None:
    """Give `amount_fen` of the order's captured payment back; repeating a refund_key refunds once.

    Calls the provider at once, inside the caller's transaction: for a caller that accepts that (a shell,
    the provider's tests). The mall's own refunds go through the outbox (mall.payments.refunding), which
    calls the provider with no transaction open. Raises NothingToRefund or RefundRefused.
    """
    payment = captured_payment(session, order.id)
    if payment is None:
        raise NothingToRefund()
    get_provider(payment.provider).refund(session, provider_ref=payment.provider_ref, amount_fen=amount_fen,
                                          refund_key=refund_key)


def captured_payment(session, order_id: int) -> Payment | None:
    """The order's succeeded payment, the one refunds give money back from."""
    return session.scalars(select(Payment).where(Payment.order_id == order_id, Payment.status == "succeeded")
                           .order_by(Payment.id).limit(1)).first()
