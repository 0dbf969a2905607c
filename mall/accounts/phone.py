"""Verifying an account's mobile number with a text-message code; other domains hear PhoneVerified."""
from datetime import datetime

from mall.accounts.events import PhoneVerified
from mall.accounts.models import User
from mall.events import publish
from mall.sms.codes import VERIFY, check_code, send_code


def send_verification(session, user: User, *, now: datetime) -> None:
    """Text a code to the user's own phone (raises mall.sms.codes.CodeError if asked again too soon)."""
    send_code(session, phone=user.phone, purpose=VERIFY, now=now)


def verify_phone(session, user: User, code: str, *, now: datetime) -> None:
    """Check the code and mark the phone verified; raises mall.sms.codes.CodeError."""
    check_code(session, phone=user.phone, purpose=VERIFY, code=code, now=now)
    user.phone_verified_at = now
    session.flush()
    publish(session, PhoneVerified(user_id=user.id, phone=user.phone, now=now))
