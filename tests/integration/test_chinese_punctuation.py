"""Issue 16: Chinese pages use Chinese punctuation between translated words: 原因：…, not 原因: …"""
from datetime import datetime

from mall.accounts.models import Role
from mall.audit.service import record

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


def test_labels_take_a_full_width_colon_in_chinese_and_a_plain_one_in_english(client, make, login_as, db):
    brand = make.brand()
    admin = login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    record(db.session, action="partner.disabled", brand_id=brand.id, actor_id=admin.id,
           now=datetime(2026, 3, 1), subject="partner:1", reason="群里发广告")
    db.session.commit()
    zh = client.get("/admin/audit", headers=ZH).get_data(as_text=True)
    assert "：群里发广告" in zh and ": 群里发广告" not in zh
    en = client.get("/admin/audit", headers=EN).get_data(as_text=True)
    assert "Reason: 群里发广告" in en
