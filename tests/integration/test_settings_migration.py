"""Migration 13b0settings02: every brand's binding, partner, order and withdrawal rules move from
commission_settings to their own domains' tables with the values they had, and downgrading brings them back.

It runs on a database of its own (a scratch SQLite file, or a scratch schema on the test PostgreSQL server),
because the session's database is already at head and the other tests use it.
"""
import os
import tempfile
from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from mall import create_app
from mall.commission.settings import settings_for
from mall.commission.withdrawal_settings import withdrawal_settings_for
from mall.config import TestConfig
from mall.extensions import db as _db
from mall.orders.settings import order_settings_for
from mall.referral.settings import referral_settings_for

BEFORE = "12c0comply03"
SCHEMA = "settings_migration_check"
COMMISSION = {"levels": 3, "level1_bp": 900, "level2_bp": 400, "level3_bp": 100, "guide_bp": 200, "store_bp": 100,
              "max_total_bp": 2000, "self_purchase": True, "freeze_days": 12}
REFERRAL = {"partner_rule": "spend", "partner_min_spend_fen": 50000, "binding_mode": "last_touch",
            "protection_days": 45, "window_days": 3}
ORDERS = {"auto_complete_days": 14}
WITHDRAWALS = {"withdraw_min_fen": 2500, "withdraw_fee_bp": 150, "withdraw_daily_limit_fen": 90000}
MOVED = {**REFERRAL, **ORDERS, **WITHDRAWALS}
# A second brand keeps the defaults of the day: each brand's row is copied, not the first one's everywhere.
DEFAULTS = {"partner_rule": "everyone", "partner_min_spend_fen": 0, "binding_mode": "first_touch",
            "protection_days": 30, "window_days": 7, "auto_complete_days": 10, "withdraw_min_fen": 1000,
            "withdraw_fee_bp": 0, "withdraw_daily_limit_fen": 500000}
T = datetime(2026, 11, 1, 9, 0)


@pytest.fixture()
def scratch(app):
    """An app on an empty database of its own; `app` first, so the session's instance folder is set."""
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


def _brand(conn, brand_id: int, values: dict) -> None:
    conn.execute(text("INSERT INTO brands (id, slug, name, description, created_at) "
                      "VALUES (:id, :slug, 'Brand', '', :t)"), {"id": brand_id, "slug": f"brand-{brand_id}", "t": T})
    row = {**COMMISSION, **values, "brand_id": brand_id, "updated_at": T}
    conn.execute(text(f"INSERT INTO commission_settings ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"),
                 row)


def _row(conn, table: str, brand_id: int, names) -> dict:
    found = conn.execute(text(f"SELECT {', '.join(names)} FROM {table} WHERE brand_id = :b"), {"b": brand_id})
    return dict(found.mappings().one())


def test_each_brands_rules_are_copied_to_their_domains_and_back(scratch):
    with scratch.app_context():
        upgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            _brand(conn, 1, MOVED)
            _brand(conn, 2, DEFAULTS)
        upgrade()

        with _db.engine.connect() as conn:
            assert _row(conn, "referral_settings", 1, REFERRAL) == REFERRAL
            assert _row(conn, "order_settings", 1, ORDERS) == ORDERS
            assert _row(conn, "withdrawal_settings", 1, WITHDRAWALS) == WITHDRAWALS
            second = {**_row(conn, "referral_settings", 2, REFERRAL), **_row(conn, "order_settings", 2, ORDERS),
                      **_row(conn, "withdrawal_settings", 2, WITHDRAWALS)}
            assert second == DEFAULTS
        columns = {c["name"] for c in inspect(_db.engine).get_columns("commission_settings")}
        assert not columns & set(MOVED)
        # Each domain's own read function finds the copied row rather than making one with the defaults.
        session = _db.session
        commission = settings_for(session, 1)
        assert {name: getattr(commission, name) for name in COMMISSION} == COMMISSION
        referral = referral_settings_for(session, 1)
        assert {name: getattr(referral, name) for name in REFERRAL} == REFERRAL
        assert order_settings_for(session, 1).auto_complete_days == 14
        withdrawals = withdrawal_settings_for(session, 1)
        assert {name: getattr(withdrawals, name) for name in WITHDRAWALS} == WITHDRAWALS
        assert referral_settings_for(session, 2).updated_at == T  # when the brand last changed them, kept too
        # A brand that, after the upgrade, set only a referral rule (no commission row yet) keeps it on the way back.
        session.execute(text("INSERT INTO brands (id, slug, name, description, created_at) "
                             "VALUES (3, 'brand-3', 'Brand', '', :t)"), {"t": T})
        referral_settings_for(session, 3).window_days = 21
        withdrawal = withdrawal_settings_for(session, 1)
        withdrawal.withdraw_fee_bp = 175  # changed after the upgrade: the downgrade carries today's value
        session.commit()
        session.remove()

        downgrade(revision=BEFORE)
        with _db.engine.connect() as conn:
            assert _row(conn, "commission_settings", 1, [*COMMISSION, *MOVED]) == {
                **COMMISSION, **MOVED, "withdraw_fee_bp": 175}
            assert _row(conn, "commission_settings", 2, DEFAULTS) == DEFAULTS
            third = _row(conn, "commission_settings", 3, ["levels", "window_days", "binding_mode"])
            assert third == {"levels": 2, "window_days": 21, "binding_mode": "first_touch"}
        tables = set(inspect(_db.engine).get_table_names())
        assert not tables & {"referral_settings", "order_settings", "withdrawal_settings"}
        upgrade()  # and forward again, over rows that went through the round trip
        with _db.engine.connect() as conn:
            assert _row(conn, "referral_settings", 3, ["window_days"]) == {"window_days": 21}
