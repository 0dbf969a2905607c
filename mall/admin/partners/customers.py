"""Why a customer is bound to whom: one customer's bindings (history kept) and touches in a brand.

The admin looks a customer up by mobile number. A number with nothing in the admin's brand reads
exactly like an unknown number, so the lookup never tells one brand about another brand's customers.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from mall.accounts.models import User
from mall.catalog.models import Brand, Store
from mall.orders.models import Order
from mall.referral.models import Binding, Partner, Touch

TOUCHES_SHOWN = 50


@dataclass(frozen=True)
class TouchRow:
    at: datetime
    brand: str
    partner: Partner | None
    store: str
    channel: str
    target: str


@dataclass(frozen=True)
class BindingRow:
    kind: str  # sharer | guide
    brand: str
    partner: Partner
    reason: str
    started_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    touch: TouchRow | None  # the opened link that made it

    def state(self, now: datetime) -> str:
        """in_force, expired (protection over, nobody took over yet) or ended (replaced by a later binding)."""
        if self.ended_at is not None:
            return "ended"
        return "in_force" if self.expires_at > now else "expired"


@dataclass(frozen=True)
class Trail:
    user: User
    bindings: list[BindingRow]  # newest first
    touches: list[TouchRow]  # newest first, at most TOUCHES_SHOWN
    orders: int


def customer_trail(session: Session, *, phone: str, brand_id: int | None) -> Trail | None:
    """The customer with this (normalised) number and their trail in the brand (every brand for None).

    None when nobody has the number, or when they never touched, were bound or ordered in the brand.
    """
    user = session.scalar(select(User).where(User.phone == phone))
    if user is None:
        return None

    def in_brand(query, model):
        return query if brand_id is None else query.where(model.brand_id == brand_id)

    touch_rows = session.scalars(in_brand(select(Touch).where(Touch.user_id == user.id), Touch)
                                 .options(joinedload(Touch.partner).joinedload(Partner.user))
                                 .order_by(Touch.created_at.desc(), Touch.id.desc()).limit(TOUCHES_SHOWN)).all()
    binding_rows = session.scalars(in_brand(select(Binding).where(Binding.user_id == user.id), Binding)
                                   .options(joinedload(Binding.partner).joinedload(Partner.user))
                                   .order_by(Binding.started_at.desc(), Binding.id.desc())).all()
    orders = session.scalar(in_brand(select(func.count(Order.id)).where(Order.user_id == user.id), Order))
    if not touch_rows and not binding_rows and not orders:
        return None
    # The touches that made the bindings may be older than the ones shown: load those too.
    shown = {touch.id: touch for touch in touch_rows}
    missing = {b.touch_id for b in binding_rows if b.touch_id and b.touch_id not in shown}
    origins = {t.id: t for t in session.scalars(select(Touch).where(Touch.id.in_(missing))
                                                .options(joinedload(Touch.partner)))} if missing else {}
    all_touches = {**origins, **shown}
    brands = _names(session, Brand, {t.brand_id for t in all_touches.values()} | {b.brand_id for b in binding_rows})
    stores = _names(session, Store, {t.store_id for t in all_touches.values() if t.store_id})

    def touch_row(touch: Touch) -> TouchRow:
        return TouchRow(touch.created_at, brands.get(touch.brand_id, ""), touch.partner,
                        stores.get(touch.store_id, ""), touch.channel, touch.target)

    bindings = [BindingRow(b.kind, brands.get(b.brand_id, ""), b.partner, b.reason, b.started_at, b.expires_at,
                           b.ended_at, touch_row(all_touches[b.touch_id]) if b.touch_id in all_touches else None)
                for b in binding_rows]
    return Trail(user, bindings, [touch_row(t) for t in touch_rows], orders)


def _names(session: Session, model, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())
