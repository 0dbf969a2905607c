"""Ledger accounts are looked up once per transaction (mall.commission.ledger.account), never across one."""
from sqlalchemy import select

from mall.commission.ledger import PENDING, Owner, account, owner_account
from mall.commission.models import Account
from tests.sql_statements import sql_of


def account_queries(db, work) -> int:
    return len([s for s in sql_of(db, work) if "FROM accounts" in s])


def test_the_same_account_is_read_once_in_a_transaction(make, db):
    brand = make.brand()
    owner = Owner(brand.id, "brand", brand.id)
    first = owner_account(db.session, owner, PENDING)
    assert account_queries(db, lambda: [owner_account(db.session, owner, PENDING) for _ in range(5)]) == 0
    assert owner_account(db.session, owner, PENDING) is first


def test_an_account_created_in_undone_work_is_not_handed_out(make, db):
    brand = make.brand()
    db.session.commit()
    savepoint = db.session.begin_nested()
    created = account(db.session, brand.id, "brand", brand.id, "payable")
    savepoint.rollback()
    again = account(db.session, brand.id, "brand", brand.id, "payable")
    assert again is not created
    db.session.flush()
    assert db.session.scalars(select(Account).where(Account.brand_id == brand.id)).all() == [again]


def test_a_new_transaction_reads_the_account_again(make, db):
    brand = make.brand()
    account(db.session, brand.id, "brand", brand.id, "payable")
    db.session.commit()
    assert account_queries(db, lambda: account(db.session, brand.id, "brand", brand.id, "payable")) == 1
