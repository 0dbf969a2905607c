"""The mock provider's side of a charge: a buyer's card attempt, decided by the test card numbers.

Test cards (any future expiry, any 3-4 digit CVC):
    4242 4242 4242 4242  succeeds
    4000 0000 0000 0002  is declined: nothing is charged and the buyer may try another card
    4000 0000 0000 0119  fails with a processing error: a "payment.failed" callback is sent, retry allowed
Any other number that passes the Luhn check succeeds, as a friendly sandbox would.
"""
import json
import secrets
from enum import StrEnum

from sqlalchemy import update

from mall.payments.mock.models import MockCharge, MockEvent
from mall.payments.signing import unix_seconds

DECLINED_CARD = "4000000000000002"
PROCESSING_ERROR_CARD = "4000000000000119"
PAYABLE = ("open", "failed")  # a failed attempt leaves the charge open to another try


class Attempt(StrEnum):
    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    FAILED = "failed"
    ALREADY_PAID = "already_paid"  # a double click, or a second tab


def new_charge_id() -> str:
    return "ch_" + secrets.token_urlsafe(18)


def attempt_charge(session, charge: MockCharge, *, card_digits: str, now) -> tuple[Attempt, str | None]:
    """Try the card on the charge; returns the outcome and the id of the event to deliver once committed."""
    if card_digits == DECLINED_CARD:
        # Declined at authorisation: no money moved, so there is nothing to tell the merchant.
        return Attempt.DECLINED, None
    succeeded = card_digits != PROCESSING_ERROR_CARD
    new_status = "succeeded" if succeeded else "failed"
    # Conditional update: of two simultaneous submits only one moves the charge, and only it writes an event.
    changed = session.execute(
        update(MockCharge)
        .where(MockCharge.id == charge.id, MockCharge.status.in_(PAYABLE))
        .values(status=new_status, card_last4=card_digits[-4:])
    ).rowcount
    if not changed:
        return Attempt.ALREADY_PAID, None
    event_id = "evt_" + secrets.token_urlsafe(18)
    event = MockEvent(id=event_id, charge_id=charge.id, notify_url=charge.notify_url, created_at=now,
                      body=event_body(event_id, charge, succeeded=succeeded, now=now))
    session.add(event)
    session.flush()
    return (Attempt.SUCCEEDED if succeeded else Attempt.FAILED), event_id


def event_body(event_id: str, charge: MockCharge, *, succeeded: bool, now) -> str:
    """The JSON a provider posts to the merchant: what happened to which charge, for how much."""
    return json.dumps({
        "id": event_id,
        "type": "payment.succeeded" if succeeded else "payment.failed",
        "created": unix_seconds(now),
        "data": {
            "charge": charge.id,
            "merchant_ref": charge.merchant_ref,
            "amount_fen": charge.amount_fen,
            "currency": "CNY",
            "failure_reason": "" if succeeded else "processing_error",
        },
    }, separators=(",", ":"))
