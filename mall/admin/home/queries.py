"""Today's numbers on the console's home: read-only counts and sums, each one query by the database."""
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mall.admin.reports.queries import sales_report
from mall.commission.models import Withdrawal
from mall.orders.models import Order, Refund, RefundStatus
from mall.partner.days import local_date

WITHDRAWALS_WAITING = ("requested", "approved")  # to decide, and approved but not paid out yet


@dataclass(frozen=True)
class Today:
    paid_orders: int
    gmv_fen: int
    commission_fen: int
    refunds_waiting: int
    withdrawals_waiting: int


def today(session: Session, brand_id: int | None, *, now: datetime, tz: tzinfo) -> Today:
    """Orders paid today (local day), their GMV and commission; refund requests and withdrawals waiting."""
    day = local_date(now, tz)
    total = sales_report(session, brand_id, "day", day, day, tz).total
    refunds = select(func.count(Refund.id)).join(Order, Order.id == Refund.order_id) \
        .where(Refund.status == RefundStatus.REQUESTED)
    withdrawals = select(func.count(Withdrawal.id)).where(Withdrawal.status.in_(WITHDRAWALS_WAITING))
    if brand_id is not None:
        refunds = refunds.where(Order.brand_id == brand_id)
        withdrawals = withdrawals.where(Withdrawal.brand_id == brand_id)
    return Today(paid_orders=total.orders, gmv_fen=total.gmv_fen, commission_fen=total.commission_fen,
                 refunds_waiting=int(session.scalar(refunds)), withdrawals_waiting=int(session.scalar(withdrawals)))
