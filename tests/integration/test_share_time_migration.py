"""Migration 20a0speed03: every existing commission share gets its order's time, and downgrading removes it.

On a database of its own (a scratch SQLite file, or a scratch schema on the test PostgreSQL server), as in
test_settings_migration.py: the session's database is already at head.
"""
import os
import tempfile
from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from mall import create_app
from mall.config import TestConfig
from mall.extensions import db as _db

BEFORE, AFTER = "17b0speed02", "20a0speed03"
SCHEMA = "share_time_migration_check"
PLACED = [datetime(2026, 3, 1, 8, 0), datetime(2026, 11, 30, 23, 59, 59)]


@pytest.fixture()
def scratch(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = {}
    if url.startswith("sqlite"):
        url = "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="mall-migration-"), "scratch.db")
    else:
        with app.app_context(), _db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        options = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}
    other = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                        "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
    yield other
    with other.app_context():
        _db.session.remove()
        _db.engine.dispose()
    if options:
        with app.app_context(), _db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))


def _sales(conn) -> None:
    """Two orders of one partner, one line each, two shares on the first."""
    t = PLACED[0]
    conn.execute(text("INSERT INTO brands (id, slug, name, description, created_at) VALUES (1, 'b', 'B', '', :t)"),
                 {"t": t})
    conn.execute(text("INSERT INTO products (id, brand_id, code, title, subtitle, description, published, created_at) "
                      "VALUES (1, 1, 'P1', 'Tea', '', '', true, :t)"), {"t": t})
    conn.execute(text("INSERT INTO skus (id, product_id, name, price_fen, stock, position) "
                      "VALUES (1, 1, 'Tin', 1000, 5, 0)"))
    conn.execute(text("INSERT INTO users (id, phone, name, password_hash, role, active, created_at, session_token) "
                      "VALUES (1, '13900000001', 'A', '!', 'partner', true, :t, '')"), {"t": t})
    conn.execute(text("INSERT INTO partners (id, brand_id, user_id, code, status, joined_at) "
                      "VALUES (1, 1, 1, 'Q1', 'active', :t)"), {"t": t})
    for n, placed in enumerate(PLACED, start=1):
        conn.execute(text(
            "INSERT INTO orders (id, number, token, idempotency_key, brand_id, status, delivery, contact_name, "
            "contact_phone, address, note, total_fen, refunded_fen, created_at) VALUES (:n, :num, :num, :num, 1, "
            "'paid', 'ship', 'W', '13800000000', '', '', 1000, 0, :t)"), {"n": n, "num": f"N{n}", "t": placed})
        conn.execute(text(
            "INSERT INTO order_lines (id, order_id, product_id, sku_id, title, sku_name, unit_price_fen, quantity, "
            "total_fen, refunded_fen) VALUES (:n, :n, 1, 1, 'Tea', 'Tin', 1000, 1, 1000, 0)"), {"n": n})
    for share_id, order_id, role in ((1, 1, "level1"), (2, 1, "guide"), (3, 2, "level1")):
        conn.execute(text(
            "INSERT INTO commission_shares (id, brand_id, order_id, line_id, role, partner_id, ratio_bp, base_fen, "
            "amount_fen, reversed_fen, status, generation) VALUES (:id, 1, :o, :o, :role, 1, 1000, 1000, 100, 0, "
            "'pending', 1)"), {"id": share_id, "o": order_id, "role": role})


def test_existing_shares_get_their_orders_time_and_lose_it_on_the_way_back(scratch):
    with scratch.app_context():
        upgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            _sales(conn)
        upgrade(revision=AFTER)
        with _db.engine.connect() as conn:
            found = conn.execute(text("SELECT id, order_created_at FROM commission_shares ORDER BY id")).all()
        as_time = [(i, at if isinstance(at, datetime) else datetime.fromisoformat(at)) for i, at in found]
        assert as_time == [(1, PLACED[0]), (2, PLACED[0]), (3, PLACED[1])]
        indexes = {ix["name"] for ix in inspect(_db.engine).get_indexes("commission_shares")}
        assert {"ix_commission_shares_partner_time", "ix_commission_shares_partner_reversed",
                "ix_commission_shares_store_reversed"} <= indexes
        downgrade(revision=BEFORE)
        columns = {c["name"] for c in inspect(_db.engine).get_columns("commission_shares")}
        assert "order_created_at" not in columns
