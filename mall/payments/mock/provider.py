"""MockProvider: a payment provider that behaves like WeChat Pay or Stripe, minus the money.

It keeps its own books (mock_charges, mock_events, mock_refunds), sends the buyer to its own
payment page (/mockpay/<charge>), and tells the mall the outcome by a signed asynchronous callback.
"""
import json
import re
from contextlib import contextmanager
from datetime import datetime
from typing import Mapping

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from mall.database import plain_session
from mall.money import MAX_FEN
from mall.payments.mock.charges import new_charge_id
from mall.payments.mock.models import MockCharge, MockRefund
from mall.payments.provider import CallbackEvent, InvalidCallback, RefundRefused, StartedPayment
from mall.payments.signing import HEADER, InvalidSignature, verify_signature
from mall.urls import public_url

OUTCOMES = {"payment.succeeded": "succeeded", "payment.failed": "failed"}
IDENTIFIER = re.compile(r"[A-Za-z0-9_-]{1,40}")  # event, charge and order ids as the mock and the mall make them


class MockProvider:
    name = "mock"

    def start_payment(self, session, *, merchant_ref: str, amount_fen: int, description: str,
                      return_url: str, notify_url: str, merchant_name: str = "") -> StartedPayment:
        charge = MockCharge(id=new_charge_id(), merchant_ref=merchant_ref, amount_fen=amount_fen,
                            description=description[:200], return_url=return_url, notify_url=notify_url,
                            merchant_name=merchant_name[:60])
        session.add(charge)
        session.flush()
        # The mock "bank" is served by the mall itself, so its page lives under the public address too.
        return StartedPayment(provider_ref=charge.id, redirect_url=public_url("mockpay.pay", charge_id=charge.id))

    def parse_callback(self, headers: Mapping[str, str], body: bytes, *, now: datetime) -> CallbackEvent:
        try:
            verify_signature(current_app.config["PAYMENT_WEBHOOK_SECRET"], body, headers.get(HEADER), now=now)
        except InvalidSignature as exc:
            raise InvalidCallback(f"signature: {exc}") from exc
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError) as exc:  # includes bad UTF-8 and bad JSON
            raise InvalidCallback("body is not JSON") from exc
        return _event_from(payload)

    def refund(self, session, *, provider_ref: str, amount_fen: int, refund_key: str) -> None:
        if not 0 < amount_fen <= MAX_FEN or not refund_key or len(refund_key) > 64:
            raise RefundRefused("invalid refund")
        with _own_books(session):
            _refund(session, provider_ref, amount_fen, refund_key)

    def has_succeeded(self, session, *, provider_ref: str) -> bool:
        charge = session.get(MockCharge, provider_ref)
        return charge is not None and charge.status == "succeeded"


@contextmanager
def _own_books(session):
    """The mock's books share our database: called as the outbox calls a real provider, with no transaction
    open, it commits them in a transaction of its own, as a real provider would; inside a caller's
    transaction (refund_payment) they go in a savepoint of it."""
    session = plain_session(session)
    with session.begin_nested() if session.in_transaction() else session.begin():
        yield


def _refund(session, provider_ref: str, amount_fen: int, refund_key: str) -> None:
    if _already_refunded(session, provider_ref, amount_fen, refund_key):
        return
    try:
        with session.begin_nested():
            session.add(MockRefund(refund_key=refund_key, charge_id=provider_ref, amount_fen=amount_fen))
            session.flush()
            # Conditional update: concurrent refunds of one charge can never add up to more than was paid.
            changed = session.execute(
                update(MockCharge)
                .where(MockCharge.id == provider_ref, MockCharge.status == "succeeded",
                       MockCharge.refunded_fen + amount_fen <= MockCharge.amount_fen)
                .values(refunded_fen=MockCharge.refunded_fen + amount_fen)
                .execution_options(synchronize_session=False)
            ).rowcount
            if not changed:
                raise RefundRefused("charge not paid, or refund above what remains")
    except IntegrityError:
        # The same key raced us and won: that refund stands, ours is the replay.
        if not _already_refunded(session, provider_ref, amount_fen, refund_key):
            raise RefundRefused("refund key conflict") from None


def _already_refunded(session, provider_ref: str, amount_fen: int, refund_key: str) -> bool:
    done = session.get(MockRefund, refund_key)
    if done is None:
        return False
    if (done.charge_id, done.amount_fen) != (provider_ref, amount_fen):
        raise RefundRefused("refund key reused for a different refund")
    return True


def _event_from(payload) -> CallbackEvent:
    """Every field checked: a signed body is trusted to be ours, not to be well-formed."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        raise InvalidCallback("no data")
    outcome = OUTCOMES.get(payload.get("type"))
    event_id, charge, ref = payload.get("id"), data.get("charge"), data.get("merchant_ref")
    amount, reason = data.get("amount_fen"), data.get("failure_reason", "")
    if outcome is None:
        raise InvalidCallback("unknown event type")
    if not all(isinstance(v, str) and IDENTIFIER.fullmatch(v) for v in (event_id, charge, ref)):
        raise InvalidCallback("id, charge or merchant_ref missing or malformed")
    if type(amount) is not int or not 0 < amount <= MAX_FEN:
        raise InvalidCallback("amount_fen is not a positive whole number of fen")
    if not isinstance(reason, str):
        raise InvalidCallback("failure_reason is not text")
    # Control characters (NUL above all, which PostgreSQL refuses in text) never reach the database.
    reason = "".join(ch for ch in reason if ch.isprintable())[:200]
    return CallbackEvent(event_id=event_id, outcome=outcome, provider_ref=charge, merchant_ref=ref,
                         amount_fen=amount, failure_reason=reason)
