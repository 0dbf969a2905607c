"""A partner's withdrawals as a list with progress steps (the requests themselves: mall.commission.withdrawals)."""
from dataclasses import dataclass

from sqlalchemy import Select, select

from mall.commission.models import Withdrawal

# requested -> approved -> paid is the happy path; rejected and failed end it early (failed may be retried).
HAPPY_PATH = ("requested", "approved", "paid")


@dataclass(frozen=True)
class Step:
    status: str
    done: bool
    current: bool


def withdrawals_of(partner_id: int) -> Select:
    """Newest first, for db.paginate."""
    return (select(Withdrawal).where(Withdrawal.partner_id == partner_id)
            .order_by(Withdrawal.created_at.desc(), Withdrawal.id.desc()))


def progress(status: str) -> tuple[Step, ...]:
    """The steps to draw for a withdrawal: the happy path up to where it is, or where it stopped."""
    if status in ("rejected", "failed"):
        # Rejected stops after the request; a failed payout had been approved first.
        reached = ("requested",) if status == "rejected" else ("requested", "approved")
        return tuple(Step(s, True, False) for s in reached) + (Step(status, True, True),)
    position = HAPPY_PATH.index(status) if status in HAPPY_PATH else 0
    return tuple(Step(s, i <= position, i == position) for i, s in enumerate(HAPPY_PATH))
