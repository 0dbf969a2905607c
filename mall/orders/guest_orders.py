"""A guest's orders, found again by the phone they were placed with; and given to the account that proves it.

The proof is always a text-message code (mall.sms.codes): a phone number alone is not secret.
"""
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from mall.accounts.events import PhoneVerified
from mall.events import subscribe
from mall.orders.models import Order
from mall.sms.codes import LOOKUP, check_code, send_code

SHOWN = 50


def send_lookup_code(session, *, phone: str, now: datetime) -> None:
    """Text a look-up code to the phone, whether or not it placed orders: the answer must not tell."""
    send_code(session, phone=phone, purpose=LOOKUP, now=now)


def open_guest_orders(session, *, phone: str, code: str, now: datetime) -> None:
    """Check the look-up code; raises mall.sms.codes.CodeError. The caller then remembers the phone."""
    check_code(session, phone=phone, purpose=LOOKUP, code=code, now=now)


def guest_orders(session, phone: str) -> list[Order]:
    """Orders placed with this phone without an account, newest first."""
    return session.scalars(select(Order).where(Order.contact_phone == phone, Order.user_id.is_(None))
                           .options(selectinload(Order.lines))
                           .order_by(Order.created_at.desc(), Order.id.desc()).limit(SHOWN)).all()


@subscribe(PhoneVerified)
def attach_guest_orders(session, event: PhoneVerified) -> None:
    """The account now holds the phone: its guest orders appear under 'my orders'."""
    session.execute(update(Order).where(Order.contact_phone == event.phone, Order.user_id.is_(None))
                    .values(user_id=event.user_id).execution_options(synchronize_session=False))
