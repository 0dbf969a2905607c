"""Commission accrued per pending account and UTC quarter hour: the partner's 30-day chart reads at most
96 rows a day of it instead of every ledger entry the partner ever had.

Why a roll-up and not a time on each ledger entry: ledger entries carry no time, and transaction ids are not
in time order, so the chart joined all of an account's entries (100,000 for a heavy partner) to their
transactions to keep the last 30 days' accruals. A copied `created_at` with an index (account, time) would
still read every settlement and reversal leg of those days and join each to its transaction for its kind;
and adding it means backfilling an append-only table whose triggers refuse UPDATE (and that SQLite's batch
mode would recreate without them). This table is small, keyed (account, quarter hour), filled by
ledger.post for every accrual in the same savepoint as the entries (an upsert: two payments of the same
quarter hour add up), and backfilled from the ledger by migration 20c0chart01. Its rows are taken after the
brand's PAYABLE row, which every accrual holds, so they add no lock of their own to contend for.

Measured (bench/RESULTS.md, "Dashboard chart"): the heavy partner's 30 days are ~2,900 rows, an index-only
scan of 0.35 ms on PostgreSQL, where the join of its 100,000 entries took 40-200 ms.

UTC quarter hours, because the chart's days are the viewer's local days and every zone's offset is a whole
number of quarter hours: the chart maps each quarter hour to its local day, exactly as it mapped each
transaction's time before. Only accruals count, as before: reversals and settlement moves leave the chart.
"""
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mall.commission.models import PENDING, AccruedQuarterHour

QUARTER_HOUR = 900  # seconds


def quarter_hour(moment: datetime) -> int:
    """The number of the UTC quarter hour a naive-UTC (or aware) moment falls in: seconds since 1970 // 900."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return int(aware.timestamp()) // QUARTER_HOUR


def add_accrual(session: Session, *, at: datetime, entries) -> None:
    """Count an accrual's legs on pending accounts, (account, amount_fen) pairs, in its quarter hour."""
    amounts: dict[int, int] = defaultdict(int)
    for acct, amount in entries:
        if acct.kind == PENDING:
            amounts[acct.id] += int(amount)
    if not amounts:
        return
    number = quarter_hour(at)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # Sorted by account: two accruals sharing accounts take the rows' locks in one order.
    statement = insert(AccruedQuarterHour).values(
        [dict(account_id=account_id, quarter_hour=number, amount_fen=amount)
         for account_id, amount in sorted(amounts.items())])
    session.execute(statement.on_conflict_do_update(
        index_elements=["account_id", "quarter_hour"],
        set_={"amount_fen": AccruedQuarterHour.amount_fen + statement.excluded.amount_fen}))


def accrued_between(session: Session, account_id: int, bounds: list[int]) -> dict[int, int]:
    """The account's accruals summed per range of quarter hours: {i: amount} for [bounds[i], bounds[i + 1]).

    Summed by the database: a heavy partner's 30 days are ~2,900 rows, and fetching them into Python to add
    them up was most of the dashboard's time (bench/RESULTS.md, "The heavy partner's dashboard"). The ranges
    are the viewer's local days, so the bucket is a CASE over their ends rather than arithmetic on the hour:
    a day is 92, 96 or 100 quarter hours where clocks change."""
    if len(bounds) < 2:
        return {}
    number = AccruedQuarterHour.quarter_hour
    lengths = {end - start for start, end in zip(bounds, bounds[1:], strict=False)}
    if len(lengths) == 1:  # ranges of one length (days without a clock change): arithmetic, not 30 comparisons
        bucket = (number - bounds[0]) // lengths.pop()
    else:
        bucket = case(*[(number < end, i) for i, end in enumerate(bounds[1:-1])], else_=len(bounds) - 2)
    # Grouped by the column's name: the CASE's values are bound parameters, and PostgreSQL does not take
    # "GROUP BY CASE ... $5" for the same expression as "SELECT CASE ... $1".
    rows = session.execute(select(bucket.label("bucket"), func.sum(AccruedQuarterHour.amount_fen))
                           .where(AccruedQuarterHour.account_id == account_id, number >= bounds[0],
                                  number < bounds[-1])
                           .group_by(literal_column("bucket")))
    return {int(i): int(amount) for i, amount in rows}


def newest_quarter_hour(session: Session, account_id: int) -> int | None:
    return session.scalar(select(func.max(AccruedQuarterHour.quarter_hour))
                          .where(AccruedQuarterHour.account_id == account_id))


def ceil_quarter_hour(moment: datetime) -> int:
    """The first quarter hour that starts at or after a naive-UTC moment."""
    return -(-int(moment.replace(tzinfo=UTC).timestamp()) // QUARTER_HOUR)
