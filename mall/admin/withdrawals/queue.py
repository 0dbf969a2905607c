"""What the brand admin's withdrawal queue reads: the brand's withdrawals, those waiting for someone first."""
from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session, joinedload

from mall.commission.models import Withdrawal
from mall.referral.models import Partner

# Waiting for the admin: a request to decide, an approval to pay out, a failed payout to retry.
WAITING = ("requested", "approved", "failed")
STATUSES = (*WAITING, "paid", "rejected")


def withdrawal_queue(brand_id: int | None, status: str | None = None) -> Select:
    """Withdrawals of the brand (every brand's for None), for db.paginate.

    Waiting ones come first, oldest first (first come, first served); decided ones after, newest first.
    """
    waiting = Withdrawal.status.in_(WAITING)
    query = (select(Withdrawal)
             .options(joinedload(Withdrawal.partner).joinedload(Partner.user),
                      joinedload(Withdrawal.partner).joinedload(Partner.brand))
             .order_by(case((waiting, 0), else_=1),
                       case((waiting, Withdrawal.created_at), else_=None).asc(),
                       Withdrawal.created_at.desc(), Withdrawal.id))
    if brand_id is not None:
        query = query.where(Withdrawal.brand_id == brand_id)
    if status in STATUSES:
        query = query.where(Withdrawal.status == status)
    return query


def withdrawal_of_brand(session: Session, withdrawal_id: int, brand_id: int | None) -> Withdrawal | None:
    """One withdrawal of the brand (any brand's for None); another brand's is not found."""
    withdrawal = session.get(Withdrawal, withdrawal_id)
    if withdrawal is None or (brand_id is not None and withdrawal.brand_id != brand_id):
        return None
    return withdrawal
