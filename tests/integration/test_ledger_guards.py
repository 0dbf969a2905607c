"""The database guards the books itself (migration 12b0ledger02), not only mall.commission.ledger.post.

Each refusal is shown with raw SQL on the session's connection, as a hand edit or a bug that bypasses
post() would write it: account kinds are CHECK-constrained.
"""
import re

import pytest
from sqlalchemy import CheckConstraint, inspect, select, text
from sqlalchemy.exc import IntegrityError

from mall.commission.ledger import ACCOUNT_KINDS, OWNER_KINDS
from mall.commission.models import Account, LedgerEntry, LedgerTransaction
from tests.integration.commission_support import Books


@pytest.fixture()
def books(make, db):
    """A paid order: one accrual transaction, committed, with its legs."""
    books = Books(make, db.session)
    books.paid_order()
    return books


def first(db, model):
    return db.session.scalar(select(model.id).order_by(model.id))


def raw(db, sql: str, **params):
    return db.session.execute(text(sql), params)


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

    with db.engine.connect() as conn:
        reflected = {table: {c["name"]: literals(c["sqltext"]) for c in inspect(conn).get_check_constraints(table)}
                     for table in ("accounts", "ledger_entries", "ledger_transactions")}
    assert reflected["accounts"]["ck_accounts_kind_known"] == set(ACCOUNT_KINDS)
    assert reflected["accounts"]["ck_accounts_owner_kind_known"] == set(OWNER_KINDS)
    declared = {model.__tablename__: {c.name: literals(str(c.sqltext)) for c in model.__table__.constraints
                                      if isinstance(c, CheckConstraint)}
                for model in (Account, LedgerEntry, LedgerTransaction)}
    assert declared == reflected
