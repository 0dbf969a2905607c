"""Rows turned into the facts the pure rules in attribution.py read, loaded in a few queries."""
from datetime import datetime

from sqlalchemy import select

from mall.accounts.models import Role, User
from mall.referral.attribution import BindingFact, PartnerFact, TouchFact
from mall.referral.models import Binding, Partner, Touch


def partner_facts(session, partner_ids, *, levels: int = 1) -> dict[int, PartnerFact]:
    """The partners with their inviters up to `levels` deep: one query per level, never one per partner."""
    facts: dict[int, PartnerFact] = {}
    wanted = {pid for pid in partner_ids if pid is not None}
    for _level in range(max(levels, 1)):
        wanted -= facts.keys()
        if not wanted:
            break
        rows = session.execute(
            select(Partner.id, Partner.user_id, Partner.brand_id, Partner.status, Partner.inviter_id,
                   User.role, User.brand_id.label("user_brand_id"), User.store_id)
            .join(User, User.id == Partner.user_id)
            .where(Partner.id.in_(wanted))).all()
        for row in rows:
            facts[row.id] = partner_fact_from_row(row)
        wanted = {row.inviter_id for row in rows if row.inviter_id is not None}
    return facts


def partner_fact_from_row(row) -> PartnerFact:
    """A row of partner, user and role columns (as the queries here select them) as a fact."""
    is_guide = row.role == Role.GUIDE and row.user_brand_id == row.brand_id
    return PartnerFact(id=row.id, user_id=row.user_id, active=row.status == "active", inviter_id=row.inviter_id,
                       guide_store_id=row.store_id if is_guide else None)


def touch_fact(touch: Touch) -> TouchFact:
    return TouchFact(id=touch.id, at=touch.created_at, partner_id=touch.partner_id, store_id=touch.store_id,
                     channel=touch.channel)


def binding_fact(binding: Binding | None, *, partner_active: bool = True, now: datetime | None = None
                 ) -> BindingFact | None:
    """A binding to a partner who is no longer active protects nobody: it reads as expired at `now`."""
    if binding is None:
        return None
    expires = binding.expires_at if partner_active or now is None else min(binding.expires_at, now)
    return BindingFact(id=binding.id, partner_id=binding.partner_id, started_at=binding.started_at,
                       expires_at=expires)
