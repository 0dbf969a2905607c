"""Migration 20c0chart01: the accruals already in the ledger fill the chart's roll-up, per pending account and
UTC quarter hour; settlement moves, reversals and the brand's legs stay out; downgrading drops the table.

On a database of its own, like test_share_time_migration.py (whose scratch fixture this reuses)."""
from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from mall.extensions import db as _db
from tests.integration.test_share_time_migration import scratch  # noqa: F401 (the fixture)

BEFORE, AFTER = "20b0settle01", "20c0chart01"
T = datetime(2026, 11, 20, 10, 0)


def _quarter(at: datetime) -> int:
    return int((at - datetime(1970, 1, 1)).total_seconds()) // 900


POSTINGS = [  # (key, kind, time, [(account id, amount)])
    ("accrual:1", "accrual", datetime(2026, 11, 20, 10, 1), [(1, 100), (2, 50), (9, -150)]),
    ("accrual:2", "accrual", datetime(2026, 11, 20, 10, 14, 59), [(1, 30), (9, -30)]),  # same quarter hour
    ("accrual:3", "accrual", datetime(2026, 11, 20, 10, 15), [(1, 7), (9, -7)]),  # the next one
    ("settlement:1", "settlement", datetime(2026, 11, 20, 10, 2), [(1, -100), (3, 100)]),
    ("reversal:2", "reversal", datetime(2026, 11, 20, 10, 3), [(1, -30), (9, 30)]),
]


def _books(conn) -> None:
    conn.execute(text("INSERT INTO brands (id, slug, name, description, created_at) VALUES (1, 'b', 'B', '', :t)"),
                 {"t": T})
    for account_id, owner_kind, owner_id, kind, balance in (
            (1, "partner", 1, "pending", 7), (2, "partner", 2, "pending", 50), (3, "partner", 1, "available", 100),
            (9, "brand", 1, "payable", -157)):
        conn.execute(text("INSERT INTO accounts (id, brand_id, owner_kind, owner_id, kind, balance_fen) "
                          "VALUES (:i, 1, :ok, :oi, :k, :b)"),
                     {"i": account_id, "ok": owner_kind, "oi": owner_id, "k": kind, "b": balance})
    for tx_id, (key, kind, at, legs) in enumerate(POSTINGS, start=1):
        conn.execute(text("INSERT INTO ledger_transactions (id, brand_id, key, kind, created_at) "
                          "VALUES (:i, 1, :key, :kind, :t)"), {"i": tx_id, "key": key, "kind": kind, "t": at})
        for account_id, amount in legs:
            conn.execute(text("INSERT INTO ledger_entries (transaction_id, account_id, amount_fen) VALUES (:t, :a, :m)"),
                         {"t": tx_id, "a": account_id, "m": amount})


def test_the_ledgers_accruals_fill_the_roll_up_and_leave_on_the_way_back(scratch):  # noqa: F811
    with scratch.app_context():
        upgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            _books(conn)
        upgrade(revision=AFTER)
        with _db.engine.connect() as conn:
            found = conn.execute(text("SELECT account_id, quarter_hour, amount_fen FROM accrued_quarter_hours "
                                      "ORDER BY account_id, quarter_hour")).all()
        q = _quarter(datetime(2026, 11, 20, 10, 0))
        assert [tuple(row) for row in found] == [(1, q, 130), (1, q + 1, 7), (2, q, 50)]
        downgrade(revision=BEFORE)
        assert "accrued_quarter_hours" not in inspect(_db.engine).get_table_names()
