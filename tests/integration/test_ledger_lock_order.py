"""Every money move takes the brand's own accounts last (mall.commission.ledger.lock_order): the brand's PAYABLE row,
shared by all its payments, is held only from a posting's last UPDATE to the commit."""
import re

from mall.commission.ledger import account, lock, post
from tests.integration.commission_support import T0
from tests.sql_statements import statements


def updated_account_ids(seen) -> list[int]:
    ids = []
    for sql, params in seen:
        if re.match(r"\s*UPDATE accounts", sql):
            ids.append(next(v for k, v in params.items() if k.startswith("id")) if isinstance(params, dict)
                       else params[-1])
    return ids


def test_a_posting_updates_the_brands_payable_after_the_beneficiaries_accounts(make, db):
    brand = make.brand()
    payable = account(db.session, brand.id, "brand", brand.id, "payable")
    db.session.flush()  # the brand's account is the oldest, so the lowest id
    pendings = [account(db.session, brand.id, "partner", n, "pending") for n in (7, 8)]
    store = account(db.session, brand.id, "store", 3, "pending")
    db.session.flush()
    assert payable.id < min(a.id for a in pendings)
    seen = statements(db, lambda: post(db.session, key="accrual:1", kind="accrual", brand_id=brand.id, now=T0, entries=[
        (payable, -600, None), (pendings[1], 200, None), (store, 100, None), (pendings[0], 300, None)]))
    assert updated_account_ids(seen) == [pendings[0].id, pendings[1].id, store.id, payable.id]
    db.session.commit()
    assert (payable.balance_fen, pendings[0].balance_fen, pendings[1].balance_fen, store.balance_fen) == \
        (-600, 300, 200, 100)


def test_locking_takes_the_brands_accounts_last(make, db):
    brand = make.brand()
    payable = account(db.session, brand.id, "brand", brand.id, "payable")
    db.session.flush()
    pending = account(db.session, brand.id, "partner", 7, "pending")
    db.session.flush()
    seen = statements(db, lambda: lock(db.session, [payable, pending]))
    [(sql, _)] = [s for s in seen if "FROM accounts" in s[0]]
    order_by = sql[sql.index("ORDER BY"):]
    assert order_by.index("CASE") < order_by.index("accounts.id")
    assert "FOR UPDATE" in sql or db.engine.dialect.name == "sqlite"  # SQLite locks the whole database instead
