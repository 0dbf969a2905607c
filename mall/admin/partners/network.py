"""What the brand admin's partner pages read: the brand's partners, each one's upline chain and downline."""
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, joinedload

from mall.referral.models import Partner

# How far up the admin's chain view climbs. Commission stops at three levels, but the invitation
# chain itself can be longer, and a loop in bad data must still end.
MAX_CHAIN = 20
DOWNLINE_SHOWN = 100  # per level; the count is always exact


def _with_people(query: Select) -> Select:
    return query.options(joinedload(Partner.user), joinedload(Partner.brand),
                         joinedload(Partner.inviter).joinedload(Partner.user))


def partners_of_brand(brand_id: int | None, status: str | None = None) -> Select:
    """The brand's partners (every brand's for None), those awaiting approval first, newest first."""
    query = _with_people(select(Partner)).order_by(case((Partner.status == "pending", 0), else_=1),
                                                   Partner.joined_at.desc(), Partner.id.desc())
    if brand_id is not None:
        query = query.where(Partner.brand_id == brand_id)
    if status in ("pending", "active", "disabled"):
        query = query.where(Partner.status == status)
    return query


def partner_of_brand(session: Session, partner_id: int, brand_id: int | None) -> Partner | None:
    """One partner of the brand (any brand's for None); another brand's is not found."""
    query = _with_people(select(Partner)).where(Partner.id == partner_id)
    if brand_id is not None:
        query = query.where(Partner.brand_id == brand_id)
    return session.scalars(query).first()


def invitee_counts(session: Session, partner_ids) -> dict[int, int]:
    """How many partners each of these partners invited, in one query."""
    ids = list(partner_ids)
    if not ids:
        return {}
    rows = session.execute(select(Partner.inviter_id, func.count(Partner.id))
                           .where(Partner.inviter_id.in_(ids)).group_by(Partner.inviter_id))
    return {inviter_id: int(count) for inviter_id, count in rows}


def upline(partner: Partner) -> list[Partner]:
    """The partner's inviter, the inviter's inviter, and so on up (level 2 first)."""
    chain: list[Partner] = []
    seen = {partner.id}
    current = partner.inviter
    while current is not None and current.id not in seen and len(chain) < MAX_CHAIN:
        chain.append(current)
        seen.add(current.id)
        current = current.inviter
    return chain


@dataclass(frozen=True)
class Level:
    depth: int  # 1: invited by the partner; 2: invited by those
    count: int
    members: list[Partner]


def downline(session: Session, partner: Partner) -> tuple[Level, Level]:
    """The partners the partner invited, and those they invited in turn (the levels commission reaches up to)."""
    direct = select(Partner.id).where(Partner.inviter_id == partner.id, Partner.id != partner.id)
    levels = []
    for depth, where in ((1, Partner.inviter_id == partner.id), (2, Partner.inviter_id.in_(direct))):
        where = where & (Partner.id != partner.id)  # a loop in bad data must not list the partner under themselves
        count = session.scalar(select(func.count(Partner.id)).where(where))
        members = list(session.scalars(_with_people(select(Partner)).where(where)
                                       .order_by(Partner.joined_at.desc(), Partner.id.desc()).limit(DOWNLINE_SHOWN)))
        levels.append(Level(depth, int(count), members))
    return levels[0], levels[1]
