"""A shop guide's bound customers (专属导购), masked as every partner sees customers."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from mall.accounts.models import User
from mall.privacy import mask_name, mask_phone
from mall.referral.models import Binding


@dataclass(frozen=True)
class BoundCustomer:
    name: str  # masked; "" for a visitor who has not registered
    phone: str  # masked
    since: datetime
    expires: datetime


def active_guide_bindings(partner_id: int, now: datetime) -> Select:
    """The guide's bindings still in force, the most recent first (for db.paginate)."""
    return (select(Binding).where(Binding.partner_id == partner_id, Binding.kind == "guide",
                                  Binding.ended_at.is_(None), Binding.started_at <= now, Binding.expires_at > now)
            .order_by(Binding.started_at.desc(), Binding.id.desc()))


def bound_customers(session: Session, bindings: list[Binding]) -> list[BoundCustomer]:
    """One page of bindings with their customers, loaded in one query."""
    user_ids = {b.user_id for b in bindings if b.user_id}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    rows = []
    for binding in bindings:
        user = users.get(binding.user_id)
        rows.append(BoundCustomer(mask_name(user.name) if user else "", mask_phone(user.phone) if user else "",
                                  binding.started_at, binding.expires_at))
    return rows
