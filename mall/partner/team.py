"""A partner's team: the partners they invited (level 1) and those partners' invitees (level 2)."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, aliased

from mall.accounts.models import User
from mall.commission.models import OrderAttribution
from mall.orders.models import Order, OrderStatus
from mall.privacy import mask_name
from mall.referral.models import Partner

# Sales count once the money is in and stays in: refunded orders drop out, partial refunds are netted.
PAID = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)


@dataclass(frozen=True)
class Member:
    level: int
    name: str  # masked
    joined_at: datetime
    status: str
    sales_fen: int  # orders they shared, paid, less refunds
    orders: int
    purchases: int  # their own paid orders of the brand

    @property
    def idle(self) -> bool:
        """Invited but has neither sold nor bought yet: the people worth a nudge."""
        return self.orders == 0 and self.purchases == 0


def team(session: Session, partner: Partner) -> list[Member]:
    """Level-1 and level-2 members with their sales, in one aggregate query."""
    inviter = aliased(Partner)
    in_team = (select(Partner.id).join(inviter, inviter.id == Partner.inviter_id)
               .where(or_(Partner.inviter_id == partner.id, inviter.inviter_id == partner.id)))
    sales = (select(OrderAttribution.sharer_id.label("partner_id"), func.count(Order.id).label("orders"),
                    func.sum(Order.total_fen - Order.refunded_fen).label("sales"))
             .join(Order, Order.id == OrderAttribution.order_id)
             .where(OrderAttribution.sharer_id.in_(in_team), Order.status.in_(PAID))
             .group_by(OrderAttribution.sharer_id).subquery())
    purchases = (select(Order.user_id.label("user_id"), func.count(Order.id).label("orders"))
                 .where(Order.brand_id == partner.brand_id, Order.status.in_(PAID),
                        Order.user_id.in_(select(Partner.user_id).where(Partner.id.in_(in_team))))
                 .group_by(Order.user_id).subquery())
    level = case((Partner.inviter_id == partner.id, 1), else_=2)
    rows = session.execute(
        select(level, User.name, Partner.joined_at, Partner.status,
               func.coalesce(sales.c.sales, 0), func.coalesce(sales.c.orders, 0),
               func.coalesce(purchases.c.orders, 0))
        .select_from(Partner)
        .join(User, User.id == Partner.user_id)
        .join(inviter, inviter.id == Partner.inviter_id)
        .outerjoin(sales, sales.c.partner_id == Partner.id)
        .outerjoin(purchases, purchases.c.user_id == Partner.user_id)
        .where(or_(Partner.inviter_id == partner.id, inviter.inviter_id == partner.id),
               Partner.id != partner.id)
        .order_by(level, func.coalesce(sales.c.sales, 0).desc(), Partner.joined_at, Partner.id))
    return [Member(int(lvl), mask_name(name), joined, status, int(sales_fen), int(count), int(bought))
            for lvl, name, joined, status, sales_fen, count, bought in rows]
