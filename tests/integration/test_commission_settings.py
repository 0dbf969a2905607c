"""A brand's commission rules: defaults, per-product overrides, validation, audit, new orders only."""
import json
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from mall.audit.models import AuditLog
from mall.commission.models import CommissionSettings
from mall.commission.rules import Ratios
from mall.commission.settings import (
    SettingsError,
    ratio,
    ratios_for_product,
    save_product_ratios,
    save_settings,
    settings_for,
)
from tests.integration.commission_support import T0, Books


@pytest.fixture()
def books(make, db):
    return Books(make, db.session)


def test_defaults_are_created_on_first_use(make, db):
    brand = make.brand()
    settings = settings_for(db.session, brand.id)
    db.session.commit()
    assert (settings.levels, settings.level1_bp, settings.level2_bp, settings.self_purchase) == (2, 1000, 500, False)
    assert settings_for(db.session, brand.id) is settings
    assert db.session.scalar(select(CommissionSettings).where(CommissionSettings.brand_id == brand.id)) is settings


def test_ratio_is_exact():
    assert ratio(1000) == D("0.1")
    assert ratio(1) == D("0.0001")


def test_product_override_replaces_only_the_fields_it_sets(books, db):
    settings = settings_for(db.session, books.brand.id)
    save_product_ratios(db.session, books.product.id, {"level1_bp": 1500, "store_bp": 0}, actor_id=None, now=T0)
    assert ratios_for_product(db.session, settings, books.product.id) == Ratios(
        level1=D("0.15"), level2=D("0.05"), level3=D("0"), guide=D("0.03"), store=D("0"))
    save_product_ratios(db.session, books.product.id, {"level1_bp": None}, actor_id=None, now=T0)  # back to the brand's
    assert ratios_for_product(db.session, settings, books.product.id).level1 == D("0.1")


@pytest.mark.parametrize("changes, field, code", [
    ({"levels": 4}, "levels", "levels_out_of_range"),
    ({"levels": 0}, "levels", "levels_out_of_range"),
    ({"level1_bp": 2600}, "", "total_above_maximum"),  # 26 + 5 + 3 + 2 > 30
    ({"level1_bp": 10001}, "level1_bp", "level1_out_of_range"),
    ({"max_total_bp": 2900}, "max_total_bp", "unknown_field"),  # the brand's cap is the platform's to set
    ({"guide_bp": -1}, "guide_bp", "negative"),
    ({"freeze_days": "seven"}, "freeze_days", "not_a_number"),
    ({"brand_id": 5}, "brand_id", "unknown_field"),
    # Binding, partner, order and withdrawal rules are their own domains' (tests/integration/test_settings_by_domain.py).
    ({"binding_mode": "last_touch"}, "binding_mode", "unknown_field"),
    ({"withdraw_fee_bp": 100}, "withdraw_fee_bp", "unknown_field"),
])
def test_invalid_changes_are_refused_and_nothing_changes(app, books, db, changes, field, code):
    with pytest.raises(SettingsError) as refused:
        save_settings(db.session, books.brand.id, changes, actor_id=None, now=T0)
    assert code in refused.value.problems[field]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert all(isinstance(m, str) and m.endswith(".") for m in refused.value.messages[field])
    assert settings_for(db.session, books.brand.id).level1_bp == 1000
    assert db.session.scalar(select(AuditLog)) is None


def test_three_levels_count_against_the_maximum(app, books, db):
    with pytest.raises(SettingsError) as refused:
        save_settings(db.session, books.brand.id, {"levels": 3, "level3_bp": 1500}, actor_id=None, now=T0)
    assert refused.value.problems == {"": ["total_above_maximum"]}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert refused.value.messages == {"": ["Total commission may not exceed 30%, the most the platform allows "
                                               "this brand; these ratios add up to 35%."]}
    save_settings(db.session, books.brand.id, {"levels": 3, "level3_bp": 1000}, actor_id=None, now=T0)
    assert settings_for(db.session, books.brand.id).levels == 3


def test_a_saved_change_is_audited_with_before_and_after(books, make, db):
    admin = make.user(role="brand_admin", brand=books.brand)
    save_settings(db.session, books.brand.id, {"level1_bp": "1200", "freeze_days": 14, "self_purchase": "on"},
                  actor_id=admin.id, now=T0)
    entry = db.session.scalars(select(AuditLog)).one()
    assert (entry.action, entry.actor_id, entry.brand_id, entry.created_at) == (
        "commission.settings", admin.id, books.brand.id, T0)
    assert json.loads(entry.before) == {"level1_bp": 1000, "freeze_days": 7, "self_purchase": False}
    assert json.loads(entry.after) == {"level1_bp": 1200, "freeze_days": 14, "self_purchase": True}


def test_a_change_applies_to_new_orders_only(books, db):
    old = books.order([(10000, 1)])
    save_settings(db.session, books.brand.id, {"level1_bp": 2000}, actor_id=None, now=T0)
    books.pay(old)
    new = books.paid_order([(10000, 1)])
    assert books.roles(old)["level1"] == (1000, "pending")
    assert books.roles(new)["level1"] == (2000, "pending")


def test_product_ratios_must_respect_the_brands_maximum(books, db):
    with pytest.raises(SettingsError) as refused:
        save_product_ratios(db.session, books.product.id, {"level1_bp": 2500}, actor_id=None, now=T0)
    assert refused.value.problems == {"": ["total_above_maximum"]}
    save_product_ratios(db.session, books.product.id, {"level1_bp": 2000}, actor_id=None, now=T0)
    assert db.session.scalars(select(AuditLog.action)).all() == ["commission.product_ratios"]
    # Raising the brand's ratios so that product (which keeps the brand's level 2) goes above the cap is refused.
    with pytest.raises(SettingsError) as raised:
        save_settings(db.session, books.brand.id, {"level2_bp": 1000}, actor_id=None, now=T0)
    assert raised.value.problems == {"": ["product_total_above_maximum"]}


def test_product_override_is_used_by_new_orders(books, db):
    save_product_ratios(db.session, books.product.id, {"level1_bp": 2000}, actor_id=None, now=T0)
    order = books.paid_order([(10000, 1)])
    assert books.roles(order)["level1"] == (2000, "pending")
    assert books.shares(order)[f"level1@{order.lines[0].id}:g1"].ratio_bp == 2000
