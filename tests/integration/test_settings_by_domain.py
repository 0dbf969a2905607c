"""A brand's referral, order and withdrawal rules: each read, checked and saved by its own domain's module."""
import ast
import json
from pathlib import Path

import pytest
from sqlalchemy import select

import mall.referral
from mall.audit.models import AuditLog
from mall.brand_settings import SettingsError
from mall.commission.withdrawal_settings import (
    WithdrawalSettings,
    check_withdrawal_settings,
    save_withdrawal_settings,
    withdrawal_settings_for,
)
from mall.orders.settings import OrderSettings, check_order_settings, order_settings_for, save_order_settings
from mall.referral.attribution import BindingRule
from mall.referral.settings import (
    ReferralSettings,
    binding_rule,
    check_referral_settings,
    referral_settings_for,
    save_referral_settings,
)
from tests.integration.commission_support import T0
from tests.integration.settings_support import set_rules

REFERRAL = (referral_settings_for, check_referral_settings, save_referral_settings, ReferralSettings)
ORDERS = (order_settings_for, check_order_settings, save_order_settings, OrderSettings)
WITHDRAWALS = (withdrawal_settings_for, check_withdrawal_settings, save_withdrawal_settings, WithdrawalSettings)


def values(row) -> dict:
    return {name: getattr(row, name) for name in row.__table__.columns.keys()}


@pytest.mark.parametrize("domain, defaults", [
    (REFERRAL, {"partner_rule": "everyone", "partner_min_spend_fen": 0, "binding_mode": "first_touch",
                "protection_days": 30, "window_days": 7}),
    (ORDERS, {"auto_complete_days": 10}),
    (WITHDRAWALS, {"withdraw_min_fen": 1000, "withdraw_fee_bp": 0, "withdraw_daily_limit_fen": 500000}),
], ids=["referral", "orders", "withdrawals"])
def test_defaults_are_created_on_first_use(make, db, domain, defaults):
    read, _check, _save, model = domain
    brand = make.brand()
    settings = read(db.session, brand.id)
    db.session.commit()
    assert {name: getattr(settings, name) for name in defaults} == defaults
    assert read(db.session, brand.id) is settings
    assert db.session.scalar(select(model).where(model.brand_id == brand.id)) is settings


@pytest.mark.parametrize("domain, changes, field, code, text", [
    (REFERRAL, {"binding_mode": "forever"}, "binding_mode", "unknown_binding_mode", "Unknown binding mode."),
    # Joining never costs money: no rule but the three known ones.
    (REFERRAL, {"partner_rule": "pay_to_join"}, "partner_rule", "unknown_partner_rule",
     "Unknown rule for becoming a partner."),
    (REFERRAL, {"protection_days": -1}, "protection_days", "negative", "Please enter a number that is not negative."),
    (REFERRAL, {"window_days": "seven"}, "window_days", "not_a_number", "Please enter a whole number."),
    (REFERRAL, {"level1_bp": 1200}, "level1_bp", "unknown_field", "That setting cannot be changed here."),
    (ORDERS, {"auto_complete_days": "ten"}, "auto_complete_days", "not_a_number", "Please enter a whole number."),
    (ORDERS, {"auto_complete_days": -3}, "auto_complete_days", "negative",
     "Please enter a number that is not negative."),
    (ORDERS, {"freeze_days": 3}, "freeze_days", "unknown_field", "That setting cannot be changed here."),
    (WITHDRAWALS, {"withdraw_fee_bp": 10000}, "withdraw_fee_bp", "fee_too_high",
     "The withdrawal fee must be below 100%."),
    (WITHDRAWALS, {"withdraw_min_fen": -1}, "withdraw_min_fen", "negative",
     "Please enter a number that is not negative."),
    (WITHDRAWALS, {"withdraw_daily_limit_fen": "5k"}, "withdraw_daily_limit_fen", "not_a_number",
     "Please enter a whole number."),
    (WITHDRAWALS, {"binding_mode": "last_touch"}, "binding_mode", "unknown_field",
     "That setting cannot be changed here."),
])
def test_bad_values_are_refused_by_their_domain_and_nothing_changes(app, make, db, domain, changes, field, code,
                                                                    text):
    read, check, save, _model = domain
    brand = make.brand()
    before = values(read(db.session, brand.id))
    db.session.commit()
    with pytest.raises(SettingsError) as refused:
        save(db.session, brand.id, changes, actor_id=None, now=T0)
    assert code in refused.value.problems[field]
    asked = check(db.session, brand.id, changes)  # the same answer, before anything is tried
    assert asked is not None and asked.problems == refused.value.problems
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert text in refused.value.messages[field]
    db.session.rollback()
    assert values(read(db.session, brand.id)) == before
    assert db.session.scalar(select(AuditLog)) is None


@pytest.mark.parametrize("domain, changes, action, logged_before, logged_after", [
    # Form values arrive as text; a value given but unchanged (protection_days) is not logged.
    (REFERRAL, {"binding_mode": "last_touch", "window_days": "3", "protection_days": 30}, "partner.settings",
     {"binding_mode": "first_touch", "window_days": 7}, {"binding_mode": "last_touch", "window_days": 3}),
    (ORDERS, {"auto_complete_days": "14"}, "order.settings", {"auto_complete_days": 10}, {"auto_complete_days": 14}),
    (WITHDRAWALS, {"withdraw_fee_bp": 150, "withdraw_min_fen": 1000}, "withdrawal.settings", {"withdraw_fee_bp": 0},
     {"withdraw_fee_bp": 150}),
], ids=["referral", "orders", "withdrawals"])
def test_a_saved_change_is_audited_by_its_domain(make, db, domain, changes, action, logged_before, logged_after):
    read, _check, save, _model = domain
    brand = make.brand()
    admin = make.user(role="brand_admin", brand=brand)
    save(db.session, brand.id, changes, actor_id=admin.id, now=T0)
    db.session.commit()
    db.session.expire_all()
    saved = read(db.session, brand.id)
    assert {name: getattr(saved, name) for name in logged_after} == logged_after and saved.updated_at == T0
    entry = db.session.scalars(select(AuditLog)).one()
    assert (entry.action, entry.actor_id, entry.brand_id, entry.subject, entry.created_at) == (
        action, admin.id, brand.id, f"brand:{brand.id}", T0)
    assert (json.loads(entry.before), json.loads(entry.after)) == (logged_before, logged_after)


def test_saving_the_values_a_domain_already_has_logs_nothing(make, db):
    brand = make.brand()
    save_referral_settings(db.session, brand.id, {"binding_mode": "first_touch", "window_days": "7"}, actor_id=None,
                           now=T0)
    save_order_settings(db.session, brand.id, {"auto_complete_days": 10}, actor_id=None, now=T0)
    db.session.commit()
    assert db.session.scalars(select(AuditLog)).all() == []


def test_binding_rule_comes_from_the_referral_settings(make, db):
    brand = make.brand()
    set_rules(db.session, brand.id, binding_mode="last_touch", protection_days=15, window_days=3)
    assert binding_rule(referral_settings_for(db.session, brand.id)) == BindingRule(
        mode="last_touch", protection_days=15, window_days=3)


def test_referral_imports_nothing_of_commission():
    """Referral reads its own rules; the commission rules it applies (levels, self purchase) are passed in."""
    offenders = []
    for path in sorted(Path(mall.referral.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path}: {name}" for name in names if name.startswith("mall.commission")]
    assert offenders == []
