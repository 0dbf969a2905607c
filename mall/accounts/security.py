"""Changing a password and signing a user out everywhere; no Flask in here (see sessions.py for the cookies)."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from mall.accounts.models import Role, User
from mall.accounts.services import MAX_PASSWORD, MIN_PASSWORD, AccountError, WeakPassword
from mall.accounts.sessions import revoke_sessions
from mall.audit.service import record
from mall.referral.models import Partner


class WrongPassword(AccountError):
    message = _l("Your current password is not right.")
    field = "current"


def change_password(session, user: User, *, current: str, new: str) -> None:
    """Set a new password (commits); every session and remember cookie of the user, this one too, is revoked.

    The current password is asked for so a session left open on a shared computer cannot lock its owner out.
    """
    if not (current or "") or len(current) > MAX_PASSWORD or not user.check_password(current):
        raise WrongPassword()
    if not MIN_PASSWORD <= len(new or "") <= MAX_PASSWORD:
        raise WeakPassword()
    user.set_password(new)
    revoke_sessions(user)
    session.commit()


def sign_out_everywhere(session, user: User) -> None:
    """The user themself: every session and remember cookie is revoked (commits)."""
    revoke_sessions(user)
    session.commit()


def user_of_brand(session, user_id: int, brand_id: int | None) -> User | None:
    """A user an admin may sign out: anyone for a platform admin (brand_id None); for a brand admin the brand's
    own accounts (staff, admins) and its partners - a guide who left the store stays one. Never another brand's
    staff nor an admin of elsewhere who happens to be a partner: one brand must not keep signing them out."""
    query = select(User).where(User.id == user_id)
    if brand_id is not None:
        partner = select(Partner.id).where(Partner.user_id == User.id, Partner.brand_id == brand_id).exists()
        query = query.where(or_(User.brand_id == brand_id,
                                and_(User.role.in_((Role.CONSUMER, Role.PARTNER)), partner)))
    return session.scalar(query)


def may_sign_out(session, brand_id: int | None, user: User) -> bool:
    """Whether an admin acting for brand_id (None: platform admin) may sign this user out everywhere."""
    return brand_id is None or user_of_brand(session, user.id, brand_id) is not None


def admin_sign_out_everywhere(session, user: User, *, brand_id: int | None, actor_id: int, now: datetime) -> None:
    """An admin revokes every session and remember cookie of the user (commits). Audited under the admin's brand,
    or for a platform admin the user's own (none for a consumer: only platform admins read that)."""
    revoke_sessions(user)
    record(session, action="account.signed_out_everywhere", brand_id=brand_id if brand_id is not None else user.brand_id,
           actor_id=actor_id, now=now, subject=f"user:{user.id}")
    session.commit()
