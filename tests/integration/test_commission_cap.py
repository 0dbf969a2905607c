"""A brand's commission cap: 25% at first, set by the platform admin under the 30% ceiling, and every way a brand
admin sets ratios (rules, product overrides, CSV import, the live previews) stays under it. Levels stop at 3."""
import io
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from mall.accounts.models import Role
from mall.audit.models import AuditLog
from mall.clock import utcnow
from mall.commission.cap import CapError, set_commission_cap
from mall.commission.models import CommissionSettings, ProductRatio
from mall.commission.rules import MAX_LEVELS, MAX_TOTAL_CEILING
from mall.commission.settings import SettingsError, save_product_ratios, save_settings, settings_for
from tests.conftest import csrf_from
from tests.integration.admin_support import EN
from tests.integration.admin_support import text as page_text

# The rules form as a brand admin fills it; the defaults pay 10 + 5 + 3 + 2 = 20%.
RULES = {"levels": "2", "level1": "10", "level2": "5", "level3": "0", "guide": "3", "store": "2",
         "partner_rule": "everyone", "partner_min_spend": "0", "binding_mode": "first_touch", "protection_days": "30",
         "window_days": "7", "freeze_days": "7", "auto_complete_days": "10", "withdraw_min": "10",
         "withdraw_fee": "0", "withdraw_daily_limit": "5000"}
CSV_HEADER = "product_code,title,subtitle,published,promo_ends_at,sku_name,price,list_price,promo_price,stock,level1_pct\n"


@pytest.fixture()
def brand(make):
    return make.brand(name="Tea House")


@pytest.fixture()
def brand_admin(make, brand):
    return make.user(Role.BRAND_ADMIN, brand=brand)


@pytest.fixture()
def platform_admin(make):
    return make.user(Role.PLATFORM_ADMIN, name="Platform Zhou")


def post(client, url, data, *, token_from):
    token = csrf_from(client.get(token_from, headers=EN).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, headers=EN)


def cap_of(db, brand) -> int:
    db.session.expire_all()
    return settings_for(db.session, brand.id).max_total_bp


def audit_actions(db) -> list[str]:
    return db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()


def test_a_new_brand_may_pay_at_most_25_percent(client, db, brand, brand_admin, login_as):
    assert cap_of(db, brand) == 2500
    login_as(brand_admin)
    page = page_text(client.get("/admin/rules", headers=EN).get_data(as_text=True))
    assert "Total commission may not exceed 25%: the platform sets this cap for the brand" in page
    assert "Change the cap" not in page  # only the platform admin is offered the cap's page


def test_the_platform_admin_sets_a_brands_cap_audited(client, db, brand, platform_admin, login_as):
    login_as(platform_admin)
    listing = page_text(client.get("/admin/brands", headers=EN).get_data(as_text=True))
    assert "Tea House Cap 25%" in listing
    url = f"/admin/brands/{brand.id}/commission-cap"
    assert 'value="25.00"' in client.get(url, headers=EN).get_data(as_text=True)
    response = post(client, url, {"cap": "28"}, token_from=url)
    assert response.status_code == 303
    assert cap_of(db, brand) == 2800
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "commission.cap")).one()
    assert (entry.actor_id, entry.brand_id) == (platform_admin.id, brand.id)
    assert (json.loads(entry.before), json.loads(entry.after)) == ({"max_total_bp": 2500}, {"max_total_bp": 2800})
    audit = page_text(client.get("/admin/audit", headers=EN).get_data(as_text=True))
    assert "Commission cap changed (platform)" in audit and "Commission cap 25% → 28%" in audit
    rules = page_text(client.get(f"/admin/rules?brand={brand.id}", headers=EN).get_data(as_text=True))
    assert "may not exceed 28%" in rules and "Change the cap" in rules


def test_a_brand_admin_can_neither_open_nor_post_the_cap_page_nor_raise_it_otherwise(client, db, brand, brand_admin,
                                                                                     login_as):
    login_as(brand_admin)
    url = f"/admin/brands/{brand.id}/commission-cap"
    assert client.get("/admin/brands", headers=EN).status_code == 403
    assert client.get(url, headers=EN).status_code == 403
    assert post(client, url, {"cap": "30"}, token_from="/admin/rules").status_code == 403
    # The rules form has no cap field, and a posted one is ignored: the rules are saved, the cap is not.
    assert 'name="max_total"' not in client.get("/admin/rules", headers=EN).get_data(as_text=True)
    saved = post(client, "/admin/rules", {**RULES, "level1": "11", "max_total": "30", "save": "1"},
                 token_from="/admin/rules")
    assert saved.status_code == 303
    assert cap_of(db, brand) == 2500 and settings_for(db.session, brand.id).level1_bp == 1100
    # Nor can a script through the brand's settings service.
    with pytest.raises(SettingsError) as refused:
        save_settings(db.session, brand.id, {"max_total_bp": 3000}, actor_id=brand_admin.id, now=utcnow())
    assert refused.value.problems == {"max_total_bp": ["unknown_field"]}
    assert cap_of(db, brand) == 2500 and "commission.cap" not in audit_actions(db)


def test_a_brand_admins_rules_above_the_cap_are_refused_naming_it_and_nothing_changes(client, db, brand, brand_admin,
                                                                                      platform_admin, login_as):
    set_commission_cap(db.session, brand.id, 2200, actor_id=platform_admin.id, now=utcnow())
    db.session.commit()
    login_as(brand_admin)
    refusal = ("Total commission may not exceed 22%, the most the platform allows this brand; "
               "these ratios add up to 23%.")
    response = post(client, "/admin/rules", {**RULES, "level1": "13", "save": "1"}, token_from="/admin/rules")
    assert response.status_code == 422 and refusal in page_text(response.get_data(as_text=True))
    db.session.expire_all()
    assert settings_for(db.session, brand.id).level1_bp == 1000
    assert audit_actions(db) == ["commission.cap"]  # the platform's change only
    # The live preview says the same while the admin types.
    token = csrf_from(client.get("/admin/rules", headers=EN).get_data(as_text=True))
    fragment = client.post("/admin/rules/preview", data={"csrf_token": token, **RULES, "level1": "13"},
                           headers={**EN, "HX-Request": "true"}).get_data(as_text=True)
    assert refusal in page_text(fragment)
    # Three levels count against the cap too: 10 + 5 + 5 + 3 + 2 = 25% > 22%.
    response = post(client, "/admin/rules", {**RULES, "levels": "3", "level3": "5", "save": "1"},
                    token_from="/admin/rules")
    assert response.status_code == 422 and "these ratios add up to 25%" in page_text(response.get_data(as_text=True))


def test_a_product_override_above_the_cap_is_refused(client, db, make, brand, brand_admin, login_as):
    product = make.product(brand)
    login_as(brand_admin)
    url = f"/admin/products/{product.id}"
    fields = {"level1": "16", "level2": "", "level3": "", "guide": "", "store": ""}  # 16 + 5 + 3 + 2 = 26%
    refusal = "Total commission may not exceed 25%, the most the platform allows this brand; these ratios add up to 26%."
    preview = post(client, url + "/ratios/preview", fields, token_from=url)
    assert refusal in page_text(preview.get_data(as_text=True))
    response = post(client, url + "/ratios", fields, token_from=url)
    assert response.status_code == 422 and refusal in page_text(response.get_data(as_text=True))
    assert db.session.get(ProductRatio, product.id) is None
    assert post(client, url + "/ratios", {**fields, "level1": "15"}, token_from=url).status_code == 303


def test_a_csv_row_above_the_cap_is_reported_by_its_row_number(client, db, make, brand, brand_admin, login_as):
    login_as(brand_admin)
    body = CSV_HEADER + ("GOOD0001,Good tea,,yes,,S,10.00,,,1,12.5\n"  # 12.5 + 5 + 3 + 2 = 22.5%
                         "HIGH0002,Rich tea,,yes,,S,10.00,,,1,20\n"  # 20 + 5 + 3 + 2 = 30%
                         "PLAIN003,Plain tea,,yes,,S,10.00,,,1,\n")  # the brand's ratios

    def send(apply_valid):
        data = {"file": (io.BytesIO(body.encode()), "products.csv", "text/csv"), **({"apply_valid": "y"} if apply_valid
                                                                                     else {})}
        return post(client, "/admin/products/import", data, token_from="/admin/products/import")

    refused = send(False)
    assert refused.status_code == 422
    page = page_text(refused.get_data(as_text=True))
    assert "3 Total commission may not exceed 25%, the most the platform allows this brand; these ratios add up to " \
           "30%." in page
    assert "Nothing was imported." in page and db.session.scalars(select(ProductRatio)).all() == []
    send(True)
    db.session.expire_all()
    saved = {r.product_id: r.level1_bp for r in db.session.scalars(select(ProductRatio))}
    assert list(saved.values()) == [1250]  # the good row only; the plain row sets no override
    # The export carries the override back out, in the column the import reads.
    exported = client.get("/admin/products/export.csv", headers=EN).get_data(as_text=True)
    assert "level1_pct,level2_pct,level3_pct,guide_pct,store_pct" in exported and ",12.5,,,," in exported


def test_the_cap_never_goes_above_the_ceiling(client, db, brand, platform_admin, login_as):
    assert MAX_TOTAL_CEILING * 10000 == 3000
    login_as(platform_admin)
    url = f"/admin/brands/{brand.id}/commission-cap"
    response = post(client, url, {"cap": "30.01"}, token_from=url)
    assert response.status_code == 422
    assert "The cap must be between 0% and 30%, the legal ceiling for distribution." in page_text(
        response.get_data(as_text=True))
    with pytest.raises(CapError):
        set_commission_cap(db.session, brand.id, 3001, actor_id=platform_admin.id, now=utcnow())
    db.session.rollback()
    assert cap_of(db, brand) == 2500 and audit_actions(db) == []
    assert post(client, url, {"cap": "30"}, token_from=url).status_code == 303 and cap_of(db, brand) == 3000
    # Even a direct write is refused by the database.
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(text("UPDATE commission_settings SET max_total_bp = 3001 WHERE brand_id = :b"),
                           {"b": brand.id})
    db.session.rollback()


def test_more_than_three_levels_is_impossible_everywhere(client, db, brand, brand_admin, login_as):
    assert MAX_LEVELS == 3
    login_as(brand_admin)
    response = post(client, "/admin/rules", {**RULES, "levels": "4", "save": "1"}, token_from="/admin/rules")
    assert response.status_code == 422 and "Levels must be between 1 and 3." in response.get_data(as_text=True)
    with pytest.raises(SettingsError):
        save_settings(db.session, brand.id, {"levels": 4}, actor_id=None, now=utcnow())
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(text("UPDATE commission_settings SET levels = 4 WHERE brand_id = :b"), {"b": brand.id})
    db.session.rollback()
    assert db.session.get(CommissionSettings, brand.id).levels == 2


def test_lowering_the_cap_below_what_is_paid_is_refused_naming_what_stands_above(client, db, make, brand,
                                                                                platform_admin, login_as):
    product = make.product(brand, title="Rich Oolong")
    save_product_ratios(db.session, product.id, {"level1_bp": 1400}, actor_id=None, now=utcnow())  # 24% in all
    login_as(platform_admin)
    url = f"/admin/brands/{brand.id}/commission-cap"
    response = post(client, url, {"cap": "22"}, token_from=url)
    assert response.status_code == 422
    page = page_text(response.get_data(as_text=True))
    assert f"These products' own ratios add up to more than 22%: {product.code} Rich Oolong. Lower them first." in page
    response = post(client, url, {"cap": "19"}, token_from=url)
    page = page_text(response.get_data(as_text=True))
    assert "The brand's ratios add up to 20%, more than 19%: lower them on its rules page first." in page
    assert cap_of(db, brand) == 2500 and audit_actions(db) == ["commission.product_ratios"]
    # Once the product pays less, the cap can come down to it.
    save_product_ratios(db.session, product.id, {"level1_bp": 1200}, actor_id=None, now=utcnow())
    assert post(client, url, {"cap": "22"}, token_from=url).status_code == 303 and cap_of(db, brand) == 2200
