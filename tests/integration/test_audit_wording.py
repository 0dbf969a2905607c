"""Issue 16: the audit log in the admin's language: who did what to which thing, money as money, ratios as
percentages, only what changed, every recorded action in the filter."""
import re
from datetime import datetime
from pathlib import Path

from mall.accounts.models import Role
from mall.admin.audit_log.labels import ACTIONS
from mall.audit.service import record
from mall.commission.models import Withdrawal
from tests.integration.admin_support import EN, text
from tests.integration.referral_data import partner

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 3, 1, 2, 0)


def audit_page(client, query="") -> str:
    response = client.get(f"/admin/audit{query}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_paid_withdrawal_reads_as_a_sentence_with_money(client, make, login_as, db):
    brand = make.brand()
    admin = login_as(make.user(Role.BRAND_ADMIN, brand=brand, name="Boss Wang"))
    li = partner(make, brand, name="Li Na")
    withdrawal = Withdrawal(brand_id=brand.id, partner_id=li.id, amount_fen=1990, fee_fen=0, status="paid",
                            request_key="k", created_at=AT)
    db.session.add(withdrawal)
    db.session.flush()
    record(db.session, action="withdrawal.pay", brand_id=brand.id, actor_id=admin.id, now=AT,
           subject=f"withdrawal:{withdrawal.id}", after={"status": "paid", "amount_fen": 1990})
    db.session.commit()
    page = text(audit_page(client))
    assert f"Boss Wang Withdrawal paid out Withdrawal #{withdrawal.id} · ¥19.90 · Li Na" in page
    assert "Amount — → ¥19.90" in page and "Status — → Paid out" in page
    for raw in ("withdrawal.pay", f"withdrawal:{withdrawal.id}", "amount_fen", "1990"):
        assert raw not in page


def test_a_product_edit_shows_only_the_option_that_changed(client, make, login_as, db):
    brand = make.brand()
    admin = login_as(make.user(Role.BRAND_ADMIN, brand=brand, name="Boss Wang"))
    product = make.product(brand, title="Jasmine Tea")
    skus = [{"name": "250g", "price_fen": 12800, "list_price_fen": None, "promo_price_fen": None, "stock": 5},
            {"name": "500g", "price_fen": 22800, "list_price_fen": None, "promo_price_fen": None, "stock": 5}]
    changed = [skus[0], {**skus[1], "stock": 3}]
    record(db.session, action="catalog.product.update", brand_id=brand.id, actor_id=admin.id, now=AT,
           subject=f"product:{product.id}",
           before={"title": "Jasmine Tea", "published": True, "promo_ends_at": None, "skus": skus},
           after={"title": "Jasmine Tea", "published": True, "promo_ends_at": None, "skus": changed})
    db.session.commit()
    html = audit_page(client)
    page = text(html)
    assert "Boss Wang Product edited Jasmine Tea" in page
    assert "Option 500g ¥228.00 · 5 in stock → ¥228.00 · 3 in stock" in page
    assert "Option 250g" not in page and "Title" not in page and "On sale" not in page  # unchanged
    assert "[{" not in html and "price_fen" not in html
    assert f'href="/admin/products/{product.id}"' in html


def test_ratio_and_staff_changes_use_words_and_names(client, make, login_as, db):
    brand = make.brand()
    store = make.store(brand, name="Jing'an")
    admin = login_as(make.user(Role.BRAND_ADMIN, brand=brand, name="Boss Wang"))
    guide = make.user(Role.GUIDE, store=store, name="Guide Gao")
    record(db.session, action="store.staff_assigned", brand_id=brand.id, actor_id=admin.id, now=AT,
           subject=f"user:{guide.id}", before={"role": "consumer", "store_id": None},
           after={"role": "guide", "store_id": store.id})
    record(db.session, action="commission.product_ratios", brand_id=brand.id, actor_id=admin.id, now=AT,
           subject="product:0", before={"level1_bp": None, "guide_bp": 300}, after={"level1_bp": 1500, "guide_bp": 300})
    db.session.commit()
    page = text(audit_page(client))
    assert "Boss Wang Staff assigned to a store Guide Gao" in page
    assert "Role Customer → Shop guide" in page and "Store — → Jing'an" in page
    assert "Level 1 (sharer) — → 15%" in page and "Shop guide 3%" not in page


def test_another_brands_subjects_are_not_named(client, make, login_as, db):
    brand, other = make.brand(), make.brand()
    admin = login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    theirs = make.product(other, title="Secret Blend")
    record(db.session, action="catalog.product.publish", brand_id=brand.id, actor_id=admin.id, now=AT,
           subject=f"product:{theirs.id}", after={"published": True})
    db.session.commit()
    assert "Secret Blend" not in audit_page(client)


def test_every_recorded_action_is_in_the_filter(client, make, login_as, db):
    recorded = set()
    for path in (ROOT / "mall").rglob("*.py"):
        source = path.read_text()
        recorded |= set(re.findall(r'action="([a-z_]+(?:\.[a-z_]+)+)"', source))
        recorded |= set(re.findall(r'action="[^"]+" if [^\n]* else "([a-z_]+(?:\.[a-z_]+)+)"', source))
        recorded |= set(re.findall(r'"((?:withdrawal|partner|order)\.[a-z_]+)"', source)) & {
            f"withdrawal.{verb}" for verb in ("approve", "reject", "pay", "fail", "retry")}
        recorded |= {f"{prefix}.settings" for prefix in re.findall(r'SettingsRow\([^)]*"([a-z]+)\.settings"', source)}
    assert {"withdrawal.pay", "store.update", "catalog.product.update"} <= recorded
    assert recorded - set(ACTIONS) == set()
    login_as(make.user(Role.BRAND_ADMIN, brand=make.brand()))
    html = audit_page(client)
    for action in recorded:
        assert f'value="{action}"' in html


def test_a_live_rooms_life_reads_in_words_with_its_title_and_host_store(client, make, login_as, db):
    from tests.integration.live_support import Room

    shop = Room(make, db.session)
    shop.start()
    shop.pin(shop.live_item)
    login_as(shop.admin)
    page = text(audit_page(client))
    assert "Live room started Live room Spring Tasting" in page
    assert "Product pinned in a live room Live room Spring Tasting" in page
    assert "Product put on a live room's shelf" in page and "Live price — → ¥79.00" in page
    assert "State Scheduled → Live now" in page
    assert "Host store — → Jing'an" in page  # the creation names the store, not its id
    for raw in ("live_room.", f"live_room:{shop.room.id}", "live_price_fen", "host_store_id"):
        assert raw not in page


def test_creating_and_revoking_a_brand_api_key_is_audited_in_words(client, make, login_as, db):
    from mall.accounts.api_tokens import ApiToken
    from tests.conftest import csrf_from

    brand = make.brand()
    login_as(make.user(Role.BRAND_ADMIN, brand=brand, name="Boss Wang"))
    token = csrf_from(client.get("/admin/api-keys", headers=EN).get_data(as_text=True))
    created = client.post("/admin/api-keys", data={"csrf_token": token, "name": "CRM sync", "scopes": ["read"]},
                          headers=EN)
    assert created.status_code == 200
    key = db.session.scalars(db.select(ApiToken).where(ApiToken.brand_id == brand.id)).one()
    client.post(f"/admin/api-keys/{key.id}/revoke", data={"csrf_token": token}, headers=EN)
    page = text(audit_page(client))
    assert "Boss Wang API key created API key CRM sync" in page and "Scopes — → read" in page
    assert "Boss Wang API key revoked API key CRM sync" in page
    assert key.token_hash not in page and "api_key:" not in page
