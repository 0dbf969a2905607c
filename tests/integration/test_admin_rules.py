"""The commission rules page: every setting, a preview of an example order, validation, audit."""
import json
import re

from sqlalchemy import select

from mall.accounts.models import Role
from mall.audit.models import AuditLog
from mall.commission.models import CommissionSettings
from mall.commission.settings import settings_for
from mall.commission.withdrawal_settings import WithdrawalSettings, withdrawal_settings_for
from mall.orders.settings import order_settings_for
from mall.referral.settings import ReferralSettings, referral_settings_for
from tests.conftest import csrf_from
from tests.integration.admin_support import EN, text

FORM = {"levels": "2", "level1": "10", "level2": "5", "level3": "0", "guide": "3", "store": "2",
        "partner_rule": "everyone", "partner_min_spend": "0", "binding_mode": "first_touch",
        "protection_days": "30", "window_days": "7", "freeze_days": "7", "auto_complete_days": "10",
        "withdraw_min": "10", "withdraw_fee": "0", "withdraw_daily_limit": "5000"}


def _admin(make, login_as):
    brand = make.brand()
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    return brand


def _post(client, url, data):
    token = csrf_from(client.get("/admin/rules", headers=EN).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, headers=EN)


def test_page_shows_every_setting_and_todays_example(client, make, login_as):
    _admin(make, login_as)
    page = client.get("/admin/rules", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in FORM:
        assert f'name="{name}"' in html
    assert "Today an order of ¥199.00 pays: L1 ¥19.90 , L2 ¥9.95 , guide ¥5.97 , store ¥3.98" in text(html)
    assert "new orders only" in html


def test_preview_fragment_numbers_are_exact(client, make, login_as):
    _admin(make, login_as)
    response = _post(client, "/admin/rules/preview", {**FORM, "level1": "12.34", "level2": "4.56", "guide": "3.33",
                                                      "store": "1.11"})
    # htmx sends HX-Request; without it the whole page comes back (the no-JS path)
    assert response.status_code == 200
    token = csrf_from(client.get("/admin/rules", headers=EN).get_data(as_text=True))
    fragment = client.post("/admin/rules/preview", data={"csrf_token": token, **FORM, "level1": "12.34",
                                                         "level2": "4.56", "guide": "3.33", "store": "1.11"},
                           headers={**EN, "HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    # 19900 x 12.34% = 2455.66 -> 2455; x 4.56% = 907.44 -> 907; x 3.33% = 662.67 -> 662; x 1.11% = 220.89 -> 220
    assert "an order of ¥199.00 would pay: L1 ¥24.55 , L2 ¥9.07 , guide ¥6.62 , store ¥2.20 ; " \
           "the brand keeps ¥156.56" in text(fragment)


def test_preview_button_without_js_saves_nothing(client, make, login_as, db):
    brand = _admin(make, login_as)
    page = _post(client, "/admin/rules", {**FORM, "level1": "15", "preview": "1"}).get_data(as_text=True)
    assert "would pay: L1 ¥29.85" in text(page)
    assert settings_for(db.session, brand.id).level1_bp == 1000
    assert db.session.scalars(select(AuditLog)).all() == []


def test_save_converts_units_and_audits_before_and_after(client, make, login_as, db):
    brand = _admin(make, login_as)
    response = _post(client, "/admin/rules", {**FORM, "level1": "12.5", "levels": "1", "self_purchase": "y",
                                              "withdraw_min": "20.50", "withdraw_fee": "1.5", "window_days": "14",
                                              "save": "1"})
    assert response.status_code == 303
    db.session.expire_all()
    settings = db.session.get(CommissionSettings, brand.id)
    withdrawals, referral = db.session.get(WithdrawalSettings, brand.id), db.session.get(ReferralSettings, brand.id)
    assert (settings.level1_bp, settings.levels, settings.self_purchase) == (1250, 1, True)
    assert (withdrawals.withdraw_min_fen, withdrawals.withdraw_fee_bp, referral.window_days) == (2050, 150, 14)
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "commission.settings")).one()
    assert entry.brand_id == brand.id
    assert json.loads(entry.before)["level1_bp"] == 1000
    assert json.loads(entry.after)["level1_bp"] == 1250
    assert "level2_bp" not in json.loads(entry.after)  # unchanged values are not logged
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "apply to new orders" in page


def _unchanged(db, brand):
    db.session.expire_all()
    settings = settings_for(db.session, brand.id)
    assert (settings.level1_bp, settings.max_total_bp, settings.levels) == (1000, 2500, 2)
    assert db.session.scalars(select(AuditLog)).all() == []


def test_ratio_above_100_percent_is_refused_inline(client, make, login_as, db):
    brand = _admin(make, login_as)
    response = _post(client, "/admin/rules", {**FORM, "level1": "100.5", "save": "1"})
    assert response.status_code == 422
    assert "Each ratio must be between 0% and 100%." in response.get_data(as_text=True)
    _unchanged(db, brand)


def test_negative_ratio_and_garbage_are_refused(client, make, login_as, db):
    brand = _admin(make, login_as)
    response = _post(client, "/admin/rules", {**FORM, "guide": "-1", "level2": "abc", "save": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please enter a percentage with at most two decimals" in html
    response = _post(client, "/admin/rules", {**FORM, "guide": "-1", "save": "1"})
    assert response.status_code == 422
    assert "Please enter a number that is not negative." in response.get_data(as_text=True)
    _unchanged(db, brand)


def test_total_above_maximum_is_refused_with_a_clear_message(client, make, login_as, db):
    brand = _admin(make, login_as)
    response = _post(client, "/admin/rules", {**FORM, "level1": "25", "save": "1"})
    assert response.status_code == 422
    refusal = "Total commission may not exceed 25%, the most the platform allows this brand; these ratios add up to 35%."
    assert refusal in text(response.get_data(as_text=True))
    _unchanged(db, brand)
    token = csrf_from(client.get("/admin/rules", headers=EN).get_data(as_text=True))
    fragment = client.post("/admin/rules/preview", data={"csrf_token": token, **FORM, "level1": "25"},
                           headers={**EN, "HX-Request": "true"}).get_data(as_text=True)
    assert refusal in text(fragment)


def test_more_than_three_levels_and_huge_days_are_refused(client, make, login_as, db):
    brand = _admin(make, login_as)
    response = _post(client, "/admin/rules", {**FORM, "levels": "4", "save": "1"})
    assert response.status_code == 422
    assert "Levels must be between 1 and 3." in response.get_data(as_text=True)
    response = _post(client, "/admin/rules", {**FORM, "protection_days": "99999999999", "save": "1"})
    assert response.status_code == 422
    _unchanged(db, brand)


def test_rules_need_csrf_and_an_admin(client, make, login_as, db):
    brand = _admin(make, login_as)
    assert client.post("/admin/rules", data={**FORM, "save": "1"}, headers=EN).status_code == 400
    _unchanged(db, brand)


def test_non_admins_are_refused(client, make, login_as):
    brand = make.brand()
    login_as(make.user(Role.GUIDE, store=make.store(brand)))
    assert client.get("/admin/rules").status_code == 403
    assert client.post("/admin/rules/preview", data=FORM).status_code in (400, 403)


def test_platform_admin_chooses_a_brand(client, make, login_as):
    brand = make.brand(name="Chosen Brand")
    login_as(make.user(Role.PLATFORM_ADMIN))
    assert "Chosen Brand" in client.get("/admin/rules", headers=EN).get_data(as_text=True)
    assert client.get(f"/admin/rules?brand={brand.id}", headers=EN).status_code == 200
    assert client.get("/admin/rules?brand=999999", headers=EN).status_code == 404


def test_preview_fragment_explains_a_typo(client, make, login_as):
    _admin(make, login_as)
    token = csrf_from(client.get("/admin/rules", headers=EN).get_data(as_text=True))
    fragment = client.post("/admin/rules/preview", data={"csrf_token": token, **FORM, "guide": "3.333"},
                           headers={**EN, "HX-Request": "true"}).get_data(as_text=True)
    assert "Shop guide, %: Please enter a percentage with at most two decimals" in text(fragment)


def test_page_wires_the_live_preview_with_htmx(client, make, login_as):
    _admin(make, login_as)
    html = client.get("/admin/rules", headers=EN).get_data(as_text=True)
    assert 'hx-post="/admin/rules/preview"' in html and 'hx-target="#rules-preview"' in html
    assert 'name="preview"' in html  # the no-JS Preview button


def test_saved_rules_pay_new_orders_while_older_orders_keep_theirs(client, make, login_as, db):
    from tests.integration.commission_support import Books

    books = Books(make, db.session, price_fen=19900)
    before = books.order([(19900, 1)])
    assert books.roles(before)["level1"][0] == 1990  # 10%
    login_as(make.user(Role.BRAND_ADMIN, brand=books.brand))
    form = {**FORM, "withdraw_min": "1", "withdraw_daily_limit": "10000000", "level1": "15", "save": "1"}
    assert _post(client, "/admin/rules", form).status_code == 303
    db.session.expire_all()
    after = books.order([(19900, 1)])
    assert books.roles(after)["level1"][0] == 2985  # 15% of ¥199.00
    assert books.roles(before)["level1"][0] == 1990


def _input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def test_one_save_writes_each_domains_rules_to_its_own_table_and_log(client, make, login_as, db):
    brand = _admin(make, login_as)
    response = _post(client, "/admin/rules", {**FORM, "level1": "11", "binding_mode": "last_touch", "partner_rule": "spend",
                                              "partner_min_spend": "88", "auto_complete_days": "12",
                                              "withdraw_daily_limit": "3000", "save": "1"})
    assert response.status_code == 303
    db.session.expire_all()
    assert settings_for(db.session, brand.id).level1_bp == 1100
    referral = referral_settings_for(db.session, brand.id)
    assert (referral.binding_mode, referral.partner_rule, referral.partner_min_spend_fen) == ("last_touch", "spend", 8800)
    assert order_settings_for(db.session, brand.id).auto_complete_days == 12
    assert withdrawal_settings_for(db.session, brand.id).withdraw_daily_limit_fen == 300000
    entries = db.session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    # One entry per domain that saved, each with only its own changes; all under the brand.
    assert {entry.action: (json.loads(entry.before), json.loads(entry.after)) for entry in entries} == {
        "commission.settings": ({"level1_bp": 1000}, {"level1_bp": 1100}),
        "partner.settings": ({"binding_mode": "first_touch", "partner_rule": "everyone", "partner_min_spend_fen": 0},
                             {"binding_mode": "last_touch", "partner_rule": "spend", "partner_min_spend_fen": 8800}),
        "order.settings": ({"auto_complete_days": 10}, {"auto_complete_days": 12}),
        "withdrawal.settings": ({"withdraw_daily_limit_fen": 500000}, {"withdraw_daily_limit_fen": 300000}),
    }
    assert len(entries) == 4 and {entry.brand_id for entry in entries} == {brand.id}
    page = client.get("/admin/rules", headers=EN).get_data(as_text=True)  # and the page shows them back
    assert [_input_value(page, name) for name in ("level1", "partner_min_spend", "auto_complete_days",
                                                  "withdraw_daily_limit")] == ["11.00", "88.00", "12", "3000.00"]
    assert '<option selected value="last_touch">' in page


def test_a_refusal_by_any_domain_saves_no_domain_and_every_refusal_shows(client, make, login_as, db):
    brand = _admin(make, login_as)
    response = _post(client, "/admin/rules", {**FORM, "level1": "12", "binding_mode": "forever", "withdraw_fee": "100",
                                              "auto_complete_days": "12", "save": "1"})
    assert response.status_code == 422
    page = text(response.get_data(as_text=True))
    assert "Unknown binding mode." in page and "The withdrawal fee must be below 100%." in page
    _unchanged(db, brand)
    assert referral_settings_for(db.session, brand.id).binding_mode == "first_touch"
    assert order_settings_for(db.session, brand.id).auto_complete_days == 10
    assert withdrawal_settings_for(db.session, brand.id).withdraw_fee_bp == 0


def test_a_refusal_at_the_last_moment_takes_back_the_other_domains_changes(client, make, login_as, db, monkeypatch):
    """Commission checks again under its lock (the cap may have moved): if it refuses then, nothing is kept."""
    from mall.admin.rules import routes as rules

    domains = [(fields, check if fields else (lambda *_args: None), save) for fields, check, save in rules.DOMAINS]
    monkeypatch.setattr(rules, "DOMAINS", tuple(domains))
    brand = _admin(make, login_as)
    response = _post(client, "/admin/rules", {**FORM, "level1": "25", "window_days": "14", "auto_complete_days": "12",
                                              "withdraw_fee": "1", "save": "1"})
    assert response.status_code == 422
    assert "these ratios add up to 35%" in text(response.get_data(as_text=True))
    _unchanged(db, brand)
    assert referral_settings_for(db.session, brand.id).window_days == 7
    assert order_settings_for(db.session, brand.id).auto_complete_days == 10
    assert withdrawal_settings_for(db.session, brand.id).withdraw_fee_bp == 0
