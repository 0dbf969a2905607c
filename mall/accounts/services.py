"""Registration and sign-in by mainland mobile number or email; no Flask in here."""
import re
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from mall.accounts.models import Role, User
from mall.domain import DomainError
from mall.text import clean_text

MIN_PASSWORD = 8
# Hashing is deliberately slow; an unbounded password would let one request burn the CPU.
MAX_PASSWORD = 128
MAX_NAME = 40
MAX_EMAIL = 254
# Mainland China mobile numbers: 11 digits starting 13-19.
CN_MOBILE = re.compile(r"1[3-9]\d{9}")
# Checked against when the login is unknown, so a wrong login costs as long as a wrong password
# and response times do not reveal who has an account.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(DomainError):
    message = _l("Your account could not be created.")

    field = "login"  # the form field the message belongs beside


class InvalidLogin(AccountError):
    message = _l("Enter a mainland China mobile number (11 digits) or an email address.")


class LoginTaken(AccountError):
    message = _l("An account with this mobile number or email already exists. Log in instead.")


class WeakPassword(AccountError):
    message = _l("Use at least 8 characters for your password.")
    field = "password"


class InvalidName(AccountError):
    message = _l("Enter your name (up to 40 characters).")
    field = "name"


@dataclass(frozen=True)
class LoginId:
    kind: str  # "phone" | "email": the User column it is looked up in
    value: str


def parse_login(text: str | None) -> LoginId | None:
    """'138 0013 8000', '+86 13800138000' or ' Ann@Example.com ' -> the stored form; None if neither."""
    text = (text or "").strip()
    if "@" in text:
        if len(text) > MAX_EMAIL:
            return None
        try:
            validate_email(text, check_deliverability=False)
        except EmailNotValidError:
            return None
        # Mailbox names are case-sensitive in theory but never in practice; one spelling per person.
        return LoginId("email", text.lower())
    digits = re.sub(r"[\s\-()]", "", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    if CN_MOBILE.fullmatch(digits):
        return LoginId("phone", digits)
    return None


def find_user(session, login: LoginId) -> User | None:
    column = User.phone if login.kind == "phone" else User.email
    return session.scalar(select(User).where(column == login.value))


def register_user(session, *, login: str, password: str, name: str, now: datetime) -> User:
    """Create a consumer account. Raises an AccountError subclass on bad input or a taken login."""
    login_id = parse_login(login)
    if login_id is None:
        raise InvalidLogin()
    if not MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD:
        raise WeakPassword()
    name = clean_text(name)
    if not name or len(name) > MAX_NAME:
        raise InvalidName()
    if find_user(session, login_id) is not None:
        raise LoginTaken()
    user = User(name=name, role=Role.CONSUMER, created_at=now, **{login_id.kind: login_id.value})
    user.set_password(password)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError as exc:  # two registrations of the same login at once: the unique index decides
        raise LoginTaken() from exc
    return user


def authenticate(session, login: str, password: str) -> User | None:
    """The active user with this login and password, or None (never says which part was wrong)."""
    login_id = parse_login(login)
    user = find_user(session, login_id) if login_id else None
    if user is None or not (password or "") or len(password) > MAX_PASSWORD:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user
