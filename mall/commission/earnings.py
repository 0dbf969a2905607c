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

from sqlalchemy import select
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


def accrued_since(session: Session, account_id: int, start: datetime) -> list[tuple[int, int]]:
    """(quarter hour, amount) of the account's accruals at or after naive-UTC `start`, oldest first."""
    # `start` is a local midnight, so on a quarter hour: the quarter hours before it hold only earlier accruals.
    rows = session.execute(select(AccruedQuarterHour.quarter_hour, AccruedQuarterHour.amount_fen)
                           .where(AccruedQuarterHour.account_id == account_id,
                                  AccruedQuarterHour.quarter_hour >= ceil_quarter_hour(start))
                           .order_by(AccruedQuarterHour.quarter_hour))
    return [(int(number), int(amount)) for number, amount in rows]


def ceil_quarter_hour(moment: datetime) -> int:
    """The first quarter hour that starts at or after a naive-UTC moment."""
    return -(-int(moment.replace(tzinfo=UTC).timestamp()) // QUARTER_HOUR)
