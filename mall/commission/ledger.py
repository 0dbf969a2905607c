"""The double-entry ledger: accounts and balanced, append-only, idempotent postings.

Every posting is a LedgerTransaction under a unique key (its cause: "accrual:42", "settlement:7", …) with
entries that sum to zero. Posting the same key twice changes nothing, so callbacks, jobs and double
clicks can replay freely. Accounts cache their balance; the cache moves in the same transaction as the
entries, and the database's CHECK constraints refuse a negative asset instead of us capping it.

The database holds the ledger to this too (migration 12b0ledger02): entries and transactions are
append-only on both databases, and PostgreSQL refuses an unbalanced transaction at COMMIT. SQLite
cannot defer that check, so there the balance check below is the only one; see audit_books for the list.
Every accrual also adds its pending legs to mall.commission.earnings' roll-up, in the same savepoint.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, any_, bindparam, case, event, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mall.commission.earnings import add_accrual
from mall.commission.models import (  # noqa: F401
    ACCOUNT_KINDS,
    AVAILABLE,
    BENEFICIARY_KINDS,
    DEBT,
    FEES,
    OWNER_KINDS,
    PAYABLE,
    PENDING,
    WITHDRAWING,
    WITHDRAWN,
    Account,
    LedgerEntry,
    LedgerTransaction,
)

# Account kinds are defined beside the Account model, whose CHECK constraints are built from them; callers
# import them from here with the rest of the ledger's vocabulary.
from mall.database import plain_session

# Transaction kinds. "reversal" covers refunds and re-attributions: both take commission back.
ACCRUAL, SETTLEMENT, REVERSAL = "accrual", "settlement", "reversal"
WITHDRAWAL, PAYOUT, RETURN = "withdrawal", "payout", "return"  # request/retry; paid; rejected/failed


class LedgerError(Exception):
    """A posting the books refuse (it would drive an asset negative or does not balance)."""


@dataclass(frozen=True)
class Owner:
    """Whose account: a partner, a store or the brand itself (owner_id = brand id)."""

    brand_id: int
    kind: str  # one of OWNER_KINDS: partner | store | brand
    id: int


# Accounts already looked up in the session's current transaction: a payment or a settlement asks for the same
# few accounts once per share. Forgotten at every commit and rollback (a savepoint's too), so an account
# created in work that was undone is never handed out.
_LOOKED_UP = "mall_accounts"


@event.listens_for(Session, "after_transaction_end")
def _forget_at_the_end(session, transaction) -> None:
    if transaction.parent is None:  # the transaction's end, not a savepoint's release
        session.info.pop(_LOOKED_UP, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session, _previous) -> None:
    session.info.pop(_LOOKED_UP, None)


def account(session, brand_id: int, owner_kind: str, owner_id: int, kind: str) -> Account:
    """The account, created on first use; two requests creating it at once end up with the same row."""
    looked_up = plain_session(session).info.setdefault(_LOOKED_UP, {})
    key = (brand_id, owner_kind, owner_id, kind)
    if key not in looked_up:
        looked_up[key] = _find_or_create(session, brand_id, owner_kind, owner_id, kind)
    return looked_up[key]


def accounts(session, keys: list[tuple[int, str, int, str]]) -> list[Account]:
    """account() for many (brand_id, owner_kind, owner_id, kind) keys: those not yet looked up in this
    transaction in one SELECT, the missing ones created in the order of `keys` (as one account() call per key
    would, so the new accounts' ids, which decide the lock order, are the same)."""
    looked_up = plain_session(session).info.setdefault(_LOOKED_UP, {})
    wanted = [key for key in dict.fromkeys(keys) if key not in looked_up]
    if len(wanted) > 1:
        columns = tuple_(Account.brand_id, Account.owner_kind, Account.owner_id, Account.kind)
        for found in session.scalars(select(Account).where(columns.in_(wanted))):
            looked_up[(found.brand_id, found.owner_kind, found.owner_id, found.kind)] = found
    for key in wanted:
        if key not in looked_up:
            looked_up[key] = _find_or_create(session, *key)
    return [looked_up[key] for key in keys]


def _find_or_create(session, brand_id: int, owner_kind: str, owner_id: int, kind: str) -> Account:
    query = select(Account).where(Account.brand_id == brand_id, Account.owner_kind == owner_kind,
                                  Account.owner_id == owner_id, Account.kind == kind)
    found = session.scalars(query).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            created = Account(brand_id=brand_id, owner_kind=owner_kind, owner_id=owner_id, kind=kind, balance_fen=0)
            session.add(created)
        return created
    except IntegrityError:  # the unique (brand, owner, kind) row was inserted by someone else first
        return session.scalars(query.execution_options(populate_existing=True)).one()


def owner_account(session, owner: Owner, kind: str) -> Account:
    return account(session, owner.brand_id, owner.kind, owner.id, kind)


def brand_account(session, brand_id: int, kind: str) -> Account:
    return account(session, brand_id, "brand", brand_id, kind)


# The order every money move locks accounts in: beneficiaries' accounts by id, then the brand's own accounts
# by id. The brand's PAYABLE row is shared by every payment of the brand; taken first (it is the brand's oldest
# account, so the lowest id) it would be held through the other accounts' updates and serialise all the
# brand's payments on it. Taken last, it is held only from the posting's final UPDATE to the commit. One order
# for everyone (lock() and post() alike) keeps two moves sharing accounts from deadlocking.
def lock_order(acct: Account) -> tuple[bool, int]:
    return acct.owner_kind == "brand", acct.id


_LOCK_ORDER = (case((Account.owner_kind == "brand", 1), else_=0), Account.id)


def lock(session, accounts: list[Account]) -> None:
    """Row-lock accounts in lock_order, the order post() updates them in, before reading balances to decide.

    Every money move that reads a balance first locks all the accounts it will touch this way, so two
    moves sharing accounts wait for each other instead of deadlocking.
    """
    ids = sorted({acct.id for acct in accounts})
    if ids:
        session.execute(select(Account.id).where(Account.id.in_(ids)).order_by(*_LOCK_ORDER).with_for_update())


def lock_ids(session, ids) -> None:
    """Row-lock, in lock_order, the accounts whose ids a one-column SELECT gives: lock() for set-based moves."""
    if session.get_bind().dialect.name == "sqlite":
        return  # one writer at a time: the transaction's write lock (BEGIN IMMEDIATE) already covers every row
    # The ids are read first and then locked from an array. With `id IN (the SELECT)`, every row that another
    # transaction had changed while we waited for it is re-checked by PostgreSQL, and each re-check runs the SELECT
    # again. For a settlement batch that SELECT is a scan of its 70,000 shares, and one batch spent 80 s of CPU
    # re-checking the stores' and guides' accounts that a second host had just settled.
    wanted = sorted(set(session.scalars(ids)))
    if wanted:
        session.execute(select(Account.id).where(Account.id == any_(bindparam("ids", wanted, type_=ARRAY(Integer))))
                        .order_by(*_LOCK_ORDER).with_for_update()).all()


def balance(session, acct: Account, *, for_update: bool = False) -> int:
    """The cached balance read from the database (never a stale ORM value); lock it for a decision."""
    query = select(Account.balance_fen).where(Account.id == acct.id)
    if for_update:
        query = query.with_for_update()
    return int(session.scalar(query))


def post(session, *, key: str, kind: str, brand_id: int, entries: list[tuple[Account, int, int | None]],
         order_id: int | None = None, withdrawal_id: int | None = None, refund_id: int | None = None,
         now: datetime) -> LedgerTransaction | None:
    """Post a balanced transaction once; None if `key` was already posted (or nothing moves).

    Raises LedgerError, leaving nothing changed, if an asset account would go negative.
    """
    entries = [(acct, int(amount), share_id) for acct, amount, share_id in entries if amount != 0]
    if sum(amount for _, amount, _ in entries) != 0:
        raise LedgerError(f"{key}: entries do not balance")
    if not entries:
        return None
    if session.scalar(select(LedgerTransaction.id).where(LedgerTransaction.key == key)) is not None:
        return None
    savepoint = session.begin_nested()
    try:
        tx = LedgerTransaction(key=key, kind=kind, brand_id=brand_id, order_id=order_id,
                               withdrawal_id=withdrawal_id, refund_id=refund_id, created_at=now)
        session.add(tx)
        session.flush()
    except IntegrityError:  # posted by a concurrent run between our check and our insert
        savepoint.rollback()
        return None
    try:
        deltas: dict[int, int] = defaultdict(int)
        accounts: dict[int, Account] = {}
        for acct, amount, share_id in entries:
            session.add(LedgerEntry(transaction_id=tx.id, account_id=acct.id, share_id=share_id, amount_fen=amount))
            deltas[acct.id] += amount
            accounts[acct.id] = acct
        session.flush()
        # One UPDATE per account, in lock_order: concurrent postings lock rows in the same order, the brand's last.
        for acct in sorted(accounts.values(), key=lock_order):
            if deltas[acct.id]:
                session.execute(update(Account).where(Account.id == acct.id)
                                .values(balance_fen=Account.balance_fen + deltas[acct.id])
                                .execution_options(synchronize_session=False))
        if kind == ACCRUAL:
            # The dashboard chart's roll-up, after the brand's PAYABLE row: every accrual holds that row first,
            # so the roll-up's rows never join a lock cycle (a re-attribution holds PAYABLE from its reversal).
            add_accrual(session, at=now, entries=[(acct, amount) for acct, amount, _ in entries])
        savepoint.commit()
    except IntegrityError as exc:  # a CHECK refused a negative asset or positive debt
        savepoint.rollback()
        raise LedgerError(f"{key}: {exc.orig}") from exc
    for acct, _, _ in entries:
        session.expire(acct, ["balance_fen"])
    return tx


def entries_sum(session, account_ids: list[int], *, kinds: tuple[str, ...] | None = None) -> int:
    """Sum of entries on some accounts, optionally only from transactions of some kinds."""
    if not account_ids:
        return 0
    query = select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(LedgerEntry.account_id.in_(account_ids))
    if kinds is not None:
        query = query.join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id) \
            .where(LedgerTransaction.kind.in_(kinds))
    return int(session.scalar(query))
