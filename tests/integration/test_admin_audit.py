"""The audit log page: the brand's own entries, filtered by action and local dates, paginated."""
from datetime import datetime

from mall.accounts.models import Role
from mall.audit.service import record
from tests.integration.admin_support import EN, text


def _entries(db, brand, admin):
    record(db.session, action="commission.settings", brand_id=brand.id, actor_id=admin.id,
           now=datetime(2026, 3, 1, 2, 0), subject=f"brand:{brand.id}", before={"level1_bp": 1000},
           after={"level1_bp": 1250})
    record(db.session, action="store.create", brand_id=brand.id, actor_id=admin.id, now=datetime(2026, 3, 5, 2, 0),
           subject="store:1", after={"name": "West Lake"})
    # 2026-03-09 20:00 UTC is already 10 March in Shanghai
    record(db.session, action="partner.disabled", brand_id=brand.id, actor_id=admin.id,
           now=datetime(2026, 3, 9, 20, 0), subject="partner:7", reason="Spam in the group chat")
    db.session.commit()


def test_audit_log_shows_who_what_before_after(client, make, login_as, db):
    brand = make.brand()
    admin = login_as(make.user(Role.BRAND_ADMIN, brand=brand, name="Boss Wang"))
    _entries(db, brand, admin)
    record(db.session, action="store.create", brand_id=make.brand().id, actor_id=None, now=datetime(2026, 3, 5),
           subject="store:99", after={"name": "Other brand's store"})
    db.session.commit()
    page = text(client.get("/admin/audit", headers=EN).get_data(as_text=True))
    # Issue 16: who did what to which thing, in words; ratios as percentages, before → after.
    assert "Boss Wang Commission rules changed Brand settings" in page
    assert "Level 1 (sharer) 10% → 12.5%" in page and "level1_bp" not in page
    assert "Spam in the group chat" in page
    assert "Other brand's store" not in page


def test_audit_log_filters(client, make, login_as, db):
    brand = make.brand()
    admin = login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    _entries(db, brand, admin)

    def shown(query):
        html = client.get("/admin/audit" + query, headers=EN).get_data(as_text=True)
        found = [(html.find(f'class="audit-action">{label}'), label)
                 for label in ("Commission rules changed", "Store created", "Partner disabled")]
        return [label for position, label in sorted(found) if position >= 0]

    assert shown("") == ["Partner disabled", "Store created", "Commission rules changed"]
    assert shown("?action=store") == ["Store created"]
    assert shown("?action=commission.settings") == ["Commission rules changed"]
    assert shown("?start=2026-03-02&end=2026-03-06") == ["Store created"]
    assert shown("?start=2026-03-10") == ["Partner disabled"]
    assert shown("?end=2026-03-09") == ["Store created", "Commission rules changed"]
    response = client.get("/admin/audit?start=2026-03-10&end=2026-03-01", headers=EN)
    assert "The end date is before the start date." in response.get_data(as_text=True)
    assert client.get("/admin/audit?start=not-a-date", headers=EN).status_code == 200


def test_audit_log_is_paginated(client, make, login_as, db):
    brand = make.brand()
    admin = login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    for n in range(35):
        record(db.session, action="store.update", brand_id=brand.id, actor_id=admin.id,
               now=datetime(2026, 3, 1, 0, n), subject=f"store:{n}")
    db.session.commit()
    first = client.get("/admin/audit", headers=EN).get_data(as_text=True)
    assert first.count('class="audit-action"') == 30 and "page=2" in first
    second = client.get("/admin/audit?page=2", headers=EN).get_data(as_text=True)
    assert second.count('class="audit-action"') == 5


def test_saving_rules_appears_in_the_audit_log(client, make, login_as, db):
    from tests.integration.test_admin_rules import FORM, _post

    brand = make.brand()
    login_as(make.user(Role.BRAND_ADMIN, brand=brand, name="Boss Wang"))
    assert _post(client, "/admin/rules", {**FORM, "store": "2.5", "save": "1"}).status_code == 303
    page = text(client.get("/admin/audit?action=commission", headers=EN).get_data(as_text=True))
    assert "Commission rules changed" in page and "Store 2% → 2.5%" in page


def test_non_admins_are_refused(client, make, login_as):
    login_as(make.user(Role.PARTNER))
    assert client.get("/admin/audit").status_code == 403

