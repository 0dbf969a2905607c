"""A store's staff: shop guides and store managers, assigned by the brand admin (audited).

Staff are users of one brand and one store. An admin picks someone already known to the brand (its
staff or partners) by phone, or creates the account with a temporary password they hand over.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mall.accounts.models import STORE_STAFF, Role, User
from mall.audit.service import record
from mall.catalog.models import Store
from mall.domain import DomainError
from mall.phones import normalize_phone
from mall.referral.models import Partner
from mall.referral.partners import ensure_guide_partner


class StaffError(DomainError):
    """Why someone cannot be made (or stop being) staff of a store."""


def store_staff(session, store_id: int) -> list[User]:
    """The store's managers, then its guides, by name."""
    return list(session.scalars(select(User).where(User.store_id == store_id, User.role.in_(STORE_STAFF))
                                .order_by(User.role.desc(), User.name, User.id)))


def assign_staff(session, store: Store, *, phone: str, role: str, name: str = "", password: str = "",
                 actor_id: int | None, now: datetime) -> User:
    """Make the user with this phone a guide or manager of the store, creating the account if name and password
    are given; raises StaffError."""
    if role not in STORE_STAFF:
        raise StaffError(_l("Choose shop guide or store manager."), field="role")
    number = normalize_phone(phone)
    if number is None:
        raise StaffError(_l("Please enter a valid mobile number."), field="phone")
    user = session.scalar(select(User).where(User.phone == number))
    if user is None:
        user = _create(session, store, number, role=role, name=name, password=password, now=now)
        before = {}
    else:
        if user.role in (Role.BRAND_ADMIN, Role.PLATFORM_ADMIN):
            raise StaffError(_l("This number belongs to an admin; admins cannot also be store staff."),
                             field="phone")
        if not _known_to_brand(session, user, store.brand_id):
            raise StaffError(_l("This number belongs to an account outside your brand; ask the person to join "
                                "your brand as a partner first."), field="phone")
        before = {"role": user.role, "store_id": user.store_id}
    user.role, user.brand_id, user.store_id = role, store.brand_id, store.id
    session.flush()
    if role == Role.GUIDE:
        ensure_guide_partner(session, user_id=user.id, now=now)  # guides share links with their own code
    record(session, action="store.staff_assigned", brand_id=store.brand_id, actor_id=actor_id, now=now,
           subject=f"user:{user.id}", before=before, after={"role": role, "store_id": store.id})
    return user


def remove_staff(session, store: Store, user_id: int, *, actor_id: int | None, now: datetime) -> User:
    """The user stops working in the store; a guide stays a partner of the brand (their earnings are theirs)."""
    user = session.scalar(select(User).where(User.id == user_id, User.store_id == store.id,
                                             User.role.in_(STORE_STAFF)))
    if user is None:
        raise StaffError(_l("This person does not work in this store."))
    before = {"role": user.role, "store_id": user.store_id}
    is_partner = session.scalar(select(Partner.id).where(Partner.user_id == user.id,
                                                         Partner.brand_id == store.brand_id)) is not None
    user.role = Role.PARTNER if is_partner else Role.CONSUMER
    user.store_id = None
    user.brand_id = None
    record(session, action="store.staff_removed", brand_id=store.brand_id, actor_id=actor_id, now=now,
           subject=f"user:{user.id}", before=before, after={"role": user.role, "store_id": None})
    return user


def _known_to_brand(session, user: User, brand_id: int) -> bool:
    """Its staff (moving between stores) or its partners; never admins, nor anyone else's staff."""
    if user.role in STORE_STAFF:
        return user.brand_id == brand_id
    if user.role not in (Role.CONSUMER, Role.PARTNER):
        return False
    return session.scalar(select(Partner.id).where(Partner.user_id == user.id, Partner.brand_id == brand_id)) \
        is not None


def _create(session, store: Store, phone: str, *, role: str, name: str, password: str, now: datetime) -> User:
    if not name or not password:
        raise StaffError(_l("No one of your brand has this number: enter a name and a temporary password to "
                            "create the account."), field="name")
    user = User(phone=phone, name=name, role=role, brand_id=store.brand_id, store_id=store.id, created_at=now)
    user.set_password(password)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:  # the number was registered a moment ago
        raise StaffError(_l("This number has just been registered; please try again."), field="phone") from None
    return user
