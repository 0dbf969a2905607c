"""Refunds at the provider, delivered from the outbox (topic payment.refund) after the cause has committed.

Two causes queue one: the brand approving a refund request (payload refund_id), and money arriving for an
order that can no longer take it (payload payment_id). The provider is called with no transaction open and
no row locked; its answer is booked afterwards in a transaction of its own. The refund key makes a retry
(a lost answer, an expired lease) refund once.
"""
import logging

from sqlalchemy import update

from mall.orders.refunds import book_refund, refund_refused
from mall.outbox.handlers import handles
from mall.payments.models import Payment
from mall.payments.provider import RefundRefused, get_provider
from mall.payments.service import REFUND_TOPIC

log = logging.getLogger(__name__)


def execute(session, payload: dict) -> dict:
    """Ask the provider; a refusal is an answer (booked), anything else raised is retried later."""
    try:
        get_provider(payload["provider"]).refund(session, provider_ref=payload["provider_ref"],
                                                 amount_fen=payload["amount_fen"], refund_key=payload["refund_key"])
    except RefundRefused as exc:
        return {"refused": str(exc)[:200] or "refused"}
    return {"refused": ""}


def record(session, payload: dict, outcome: dict, now) -> None:
    refused = outcome["refused"]
    if payload.get("refund_id") is not None:
        if refused:
            refund_refused(session, payload["refund_id"], reason=refused, now=now)
        else:
            book_refund(session, payload["refund_id"], now=now)
        return
    if refused:  # a person has to give this money back: the payment stays "succeeded" on a dead order
        log.error("provider refused to refund unusable payment %s: %s", payload["payment_id"], refused)
        return
    session.execute(update(Payment).where(Payment.id == payload["payment_id"])
                    .values(status="refunded", failure_reason=payload["reason"]))


handles(REFUND_TOPIC, execute=execute, record=record)
