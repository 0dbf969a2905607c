"""Becoming a partner of a brand, the inviter (upline) chain, and an admin's approve / disable / enable.

Becoming a partner never costs money (禁止传销条例): the only conditions a brand may set are approval
by an admin or having spent a set amount as a customer. Callers commit.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from mall.accounts.models import Role, User
from mall.audit.service import record
from mall.catalog.models import Brand
from mall.codes import short_code
from mall.domain import DomainError
from mall.money import format_fen
from mall.referral.codes import PARTNER_CODE_SIZE, partner_by_code
from mall.referral.models import Partner
from mall.referral.settings import referral_settings_for
from mall.referral.spend import spent_with_brand

PENDING, ACTIVE, DISABLED = "pending", "active", "disabled"
CODE_ATTEMPTS = 8  # 30**6 codes: a collision is rare, several in a row is impossible in practice


class PartnerError(DomainError):
    """Why someone cannot become (or be made) a partner."""


def partner_of(session, *, user_id: int, brand_id: int) -> Partner | None:
    return session.scalar(select(Partner).where(Partner.brand_id == brand_id, Partner.user_id == user_id))


def partners_of_user(session, user_id: int) -> list[Partner]:
    """All of a user's partner memberships, one per brand, oldest first."""
    return list(session.scalars(select(Partner).where(Partner.user_id == user_id).order_by(Partner.id)))


def become_partner(session, *, user_id: int, brand_id: int, inviter_code: str | None = None,
                   now: datetime) -> Partner:
    """Make the user a partner of the brand under its rule; raises PartnerError. Repeating it is harmless."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise PartnerError(_l("Please log in to become a partner."))
    if session.get(Brand, brand_id) is None:
        raise PartnerError(_l("This brand does not exist."))
    inviter = _inviter(session, inviter_code, user_id=user_id, brand_id=brand_id)
    existing = partner_of(session, user_id=user_id, brand_id=brand_id)
    if existing is not None:
        if inviter is not None and existing.inviter_id is None:
            _adopt_inviter(session, existing, inviter)
        return existing
    status = _status_for_newcomer(session, user, brand_id)
    partner = _insert(session, user=user, brand_id=brand_id, inviter_id=inviter.id if inviter else None,
                      status=status, now=now)
    if partner.status == ACTIVE:
        _promote(user)
    return partner


def ensure_guide_partner(session, *, user_id: int, now: datetime) -> Partner | None:
    """A shop guide's partner row in their own brand, created on first need (guides are staff: no rule applies)."""
    user = session.get(User, user_id)
    if user is None or user.role != Role.GUIDE or user.brand_id is None:
        return None
    existing = partner_of(session, user_id=user.id, brand_id=user.brand_id)
    if existing is not None:
        return existing
    return _insert(session, user=user, brand_id=user.brand_id, inviter_id=None, status=ACTIVE, now=now)


def _inviter(session, code: str | None, *, user_id: int, brand_id: int) -> Partner | None:
    if not code:
        return None
    inviter = partner_by_code(session, code)
    if inviter is None or inviter.brand_id != brand_id:
        raise PartnerError(_l("This invitation link is not valid for this brand."))
    if inviter.user_id == user_id:
        raise PartnerError(_l("You cannot invite yourself."))
    if inviter.status != ACTIVE:
        raise PartnerError(_l("This invitation is no longer valid."))
    return inviter


def _status_for_newcomer(session, user: User, brand_id: int) -> str:
    if user.role == Role.GUIDE and user.brand_id == brand_id:
        return ACTIVE
    settings = referral_settings_for(session, brand_id)
    if settings.partner_rule == "everyone":
        return ACTIVE
    if settings.partner_rule == "spend":
        spent = spent_with_brand(session, user_id=user.id, brand_id=brand_id)
        if spent >= settings.partner_min_spend_fen:
            return ACTIVE
        raise PartnerError(_l("Partners of this brand have spent at least %(minimum)s with it; "
                              "so far you have spent %(spent)s.",
                              minimum=format_fen(settings.partner_min_spend_fen), spent=format_fen(spent)))
    return PENDING  # "approval", and any rule we do not know: an admin decides


def _insert(session, *, user: User, brand_id: int, inviter_id: int | None, status: str, now: datetime) -> Partner:
    """Insert with a fresh code; a double submit finds the row the first one created."""
    for _attempt in range(CODE_ATTEMPTS):
        partner = Partner(brand_id=brand_id, user_id=user.id, code=short_code(PARTNER_CODE_SIZE),
                          inviter_id=inviter_id, status=status, joined_at=now)
        try:
            with session.begin_nested():
                session.add(partner)
            return partner
        except IntegrityError:
            existing = partner_of(session, user_id=user.id, brand_id=brand_id)
            if existing is not None:
                return existing
    raise RuntimeError("could not find a free partner code")


def _adopt_inviter(session, partner: Partner, inviter: Partner) -> None:
    """A partner without an upline may accept one invitation, unless that would close a loop."""
    # Serialise upline changes within the brand, so two partners cannot adopt each other at
    # the same moment. NO KEY UPDATE does not block inserts that merely reference the brand.
    session.execute(select(Brand.id).where(Brand.id == partner.brand_id).with_for_update(key_share=True))
    if partner.id in upline_ids(session, inviter.id):
        raise PartnerError(_l("This invitation would make you your own upline."))
    adopted = session.execute(update(Partner).where(Partner.id == partner.id, Partner.inviter_id.is_(None))
                              .values(inviter_id=inviter.id)).rowcount
    if adopted:
        session.refresh(partner)


def upline_ids(session, partner_id: int) -> set[int]:
    """The partner and everyone above them, however long the chain (a loop in bad data still ends)."""
    start = select(Partner.id, Partner.inviter_id).where(Partner.id == partner_id).cte("upline", recursive=True)
    step = select(Partner.id, Partner.inviter_id).join(start, Partner.id == start.c.inviter_id)
    # UNION (not UNION ALL) drops rows already seen, so a cycle cannot recurse forever.
    chain = start.union(step)
    return set(session.scalars(select(chain.c.id)))


def approve_partner(session, partner_id: int, *, by_user_id: int | None, now: datetime,
                    brand_id: int | None = None) -> Partner:
    """An admin accepts a pending partner; audited."""
    return _change_status(session, partner_id, PENDING, ACTIVE, action="partner.approved", by_user_id=by_user_id,
                          now=now, brand_id=brand_id)


def disable_partner(session, partner_id: int, *, by_user_id: int | None, now: datetime, reason: str = "",
                    brand_id: int | None = None) -> Partner:
    """A disabled partner earns nothing from new orders and their links no longer bind customers; audited."""
    return _change_status(session, partner_id, (PENDING, ACTIVE), DISABLED, action="partner.disabled",
                          by_user_id=by_user_id, now=now, brand_id=brand_id, reason=reason)


def enable_partner(session, partner_id: int, *, by_user_id: int | None, now: datetime,
                   brand_id: int | None = None) -> Partner:
    """Undo a disable; audited."""
    return _change_status(session, partner_id, DISABLED, ACTIVE, action="partner.enabled", by_user_id=by_user_id,
                          now=now, brand_id=brand_id)


def _change_status(session, partner_id: int, from_status, to_status: str, *, action: str, by_user_id: int | None,
                   now: datetime, brand_id: int | None, reason: str = "") -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None or (brand_id is not None and partner.brand_id != brand_id):
        raise PartnerError(_l("That partner does not exist."))
    if partner.status == to_status:
        return partner  # already done: a repeated click changes nothing and logs nothing
    allowed = (from_status,) if isinstance(from_status, str) else tuple(from_status)
    before = partner.status
    # Conditional: two admins clicking at once produce one change and one audit entry.
    changed = session.execute(update(Partner).where(Partner.id == partner_id, Partner.status.in_(allowed))
                              .values(status=to_status)).rowcount
    session.refresh(partner)
    if not changed:
        if partner.status == to_status:
            return partner
        raise PartnerError(_l("This partner cannot be changed that way now."))
    if to_status == ACTIVE:
        _promote(partner.user)
    record(session, action=action, brand_id=partner.brand_id, actor_id=by_user_id, now=now,
           subject=f"partner:{partner.id}", before={"status": before}, after={"status": to_status}, reason=reason)
    return partner


def _promote(user: User) -> None:
    """A consumer who becomes an active partner is shown the partner pages; staff keep their role."""
    if user.role == Role.CONSUMER:
        user.role = Role.PARTNER

