"""Changing a password and signing a user out everywhere; no Flask in here (see sessions.py for the cookies)."""
from datetime import datetime

from flask_babel import lazy_gettext as _l

from mall.accounts.models import User
from mall.accounts.services import MAX_PASSWORD, MIN_PASSWORD, AccountError, WeakPassword
from mall.accounts.sessions import revoke_sessions
from mall.audit.service import record


class WrongPassword(AccountError):
    message = _l("Your current password is not right.")
    field = "current"


def change_password(session, user: User, *, current: str, new: str) -> None:
    """Set a new password; every session and remember cookie of the user, this one too, is revoked.

    The current password is asked for so a session left open on a shared computer cannot lock its owner out.
    """
    if not (current or "") or len(current) > MAX_PASSWORD or not user.check_password(current):
        raise WrongPassword()
    if not MIN_PASSWORD <= len(new or "") <= MAX_PASSWORD:
        raise WeakPassword()
    user.set_password(new)
    revoke_sessions(user)


def sign_out_everywhere(session, user: User) -> None:
    """The user themself: every session and remember cookie is revoked."""
    revoke_sessions(user)


def admin_sign_out_everywhere(session, user: User, *, brand_id: int | None, actor_id: int, now: datetime) -> None:
    """An admin revokes every session and remember cookie of the user. Audited under the admin's brand,
    or for a platform admin the user's own (none for a consumer: only platform admins read that)."""
    revoke_sessions(user)
    record(session, action="account.signed_out_everywhere", brand_id=brand_id if brand_id is not None else user.brand_id,
           actor_id=actor_id, now=now, subject=f"user:{user.id}")
