"""`flask mall audit`: check the books end to end, from the ledger's own data.

Each check reports how many rows it looked at and every violation it found; the command exits non-zero
on any. Who promises what (the schema since migration 12b0ledger02):

- Both databases refuse, statement by statement: UPDATE or DELETE of a ledger entry or transaction
  (triggers), a zero entry, an asset account below zero or a debt above it, an account kind or owner
  kind outside mall.commission.models' lists (CHECKs), a second transaction under the same key (UNIQUE).
- PostgreSQL also refuses, at COMMIT, a transaction with no entries or whose entries do not sum to zero
  (deferred constraint triggers); with non-zero entries that also means at least two legs.
- SQLite cannot defer a check to COMMIT and checks each statement alone, so a balance trigger would
  refuse every posting's first leg: there, balance is only ledger.post's promise (it refuses unbalanced
  entries before writing any).
- Python alone, on both: the cached balance equals its entries (post moves both in one transaction;
  accounts stay updatable), each share is its line's base x ratio and matches its entries, every entry
  traces to an order line or a withdrawal.
- Neither database refuses TRUNCATE or the schema owner switching the triggers off.

So these checks re-verify everything, the database's guarantees included: they are what catches a
restored dump, a trigger disabled by hand, or a bug that posted a wrong but balanced amount.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select

from mall.commission.ledger import ACCRUAL, AVAILABLE, DEBT, PENDING, REVERSAL, WITHDRAWING, WITHDRAWN
from mall.commission.models import Account, CommissionShare, LedgerEntry, LedgerTransaction, Withdrawal
from mall.commission.settings import BP_PER_UNIT
from mall.orders.models import OrderLine

LIMIT = 50  # violations listed per check; the count is always complete
STREAM_ROWS = 10_000


@dataclass
class Check:
    name: str
    checked: int = 0
    violations: list[str] = field(default_factory=list)
    count: int = 0  # all violations, even beyond those listed

    def fail(self, message: str) -> None:
        self.count += 1
        if len(self.violations) < LIMIT:
            self.violations.append(message)

    @property
    def ok(self) -> bool:
        return self.count == 0


@dataclass
class AuditReport:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def audit_books(session) -> AuditReport:
    """Run every check of the books; read-only."""
    return AuditReport([_transactions_balance(session), _cached_balances(session), _entries_trace(session),
                        _shares_are_floor_of_ratio(session), _line_net_within_ratio(session),
                        _shares_match_entries(session), _withdrawals_match_entries(session)])


def _stream(session, query):
    """Rows read as they come (a server-side cursor on PostgreSQL): memory stays flat over 10,000,000 entries."""
    return session.execute(query.execution_options(yield_per=STREAM_ROWS))


def _count(session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery()))


def _transactions_balance(session) -> Check:
    check = Check("every transaction balances")
    total, entries = func.coalesce(func.sum(LedgerEntry.amount_fen), 0), func.count(LedgerEntry.id)
    check.checked = _count(session, select(LedgerTransaction.id))
    wrong = (select(LedgerTransaction.key, total, entries).outerjoin(LedgerEntry)
             .group_by(LedgerTransaction.id, LedgerTransaction.key).having((entries < 2) | (total != 0)))
    for key, fen, count in _stream(session, wrong):
        check.fail(f"transaction {key}: {count} entries summing to {fen}")
    return check


def _cached_balances(session) -> Check:
    check = Check("cached balances equal the sum of entries")
    sums = (select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_fen).label("fen"))
            .group_by(LedgerEntry.account_id).subquery())
    expected = func.coalesce(sums.c.fen, 0)
    assets = Account.kind.in_((PENDING, AVAILABLE, WITHDRAWING, WITHDRAWN))
    check.checked = _count(session, select(Account.id))
    wrong = (select(Account.id, Account.owner_kind, Account.owner_id, Account.kind, Account.balance_fen, expected)
             .outerjoin(sums, sums.c.account_id == Account.id)
             .where((Account.balance_fen != expected) | ((Account.kind == "debt") & (Account.balance_fen > 0))
                    | (assets & (Account.balance_fen < 0)))
             .order_by(Account.id))
    for account_id, owner_kind, owner_id, kind, balance, fen in _stream(session, wrong):
        label = f"account {account_id} ({owner_kind} {owner_id} {kind})"
        if balance != fen:
            check.fail(f"{label}: balance {balance}, entries sum to {fen}")
        if kind == "debt" and balance > 0 or kind in (PENDING, AVAILABLE, WITHDRAWING, WITHDRAWN) and balance < 0:
            check.fail(f"{label}: balance {balance} has the wrong sign")
    return check


def _entries_trace(session) -> Check:
    check = Check("every entry traces to an order line or a withdrawal")
    check.checked = _count(session, select(LedgerEntry.id))
    tx, share = LedgerTransaction, CommissionShare
    wrong = (select(LedgerEntry.id, tx.key, LedgerEntry.share_id)
             .join(tx, tx.id == LedgerEntry.transaction_id)
             .outerjoin(share, share.id == LedgerEntry.share_id)
             .where(or_(and_(LedgerEntry.share_id.is_not(None),
                             or_(tx.order_id.is_(None), share.order_id.is_(None), share.order_id != tx.order_id)),
                        and_(LedgerEntry.share_id.is_(None), tx.withdrawal_id.is_(None))))
             .order_by(LedgerEntry.id))
    for entry_id, key, share_id in _stream(session, wrong):
        if share_id is not None:
            check.fail(f"entry {entry_id} of {key}: its share belongs to another order")
        else:
            check.fail(f"entry {entry_id} of {key}: neither an order line nor a withdrawal")
    return check


def _shares_are_floor_of_ratio(session) -> Check:
    check = Check("each share is floor(line base x its ratio)")
    share = CommissionShare
    joined = select(share.id).join(OrderLine, OrderLine.id == share.line_id)
    check.checked = _count(session, joined)
    # Integers on both databases: the division truncates, which for these non-negative amounts is floor.
    wrong = (select(share.id, share.base_fen, share.ratio_bp, share.amount_fen, OrderLine.total_fen)
             .join(OrderLine, OrderLine.id == share.line_id)
             .where((share.base_fen != OrderLine.total_fen)
                    | (share.amount_fen != share.base_fen * share.ratio_bp // BP_PER_UNIT))
             .order_by(share.id))
    for share_id, base, ratio_bp, amount, line_total in _stream(session, wrong):
        if base != line_total:
            check.fail(f"share {share_id}: base {base} is not the line's total {line_total}")
        if amount != base * ratio_bp // BP_PER_UNIT:
            check.fail(f"share {share_id}: {amount} is not floor({base} x {ratio_bp} bp)")
    return check


def _line_net_within_ratio(session) -> Check:
    check = Check("per line, net commission <= base x total ratio")
    live = CommissionShare.status.in_(("planned", "pending", "available"))
    net = func.sum(CommissionShare.amount_fen - CommissionShare.reversed_fen)
    total_bp = func.sum(CommissionShare.ratio_bp)
    lines = (select(OrderLine.id, OrderLine.total_fen, net, total_bp)
             .join(CommissionShare, and_(CommissionShare.line_id == OrderLine.id, live))
             .group_by(OrderLine.id, OrderLine.total_fen))
    check.checked = _count(session, lines)
    for line_id, base, fen, bp in _stream(session, lines.having(net * BP_PER_UNIT > OrderLine.total_fen * total_bp)):
        check.fail(f"line {line_id}: net commission {fen} exceeds {base} x {bp} bp")
    return check


def _shares_match_entries(session) -> Check:
    """A share's status and amounts must be exactly what its ledger entries say."""
    check = Check("shares match their ledger entries")
    beneficiary = Account.owner_kind != "brand"
    booked = (
        select(LedgerEntry.share_id.label("share_id"),
               func.sum(case((and_(beneficiary, LedgerTransaction.kind == ACCRUAL), LedgerEntry.amount_fen),
                             else_=0)).label("accrued"),
               func.sum(case((and_(beneficiary, LedgerTransaction.kind == REVERSAL), LedgerEntry.amount_fen),
                             else_=0)).label("reversal"),
               func.sum(case((Account.kind == PENDING, LedgerEntry.amount_fen), else_=0)).label("pending"),
               func.sum(LedgerEntry.amount_fen).label("net"))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .join(Account, Account.id == LedgerEntry.account_id)
        .where(LedgerEntry.share_id.is_not(None)).group_by(LedgerEntry.share_id)
    ).subquery()
    share = CommissionShare
    rows = (select(share.id, share.status, share.amount_fen, share.reversed_fen, booked.c.share_id, booked.c.accrued,
                   booked.c.reversal, booked.c.pending, booked.c.net)
            .outerjoin(booked, booked.c.share_id == share.id).order_by(share.id))
    for share_id, status, amount, reversed_fen, has_entries, *sums in _stream(session, rows):
        check.checked += 1
        accrued, reversal, pending_net, net = (int(x or 0) for x in sums)
        label = f"share {share_id} ({status})"
        if status in ("planned", "void"):
            if has_entries is not None:
                check.fail(f"{label}: has ledger entries although it was never accrued")
            continue
        expected_pending = amount - reversed_fen if status == "pending" else 0
        if accrued != amount:
            check.fail(f"{label}: accrued {accrued}, share amount {amount}")
        if -reversal != reversed_fen:
            check.fail(f"{label}: reversal entries {-reversal}, share reversed {reversed_fen}")
        if pending_net != expected_pending:
            check.fail(f"{label}: {pending_net} still pending in the ledger, expected {expected_pending}")
        if status == "replaced" and reversed_fen != amount:
            check.fail(f"{label}: replaced but not fully reversed")
        if net != 0:
            check.fail(f"{label}: its entries sum to {net}, not 0")
    orphans = (select(LedgerEntry.share_id).outerjoin(share, share.id == LedgerEntry.share_id)
               .where(LedgerEntry.share_id.is_not(None), share.id.is_(None)).distinct())
    for (share_id,) in _stream(session, orphans):
        check.fail(f"entries point at share {share_id}, which does not exist")
    return check


def _withdrawals_match_entries(session) -> Check:
    check = Check("withdrawals match their ledger entries")
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = session.execute(
        select(LedgerTransaction.withdrawal_id, Account.kind, func.sum(LedgerEntry.amount_fen))
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .join(Account, Account.id == LedgerEntry.account_id)
        .where(LedgerTransaction.withdrawal_id.is_not(None))
        .group_by(LedgerTransaction.withdrawal_id, Account.kind))
    for withdrawal_id, kind, total in rows:
        sums[withdrawal_id][kind] = int(total)
    for withdrawal in session.scalars(select(Withdrawal).order_by(Withdrawal.id)):
        check.checked += 1
        moved = dict(sums.get(withdrawal.id, {}))
        # Money coming back pays off a debt first, so what left available may return partly to debt.
        moved[AVAILABLE] = moved.get(AVAILABLE, 0) + moved.pop(DEBT, 0)
        reserved = withdrawal.status in ("requested", "approved")
        paid = withdrawal.status == "paid"
        expected = {
            WITHDRAWING: withdrawal.amount_fen if reserved else 0,
            AVAILABLE: -withdrawal.amount_fen if reserved or paid else 0,
            WITHDRAWN: withdrawal.amount_fen - withdrawal.fee_fen if paid else 0,
        }
        for kind, fen in expected.items():
            if moved.get(kind, 0) != fen:
                check.fail(f"withdrawal {withdrawal.id} ({withdrawal.status}): {kind} moved {moved.get(kind, 0)}, "
                           f"expected {fen}")
    return check
