"""One-time codes: six digits, kept only as a salted hash, valid 10 minutes, 5 tries, one a minute per phone.

The code proves the person holds the phone: it opens a guest's orders placed with that number and verifies
an account's phone. Codes are compared in constant time; a wrong try is counted by a conditional UPDATE,
so parallel guesses cannot get more tries than MAX_ATTEMPTS between them.
"""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from mall.domain import DomainError
from mall.outbox.queue import enqueue
from mall.sms.delivery import TOPIC
from mall.sms.models import PhoneCode

LOOKUP, VERIFY = "order_lookup", "verify_phone"
VALID_FOR = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5
DIGITS = 6
TEXTS = {
    LOOKUP: _l("Your code to find your orders is %(code)s. It is valid for 10 minutes. Do not share it."),
    VERIFY: _l("Your code to verify your mobile number is %(code)s. It is valid for 10 minutes. Do not share it."),
}


class CodeError(DomainError):
    message = _l("That code is not right. Check the text message and try again.")


class CodeExpired(CodeError):
    message = _l("That code has expired or was used too many times. Ask for a new one.")


class SentTooRecently(CodeError):
    message = _l("A code was just sent. Please wait a minute before asking for another.")


def send_code(session, *, phone: str, purpose: str, now: datetime) -> PhoneCode:
    """Make a code for the phone and queue its text message (sent after the caller commits)."""
    latest = _latest(session, phone, purpose)
    if latest is not None and latest.created_at > now - RESEND_AFTER:
        raise SentTooRecently()
    code = f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"
    salt = secrets.token_hex(16)
    row = PhoneCode(phone=phone, purpose=purpose, code_hash=_hash(code, salt), salt=salt, attempts=0,
                    created_at=now, expires_at=now + VALID_FOR)
    session.add(row)
    session.flush()
    enqueue(session, TOPIC, {"phone": phone, "text": str(TEXTS[purpose] % {"code": code})}, now=now)
    return row


def check_code(session, *, phone: str, purpose: str, code: str, now: datetime) -> None:
    """Use the phone's latest code for `purpose`; raises CodeError (wrong) or CodeExpired (gone)."""
    latest = _latest(session, phone, purpose)
    if latest is None or latest.used_at is not None or latest.expires_at <= now:
        raise CodeExpired()
    # Count the try before comparing: a try beyond the limit is refused whatever it guessed.
    counted = session.execute(update(PhoneCode).where(PhoneCode.id == latest.id, PhoneCode.used_at.is_(None),
                                                      PhoneCode.attempts < MAX_ATTEMPTS)
                              .values(attempts=PhoneCode.attempts + 1)
                              .execution_options(synchronize_session=False)).rowcount
    if counted != 1:
        raise CodeExpired()
    typed = "".join(ch for ch in (code or "") if ch.isdigit())[:DIGITS]
    if not hmac.compare_digest(_hash(typed, latest.salt), latest.code_hash):
        raise CodeError()
    used = session.execute(update(PhoneCode).where(PhoneCode.id == latest.id, PhoneCode.used_at.is_(None))
                           .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    if used != 1:  # the same code used twice at once: only one of them opens anything
        raise CodeExpired()


def _latest(session, phone: str, purpose: str) -> PhoneCode | None:
    return session.scalars(select(PhoneCode).where(PhoneCode.phone == phone, PhoneCode.purpose == purpose)
                           .order_by(PhoneCode.created_at.desc(), PhoneCode.id.desc()).limit(1)
                           .execution_options(populate_existing=True)).first()


def _hash(code: str, salt: str) -> str:
    # Six digits are few: the salt keeps one precomputed table from fitting every row; expiry and tries do the rest.
    return hashlib.pbkdf2_hmac("sha256", code.encode(), salt.encode(), 20_000).hex()
