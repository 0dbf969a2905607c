"""The database guards the books itself (migration 12b0ledger02), not only mall.commission.ledger.post.

Each refusal is shown with raw SQL on the session's connection, as a hand edit or a bug that bypasses
post() would write it: ledger rows are append-only on both databases, account kinds are CHECK-constrained,
and on PostgreSQL a transaction that does not balance is refused at COMMIT.
"""
import re

import pytest
from sqlalchemy import CheckConstraint, inspect, select, text
from sqlalchemy.exc import IntegrityError

from mall.commission.audit_books import audit_books
from mall.commission.ledger import (
    ACCOUNT_KINDS,
    OWNER_KINDS,
    PAYOUT,
    RETURN,
    REVERSAL,
    SETTLEMENT,
    WITHDRAWAL,
    brand_account,
)
from mall.commission.models import Account, LedgerEntry, LedgerTransaction
from mall.commission.withdrawals import approve_withdrawal, pay_withdrawal, reject_withdrawal, request_withdrawal
from mall.jobs.settle import settle_due
from tests.integration.commission_support import T0, Books, days, transactions

TRIGGERS = {
    "postgresql": {"ledger_entries_append_only", "ledger_entries_balanced",
                   "ledger_transactions_append_only", "ledger_transactions_balanced"},
    "sqlite": {"ledger_entries_no_update", "ledger_entries_no_delete",
               "ledger_transactions_no_update", "ledger_transactions_no_delete"},
}
NO_DEFERRED_TRIGGERS = ("SQLite has no deferred triggers and checks each statement alone, so it cannot wait for a "
                        "transaction's last leg; on SQLite balance is ledger.post's promise and the audit's check")


@pytest.fixture()
def books(make, db):
    """A paid order: one accrual transaction, committed, with its legs."""
    books = Books(make, db.session)
    books.paid_order()
    return books


def installed_triggers(db) -> set[str]:
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    return set(db.session.scalars(text(query)))


def first(db, model):
    return db.session.scalar(select(model.id).order_by(model.id))


def raw(db, sql: str, **params):
    return db.session.execute(text(sql), params)


@pytest.mark.parametrize("sql, refusal", [
    ("UPDATE ledger_entries SET amount_fen = amount_fen + 1 WHERE id = :entry", "ledger_entries is append-only: UPDATE"),
    ("DELETE FROM ledger_entries WHERE id = :entry", "ledger_entries is append-only: DELETE"),
    ("UPDATE ledger_transactions SET kind = 'settlement' WHERE id = :tx", "ledger_transactions is append-only: UPDATE"),
    # Its entries' foreign keys would refuse this too; the trigger refuses it first, entries or not.
    ("DELETE FROM ledger_transactions WHERE id = :tx", "ledger_transactions is append-only: DELETE"),
], ids=["update entry", "delete entry", "update transaction", "delete transaction"])
def test_ledger_rows_are_append_only(books, db, sql, refusal):
    before = db.session.execute(select(LedgerEntry.id, LedgerEntry.amount_fen, LedgerTransaction.kind)
                                .join(LedgerTransaction).order_by(LedgerEntry.id)).all()
    with pytest.raises(IntegrityError, match=refusal):
        raw(db, sql, entry=first(db, LedgerEntry), tx=first(db, LedgerTransaction))
    db.session.rollback()
    assert db.session.execute(select(LedgerEntry.id, LedgerEntry.amount_fen, LedgerTransaction.kind)
                              .join(LedgerTransaction).order_by(LedgerEntry.id)).all() == before


def insert_transaction(db, brand_id: int, key: str) -> int:
    raw(db, "INSERT INTO ledger_transactions (brand_id, key, kind, created_at) VALUES (:brand, :key, 'accrual', :at)",
        brand=brand_id, key=key, at=T0)
    return db.session.scalar(select(LedgerTransaction.id).where(LedgerTransaction.key == key))


def insert_leg(db, tx_id: int, account_id: int, fen: int) -> None:
    raw(db, "INSERT INTO ledger_entries (transaction_id, account_id, amount_fen) VALUES (:tx, :account, :fen)",
        tx=tx_id, account=account_id, fen=fen)


@pytest.mark.parametrize("legs", [[100], [], [100, -99], "extra leg on a committed transaction"],
                         ids=["one leg", "no legs", "off by one", "appended leg"])
def test_a_transaction_must_balance_at_commit(books, db, legs):
    if db.engine.dialect.name != "postgresql":
        pytest.skip(NO_DEFERRED_TRIGGERS)
    payable = brand_account(db.session, books.brand.id, "payable").id
    fees = brand_account(db.session, books.brand.id, "fees").id
    db.session.commit()
    # Legs written one statement at a time: the check waits for COMMIT, so a balanced raw insert goes through.
    tx = insert_transaction(db, books.brand.id, "raw:balanced")
    insert_leg(db, tx, payable, -250)
    insert_leg(db, tx, fees, 250)
    db.session.commit()

    if legs == "extra leg on a committed transaction":
        insert_leg(db, tx, fees, 1)
    else:
        unbalanced = insert_transaction(db, books.brand.id, "raw:unbalanced")
        for fen in legs:
            insert_leg(db, unbalanced, payable if fen < 0 else fees, fen)
    with pytest.raises(IntegrityError, match="does not balance"):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(select(LedgerTransaction.key).where(LedgerTransaction.key.like("raw:%"))).all() == \
        ["raw:balanced"]


@pytest.mark.parametrize("column, value, constraint", [
    ("kind", "bonus", "ck_accounts_kind_known"),
    ("owner_kind", "customer", "ck_accounts_owner_kind_known"),
])
def test_accounts_have_known_kinds(books, db, column, value, constraint):
    row = {"brand_id": books.brand.id, "owner_kind": "partner", "owner_id": 1, "kind": "pending", "balance_fen": 0,
           column: value}
    with pytest.raises(IntegrityError, match=constraint):
        raw(db, "INSERT INTO accounts (brand_id, owner_kind, owner_id, kind, balance_fen) "
                "VALUES (:brand_id, :owner_kind, :owner_id, :kind, :balance_fen)", **row)
    db.session.rollback()
    with pytest.raises(IntegrityError, match=constraint):  # nor can an existing account be renamed into one
        raw(db, f"UPDATE accounts SET {column} = :value WHERE id = :id", value=value, id=first(db, Account))
    db.session.rollback()


def test_the_migrated_checks_list_the_models_constants(db):
    """The migration froze its SQL; the models build theirs from the constants: the two must agree."""
    def literals(sql: str) -> set[str]:
        return set(re.findall(r"'([^']*)'", sql))

    # The test's own connection: another one would wait on SQLite for the test's write lock.
    conn = db.session.connection()
    reflected = {table: {c["name"]: literals(c["sqltext"]) for c in inspect(conn).get_check_constraints(table)}
                 for table in ("accounts", "ledger_entries", "ledger_transactions")}
    assert reflected["accounts"]["ck_accounts_kind_known"] == set(ACCOUNT_KINDS)
    assert reflected["accounts"]["ck_accounts_owner_kind_known"] == set(OWNER_KINDS)
    declared = {model.__tablename__: {c.name: literals(str(c.sqltext)) for c in model.__table__.constraints
                                      if isinstance(c, CheckConstraint)}
                for model in (Account, LedgerEntry, LedgerTransaction)}
    assert declared == reflected


def test_every_posting_still_goes_through_the_guards(make, db):
    """Pay, refund, settle, withdraw (paid and rejected): all post and commit with the triggers in place."""
    assert installed_triggers(db) >= TRIGGERS[db.engine.dialect.name]
    books = Books(make, db.session, withdraw_fee_bp=100)
    order = books.paid_order([(10000, 2)])
    books.refund(order, [(order.lines[0], 5000)])
    books.complete(order, at=T0)
    assert settle_due(db.session, now=T0 + days(8)) > 0
    db.session.commit()
    paid = request_withdrawal(db.session, partner_id=books.sharer.id, amount_fen=500, request_key="paid", now=T0)
    approve_withdrawal(db.session, paid.id, by_user_id=None, now=T0)
    pay_withdrawal(db.session, paid.id, by_user_id=None, now=T0)
    rejected = request_withdrawal(db.session, partner_id=books.sharer.id, amount_fen=300, request_key="no", now=T0)
    reject_withdrawal(db.session, rejected.id, by_user_id=None, reason="test", now=T0)
    db.session.commit()

    for kind in (REVERSAL, SETTLEMENT, WITHDRAWAL, PAYOUT, RETURN):
        assert transactions(db.session, kind) > 0, kind
    assert books.balances()["withdrawn"] == 495
    report = audit_books(db.session)
    assert report.ok, [check.violations for check in report.checks]
