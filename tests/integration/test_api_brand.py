"""Brand API: products, commission settings, orders with attribution, refunds, withdrawals, reports, exports."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mall.accounts.api_tokens import READ
from mall.catalog.models import Product
from mall.commission.withdrawals import request_withdrawal
from mall.jobs.settle import settle_due
from mall.orders.models import Order, OrderStatus, Refund
from tests.integration.api_support import World, bearer, brand_key, buy_and_pay
from tests.integration.commission_support import T0, days


@pytest.fixture()
def world(make, db):
    return World(make, db.session)


def call(client, world, method, path, key=None, **kw):
    return getattr(client, method)(f"/api/v1/brand{path}", headers=bearer(key or world.brand_key), **kw)


NEW = {"title": "Oolong", "published": True, "skus": [{"name": "100g", "price_fen": 3900, "stock": 5}]}


def test_create_product(client, db, world):
    response = call(client, world, "post", "/products", json=NEW)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    product = db.session.scalars(select(Product).where(Product.code == body["code"])).one()
    assert product.brand_id == world.brand.id and [s.price_fen for s in product.skus] == [3900]
    listed = call(client, world, "get", "/products").get_json()
    assert body["id"] in [p["id"] for p in listed["items"]]


def test_create_product_validation(client, world):
    response = call(client, world, "post", "/products", json={"title": "", "skus": [{"name": "x", "price_fen": 0}]})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"title", "skus.0.price_fen", "skus.0.stock"}


def test_update_price_stock_and_ratio(client, db, world):
    sku = world.product.skus[0]
    response = call(client, world, "patch", f"/products/{world.product.id}",
                    json={"skus": [{"id": sku.id, "price_fen": 12000, "stock": 3}], "ratios": {"level1_bp": 1500}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["skus"][0]["price_fen"], body["skus"][0]["stock"]) == (12000, 3)
    assert body["ratios"]["level1_bp"] == 1500


def test_ratio_above_the_cap_is_refused_and_changes_nothing(client, db, world):
    response = call(client, world, "patch", f"/products/{world.product.id}", json={"ratios": {"level1_bp": 9000}})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"].startswith("ratios")
    body = call(client, world, "get", "/products").get_json()["items"][0]
    assert body["ratios"]["level1_bp"] is None


def test_another_brands_product_is_not_found(client, make, db, world):
    other = make.product()
    response = call(client, world, "patch", f"/products/{other.id}", json={"published": False})
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.published is True


def test_read_key_cannot_write(client, db, world):
    reader = brand_key(db.session, world.brand, scopes=(READ,))
    assert call(client, world, "get", "/products", key=reader).status_code == 200
    response = call(client, world, "post", "/products", key=reader, json=NEW)
    assert response.status_code == 403 and response.get_json()["type"] == "urn:mall:problem:forbidden"


def test_personal_token_is_no_brand_key(client, world):
    assert call(client, world, "get", "/products", key=world.buyer_token).status_code == 403


def test_commission_settings(client, world):
    body = call(client, world, "get", "/commission-settings").get_json()
    assert (body["level1_bp"], body["level2_bp"], body["max_total_bp"]) == (1000, 500, 3000)


def test_change_commission_settings_within_the_cap(client, db, world):
    changed = call(client, world, "patch", "/commission-settings", json={"level1_bp": 1200, "levels": 1})
    assert changed.status_code == 200 and (changed.get_json()["level1_bp"], changed.get_json()["levels"]) == (1200, 1)
    refused = call(client, world, "patch", "/commission-settings", json={"level1_bp": 5000})
    assert refused.status_code == 422 and refused.get_json()["type"] == "urn:mall:problem:validation-failed"
    assert call(client, world, "get", "/commission-settings").get_json()["level1_bp"] == 1200
    assert call(client, world, "patch", "/commission-settings", json={"max_total_bp": 9000}).status_code == 422


def test_reject_a_refund(client, world):
    number = buy_and_pay(client, world)
    refund = client.post(f"/api/v1/orders/{number}/refunds", json={}, headers=bearer(world.buyer_token)).get_json()
    response = call(client, world, "post", f"/refunds/{refund['id']}/reject", json={"reason": "used"})
    assert response.status_code == 200 and response.get_json()["status"] == "rejected"


def test_order_with_full_attribution(client, world):
    number = buy_and_pay(client, world)
    body = call(client, world, "get", f"/orders/{number}").get_json()
    attribution = body["attribution"]
    assert attribution["sharer"]["code"] == world.sharer.code
    assert [w["code"] for w in attribution["sharer_chain"]] == [world.sharer.code, world.books.upline.code]
    assert attribution["ratios_bp"] == {"level1": 1000, "level2": 500}
    assert sorted((c["role"], c["amount_fen"], c["status"]) for c in body["commission"]) == [
        ("level1", 1000, "pending"), ("level2", 500, "pending")]
    listed = call(client, world, "get", "/orders", query_string={"status": "paid"}).get_json()
    assert [o["number"] for o in listed["items"]] == [number]


def test_another_brands_order_is_not_found(client, make, db, world):
    number = buy_and_pay(client, world)
    other = World(make, db.session)
    assert call(client, other, "get", f"/orders/{number}").status_code == 404


def test_approve_refund_reverses_commission(client, db, world):
    number = buy_and_pay(client, world)
    refund = client.post(f"/api/v1/orders/{number}/refunds", json={}, headers=bearer(world.buyer_token)).get_json()
    response = call(client, world, "post", f"/refunds/{refund['id']}/approve")
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Refund, refund["id"]).status == "refunded"  # the provider refunded after the commit
    assert world.books.balances()["pending"] == 0


def test_another_brand_cannot_approve_the_refund(client, make, db, world):
    number = buy_and_pay(client, world)
    refund = client.post(f"/api/v1/orders/{number}/refunds", json={}, headers=bearer(world.buyer_token)).get_json()
    other = World(make, db.session)
    assert call(client, other, "post", f"/refunds/{refund['id']}/approve").status_code == 404
    assert db.session.get(Refund, refund["id"]).status == "requested"


def test_reject_refund_validation(client, world):
    number = buy_and_pay(client, world)
    refund = client.post(f"/api/v1/orders/{number}/refunds", json={}, headers=bearer(world.buyer_token)).get_json()
    response = call(client, world, "post", f"/refunds/{refund['id']}/reject", json={"reason": "x" * 201})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "reason"


@pytest.fixture()
def requested(client, db, world):
    number = buy_and_pay(client, world)
    order = db.session.scalars(select(Order).where(Order.number == number)).one()
    order.status, order.completed_at = OrderStatus.COMPLETED, T0
    db.session.commit()
    settle_due(db.session, now=T0 + days(30))
    withdrawal = request_withdrawal(db.session, partner_id=world.sharer.id, amount_fen=800, request_key="w" * 20,
                                    now=T0 + days(30))
    db.session.commit()
    return withdrawal


def test_withdrawal_approve_and_pay_once(client, world, requested):
    listed = call(client, world, "get", "/withdrawals").get_json()
    assert [(w["id"], w["partner_code"]) for w in listed] == [(requested.id, world.sharer.code)]
    assert call(client, world, "post", f"/withdrawals/{requested.id}/approve").get_json()["status"] == "approved"
    paid = call(client, world, "post", f"/withdrawals/{requested.id}/pay")
    assert paid.status_code == 200 and paid.get_json()["payout_ref"].startswith("MOCKPAY-")
    again = call(client, world, "post", f"/withdrawals/{requested.id}/pay")
    assert again.status_code == 409
    assert world.books.balances()["withdrawn"] == 800


def test_withdrawal_reject_returns_the_money(client, world, requested):
    response = call(client, world, "post", f"/withdrawals/{requested.id}/reject", json={"reason": "bank details"})
    assert response.get_json()["status"] == "rejected"
    assert world.books.balances()["available"] == 1000


def test_another_brands_withdrawal_is_not_found(client, make, db, world, requested):
    other = World(make, db.session)
    assert call(client, other, "post", f"/withdrawals/{requested.id}/approve").status_code == 404


def test_sales_report(client, world):
    buy_and_pay(client, world)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # the brand's reporting day
    body = call(client, world, "get", "/reports/sales", query_string={"dimension": "sharer", "first": today,
                                                                       "last": today}).get_json()
    assert [(r["orders"], r["gmv_fen"]) for r in body["rows"]] == [(1, 10000)]
    bad = call(client, world, "get", "/reports/sales", query_string={"first": today, "last": "2000-01-01"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "last"


def test_order_export_follows_changes_since_the_cursor(client, db, world):
    number = buy_and_pay(client, world)
    first = call(client, world, "get", "/exports/orders").get_json()
    assert [(o["number"], o["status"]) for o in first["items"]] == [(number, "paid")]
    assert call(client, world, "get", "/exports/orders", query_string={"cursor": first["next_cursor"]}
                ).get_json()["items"] == []
    client.post(f"/api/v1/orders/{number}/refunds", json={}, headers=bearer(world.buyer_token))
    refund = db.session.scalars(select(Refund)).one()
    call(client, world, "post", f"/refunds/{refund.id}/approve")
    later = call(client, world, "get", "/exports/orders", query_string={"cursor": first["next_cursor"]}).get_json()
    assert [(o["number"], o["status"]) for o in later["items"]] == [(number, "refunded")]


def test_ledger_export_by_cursor(client, world):
    buy_and_pay(client, world)
    page = call(client, world, "get", "/exports/ledger", query_string={"limit": 2}).get_json()
    assert page["has_more"] is True and len(page["items"]) == 2
    rest = call(client, world, "get", "/exports/ledger", query_string={"cursor": page["next_cursor"],
                                                                        "limit": 200}).get_json()
    entries = page["items"] + rest["items"]
    assert sum(e["amount_fen"] for e in entries) == 0  # double entry: every transaction balances
    assert all(e["owner_kind"] for e in entries)
