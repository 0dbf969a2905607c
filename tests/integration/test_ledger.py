"""The ledger's own guarantees: balanced, once per key, never a negative asset, accounts created once."""
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mall.commission.balances import balances
from mall.commission.ledger import LedgerError, account, post
from mall.commission.models import Account, LedgerEntry
from tests.integration.commission_support import T0


@pytest.fixture()
def accounts(make, db):
    brand = make.brand()
    return (brand, account(db.session, brand.id, "brand", brand.id, "payable"),
            account(db.session, brand.id, "partner", 7, "pending"),
            account(db.session, brand.id, "partner", 7, "available"))


def test_a_posting_moves_cached_balances_in_the_same_transaction(accounts, db):
    brand, payable, pending, _ = accounts
    post(db.session, key="t1", kind="accrual", brand_id=brand.id, entries=[(payable, -500, None), (pending, 500, None)],
         now=T0)
    db.session.commit()
    assert (payable.balance_fen, pending.balance_fen) == (-500, 500)


def test_the_same_key_posts_once(accounts, db):
    brand, payable, pending, _ = accounts
    entries = [(payable, -500, None), (pending, 500, None)]
    assert post(db.session, key="once", kind="accrual", brand_id=brand.id, entries=entries, now=T0) is not None
    assert post(db.session, key="once", kind="accrual", brand_id=brand.id, entries=entries, now=T0) is None
    db.session.commit()
    assert pending.balance_fen == 500
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 2


def test_unbalanced_entries_are_refused(accounts, db):
    brand, payable, pending, _ = accounts
    with pytest.raises(LedgerError):
        post(db.session, key="bad", kind="accrual", brand_id=brand.id,
             entries=[(payable, -500, None), (pending, 499, None)], now=T0)


def test_an_asset_never_goes_negative_and_nothing_changes(accounts, db):
    brand, payable, pending, available = accounts
    post(db.session, key="in", kind="accrual", brand_id=brand.id, entries=[(payable, -500, None), (pending, 500, None)],
         now=T0)
    with pytest.raises(LedgerError):
        post(db.session, key="too-much", kind="settlement", brand_id=brand.id,
             entries=[(pending, -600, None), (available, 600, None)], now=T0)
    db.session.commit()  # the earlier posting in the same transaction survives; the refused one left no trace
    assert (pending.balance_fen, available.balance_fen) == (500, 0)
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 2
    assert post(db.session, key="too-much", kind="settlement", brand_id=brand.id,
                entries=[(pending, -500, None), (available, 500, None)], now=T0) is not None  # the key is still free


def test_balances_of_someone_without_accounts_are_zero(make, db):
    brand = make.brand()
    assert balances(db.session, brand_id=brand.id, owner_kind="partner", owner_id=1) == {
        "pending": 0, "available": 0, "withdrawing": 0, "withdrawn": 0, "debt": 0, "reversed": 0}


@pytest.mark.real_commits  # threads with their own connections
def test_accounts_created_at_once_are_one_row(make, db):
    brand_id, engine = make.brand().id, db.engine
    db.session.rollback()  # hold no transaction (on SQLite: no write lock) while the threads run
    found, start = [], threading.Barrier(4)

    def create():
        with Session(engine) as session:
            start.wait()
            found.append(account(session, brand_id, "partner", 99, "pending").id)
            session.commit()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(found) == 4 and len(set(found)) == 1
    assert db.session.scalar(select(func.count()).select_from(Account).where(Account.owner_id == 99)) == 1
