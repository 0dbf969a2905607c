"""What a partner's dashboard reads: memberships, balances, earnings by day. Read-only; the attributed orders,
customers masked, are mall.partner.order_cards."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import BigInteger, cast, func, select
from sqlalchemy.orm import Session, joinedload

from mall.commission.balances import balances
from mall.commission.ledger import ACCRUAL, PENDING
from mall.commission.models import Account, LedgerEntry, LedgerTransaction
from mall.partner.chart import BarChart, bar_chart, day_series
from mall.partner.days import day_range_utc, local_date
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


def earnings_by_day(session: Session, partner: Partner, *, first: date, tz: tzinfo) -> dict[date, int]:
    """Commission accrued per local day since `first` (what became pending that day)."""
    start, _ = day_range_utc(first, None, tz)
    # The account first, then only its entries: joined in one query the planner walked the whole brand's accruals.
    account_id = session.scalar(select(Account.id).where(
        Account.brand_id == partner.brand_id, Account.owner_kind == "partner", Account.owner_id == partner.id,
        Account.kind == PENDING))
    if account_id is None:
        return {}
    # Summed in SQL per quarter hour of UTC, then each quarter hour to its local day here: SQLite cannot convert
    # time zones, and every zone's offset is a whole number of quarter hours. A partner with thousands of
    # accruals a month hands Python at most 96 rows a day instead of one per accrual.
    quarter = _quarter_hour(session, LedgerTransaction.created_at)
    rows = session.execute(
        select(quarter, func.sum(LedgerEntry.amount_fen))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerEntry.account_id == account_id, LedgerTransaction.kind == ACCRUAL,
               LedgerTransaction.created_at >= start)
        .group_by(quarter))
    per_day: dict[date, int] = {}
    for number, amount in rows:
        day = datetime.fromtimestamp(int(number) * QUARTER_HOUR, UTC).astimezone(tz).date()
        per_day[day] = per_day.get(day, 0) + int(amount)
    return per_day


QUARTER_HOUR = 900  # seconds


def _quarter_hour(session: Session, moment):
    """The number of the UTC quarter hour a naive-UTC timestamp falls in (seconds since 1970 // 900)."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%s", moment), BigInteger) // QUARTER_HOUR
    return cast(func.floor(func.extract("epoch", moment) / QUARTER_HOUR), BigInteger)


def earnings_chart(session: Session, partner: Partner, *, now: datetime, tz: tzinfo, days: int = 30) -> BarChart:
    """Bars for the commission accrued on each of the last `days` local days, today included."""
    today = local_date(now, tz)
    first = today - timedelta(days=days - 1)
    return bar_chart(day_series(earnings_by_day(session, partner, first=first, tz=tz), last=today, days=days))
