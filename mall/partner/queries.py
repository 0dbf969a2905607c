"""What a partner's dashboard reads: memberships, balances, earnings by day. Read-only; the attributed orders,
customers masked, are mall.partner.order_cards."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from mall.commission.balances import balances
from mall.commission.earnings import QUARTER_HOUR, accrued_between, ceil_quarter_hour, newest_quarter_hour
from mall.commission.ledger import PENDING
from mall.commission.models import Account
from mall.partner.chart import BarChart, bar_chart, day_series
from mall.partner.days import day_start_utc, local_date
from mall.referral.models import Partner


def memberships(session: Session, user_id: int) -> list[Partner]:
    """The brands a user is a partner of, oldest membership first (the default one)."""
    return list(session.scalars(select(Partner).where(Partner.user_id == user_id)
                                .options(joinedload(Partner.brand)).order_by(Partner.joined_at, Partner.id)))


def membership_for(partners: list[Partner], brand_slug: str | None) -> Partner | None:
    """The membership the dashboard shows: the brand asked for, else the first; None if not a partner there."""
    if not brand_slug:
        return partners[0] if partners else None
    return next((p for p in partners if p.brand.slug == brand_slug), None)


@dataclass(frozen=True)
class Totals:
    pending: int = 0
    available: int = 0
    withdrawing: int = 0
    withdrawn: int = 0
    debt: int = 0  # <= 0: what the partner owes the brand after reversals of withdrawn money
    reversed: int = 0

    @property
    def owed(self) -> int:
        return -self.debt if self.debt < 0 else 0


def totals(session: Session, partner: Partner) -> Totals:
    """Balances from the partner's ledger accounts, and everything reversed so far."""
    found = balances(session, brand_id=partner.brand_id, owner_kind="partner", owner_id=partner.id)
    return Totals(**{kind: int(found.get(kind, 0)) for kind in Totals.__dataclass_fields__})


def earnings_by_day(session: Session, partner: Partner, *, first: date, tz: tzinfo,
                    last: date | None = None) -> dict[date, int]:
    """Commission accrued per local day from `first` to `last` (default: the newest day with an accrual),
    what became pending that day.

    Read from the accruals' roll-up per UTC quarter hour (mall.commission.earnings, why there), summed per local
    day by the database: SQLite cannot convert time zones, but every zone's local midnights fall on quarter
    hours, so each day is a range of quarter hours, DST changes included."""
    account_id = session.scalar(select(Account.id).where(
        Account.brand_id == partner.brand_id, Account.owner_kind == "partner", Account.owner_id == partner.id,
        Account.kind == PENDING))
    if account_id is None:
        return {}
    if last is None:
        newest = newest_quarter_hour(session, account_id)
        if newest is None:
            return {}
        last = local_date(datetime.fromtimestamp(newest * QUARTER_HOUR, UTC).replace(tzinfo=None), tz)
    if last < first:
        return {}
    days = [first + timedelta(days=n) for n in range((last - first).days + 2)]
    bounds = [ceil_quarter_hour(day_start_utc(day, tz)) for day in days]
    return {days[i]: amount for i, amount in sorted(accrued_between(session, account_id, bounds).items())}


def earnings_chart(session: Session, partner: Partner, *, now: datetime, tz: tzinfo, days: int = 30) -> BarChart:
    """Bars for the commission accrued on each of the last `days` local days, today included."""
    today = local_date(now, tz)
    first = today - timedelta(days=days - 1)
    return bar_chart(day_series(earnings_by_day(session, partner, first=first, last=today, tz=tz), last=today,
                                days=days))
