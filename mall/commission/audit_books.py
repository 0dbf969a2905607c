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

from sqlalchemy import and_, case, func, select

from mall.commission.ledger import ACCRUAL, AVAILABLE, DEBT, PENDING, REVERSAL, WITHDRAWING, WITHDRAWN
from mall.commission.models import Account, CommissionShare, LedgerEntry, LedgerTransaction, Withdrawal
from mall.commission.settings import BP_PER_UNIT
from mall.orders.models import OrderLine

LIMIT = 50  # violations listed per check; the count is always complete


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


def _transactions_balance(session) -> Check:
    check = Check("every transaction balances")
    sums = select(LedgerTransaction.id, LedgerTransaction.key, func.coalesce(func.sum(LedgerEntry.amount_fen), 0),
                  func.count(LedgerEntry.id)).outerjoin(LedgerEntry).group_by(LedgerTransaction.id,
                                                                               LedgerTransaction.key)
    for _tx_id, key, total, entries in session.execute(sums):
        check.checked += 1
        if entries < 2 or total != 0:
            check.fail(f"transaction {key}: {entries} entries summing to {total}")
    return check


def _cached_balances(session) -> Check:
    check = Check("cached balances equal the sum of entries")
    sums = dict(session.execute(select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_fen))
                                .group_by(LedgerEntry.account_id)).all())
    for acct in session.scalars(select(Account).order_by(Account.id)):
        check.checked += 1
        expected = int(sums.get(acct.id) or 0)
        label = f"account {acct.id} ({acct.owner_kind} {acct.owner_id} {acct.kind})"
        if acct.balance_fen != expected:
            check.fail(f"{label}: balance {acct.balance_fen}, entries sum to {expected}")
        if acct.kind == "debt" and acct.balance_fen > 0 or \
                acct.kind in (PENDING, AVAILABLE, WITHDRAWING, WITHDRAWN) and acct.balance_fen < 0:
            check.fail(f"{label}: balance {acct.balance_fen} has the wrong sign")
    return check


def _entries_trace(session) -> Check:
    check = Check("every entry traces to an order line or a withdrawal")
    rows = session.execute(
        select(LedgerEntry.id, LedgerTransaction.key, LedgerTransaction.order_id, LedgerTransaction.withdrawal_id,
               LedgerEntry.share_id, CommissionShare.order_id)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .outerjoin(CommissionShare, CommissionShare.id == LedgerEntry.share_id))
    for entry_id, key, order_id, withdrawal_id, share_id, share_order_id in rows:
        check.checked += 1
        if share_id is not None:
            if order_id is None or share_order_id != order_id:
                check.fail(f"entry {entry_id} of {key}: its share belongs to another order")
        elif withdrawal_id is None:
            check.fail(f"entry {entry_id} of {key}: neither an order line nor a withdrawal")
    return check


def _shares_are_floor_of_ratio(session) -> Check:
    check = Check("each share is floor(line base x its ratio)")
    rows = session.execute(select(CommissionShare.id, CommissionShare.base_fen, CommissionShare.ratio_bp,
                                  CommissionShare.amount_fen, OrderLine.total_fen)
                           .join(OrderLine, OrderLine.id == CommissionShare.line_id))
    for share_id, base, ratio_bp, amount, line_total in rows:
        check.checked += 1
        if base != line_total:
            check.fail(f"share {share_id}: base {base} is not the line's total {line_total}")
        if amount != base * ratio_bp // BP_PER_UNIT:
            check.fail(f"share {share_id}: {amount} is not floor({base} x {ratio_bp} bp)")
    return check


def _line_net_within_ratio(session) -> Check:
    check = Check("per line, net commission <= base x total ratio")
    live = CommissionShare.status.in_(("planned", "pending", "available"))
    rows = session.execute(
        select(OrderLine.id, OrderLine.total_fen,
               func.sum(CommissionShare.amount_fen - CommissionShare.reversed_fen), func.sum(CommissionShare.ratio_bp))
        .join(CommissionShare, and_(CommissionShare.line_id == OrderLine.id, live))
        .group_by(OrderLine.id, OrderLine.total_fen))
    for line_id, base, net, total_bp in rows:
        check.checked += 1
        if net * BP_PER_UNIT > base * total_bp:
            check.fail(f"line {line_id}: net commission {net} exceeds {base} x {total_bp} bp")
    return check


def _shares_match_entries(session) -> Check:
    """A share's status and amounts must be exactly what its ledger entries say."""
    check = Check("shares match their ledger entries")
    beneficiary = Account.owner_kind != "brand"
    rows = session.execute(
        select(LedgerEntry.share_id,
               func.sum(case((and_(beneficiary, LedgerTransaction.kind == ACCRUAL), LedgerEntry.amount_fen), else_=0)),
               func.sum(case((and_(beneficiary, LedgerTransaction.kind == REVERSAL), LedgerEntry.amount_fen), else_=0)),
               func.sum(case((Account.kind == PENDING, LedgerEntry.amount_fen), else_=0)),
               func.sum(LedgerEntry.amount_fen))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .join(Account, Account.id == LedgerEntry.account_id)
        .where(LedgerEntry.share_id.is_not(None)).group_by(LedgerEntry.share_id))
    booked = {share_id: tuple(int(x) for x in sums) for share_id, *sums in rows}
    for share in session.scalars(select(CommissionShare).order_by(CommissionShare.id)):
        check.checked += 1
        has_entries = share.id in booked
        accrued, reversal, pending_net, net = booked.pop(share.id, (0, 0, 0, 0))
        label = f"share {share.id} ({share.status})"
        if share.status in ("planned", "void"):
            if has_entries:
                check.fail(f"{label}: has ledger entries although it was never accrued")
            continue
        expected_pending = share.amount_fen - share.reversed_fen if share.status == "pending" else 0
        if accrued != share.amount_fen:
            check.fail(f"{label}: accrued {accrued}, share amount {share.amount_fen}")
        if -reversal != share.reversed_fen:
            check.fail(f"{label}: reversal entries {-reversal}, share reversed {share.reversed_fen}")
        if pending_net != expected_pending:
            check.fail(f"{label}: {pending_net} still pending in the ledger, expected {expected_pending}")
        if share.status == "replaced" and share.reversed_fen != share.amount_fen:
            check.fail(f"{label}: replaced but not fully reversed")
        if net != 0:
            check.fail(f"{label}: its entries sum to {net}, not 0")
    for share_id in booked:
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
