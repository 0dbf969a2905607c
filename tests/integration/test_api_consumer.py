"""Consumer API: product lookup, touch, order with Idempotency-Key, payment, status, refund request."""
import pytest
from sqlalchemy import func, select

from mall.orders.models import Order
from mall.referral.models import Touch
from tests.integration.api_support import World, bearer, buy_and_pay, key, order_body, personal_token, place


@pytest.fixture()
def world(make, db):
    return World(make, db.session)


def test_product_by_code(client, world):
    response = client.get(f"/api/v1/products/{world.product.code.lower()}", headers=bearer(world.buyer_token))
    assert response.status_code == 200
    body = response.get_json()
    assert body["code"] == world.product.code and body["brand"] == world.brand.slug
    assert body["skus"] == [{"id": world.sku_id, "name": "Default", "price_fen": 10000, "list_price_fen": None,
                             "stock": 1000}]


def test_unknown_and_unpublished_products_are_not_found(client, make, world):
    hidden = make.product(world.brand, published=False)
    for code in ("NOPE", hidden.code):
        response = client.get(f"/api/v1/products/{code}", headers=bearer(world.buyer_token))
        assert response.status_code == 404
        assert response.get_json()["type"] == "urn:mall:problem:not-found"


def test_product_needs_a_token(client, world):
    response = client.get(f"/api/v1/products/{world.product.code}")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.mimetype == "application/problem+json"


def test_touch_records_and_binds_like_a_share_link(client, db, world):
    response = client.post("/api/v1/touches", json={"referral_code": world.sharer.code},
                           headers=bearer(world.buyer_token))
    assert response.status_code == 201 and response.get_json() == {"recorded": True}
    touch = db.session.scalars(select(Touch)).one()
    assert (touch.partner_id, touch.user_id, touch.target) == (world.sharer.id, world.buyer.id, "home")


def test_touch_with_another_brands_product_is_refused(client, make, world):
    other = make.product()
    response = client.post("/api/v1/touches", json={"referral_code": world.sharer.code, "product_code": other.code},
                           headers=bearer(world.buyer_token))
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "product_code",
                                              "message": "No such product of the partner's brand."}]


def test_touch_validation_names_the_field(client, world):
    response = client.post("/api/v1/touches", json={"referral_code": "", "extra": 1},
                           headers=bearer(world.buyer_token))
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"referral_code", "extra"}


def test_order_with_referral_is_attributed_to_the_sharer(client, db, world):
    number = buy_and_pay(client, world)
    status = client.get(f"/api/v1/orders/{number}", headers=bearer(world.buyer_token)).get_json()
    assert status["status"] == "paid" and status["total_fen"] == 10000
    assert world.books.balances()["pending"] == 1000  # the sharer's 10 %, accrued by the same subscribers


def test_same_idempotency_key_and_body_is_the_same_order(client, db, world):
    first = place(client, world, idem="same-key-0001")
    again = place(client, world, idem="same-key-0001")
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert world.product.skus[0].stock == 999


def test_same_idempotency_key_with_another_body_is_refused(client, db, world):
    assert place(client, world, idem="same-key-0002").status_code == 201
    other = place(client, world, idem="same-key-0002", quantity=2)
    assert other.status_code == 422
    assert other.get_json()["type"] == "urn:mall:problem:idempotency-key-reused"
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_order_needs_an_idempotency_key(client, world):
    response = client.post("/api/v1/orders", json=order_body(world), headers=bearer(world.buyer_token))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"


@pytest.mark.parametrize("change, field", [
    ({"quantity": 0}, "quantity"),
    ({"quantity": "1"}, "quantity"),
    ({"delivery": "drone"}, "delivery"),
    ({"contact_phone": "12"}, "contact_phone"),  # the checkout's own rule, named by its field
    ({"address": "短"}, "address"),
    ({"sku_id": 2**31}, "sku_id"),
])
def test_order_validation_names_the_field_and_changes_nothing(client, db, world, change, field):
    response = place(client, world, **change)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["type"] == "urn:mall:problem:validation-failed"
    assert [e["field"] for e in response.get_json()["errors"]] == [field]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_out_of_stock_is_refused(client, make, db, world):
    scarce = make.product(world.brand, skus=(("One", 500, 1),))
    response = place(client, world, sku_id=scarce.skus[0].id, quantity=2)
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "sku_id"


def test_another_buyers_order_is_not_found(client, make, db, world):
    number = place(client, world).get_json()["number"]
    stranger = personal_token(db.session, make.user())
    for method, path in (("get", f"/api/v1/orders/{number}"), ("post", f"/api/v1/orders/{number}/payment"),
                         ("post", f"/api/v1/orders/{number}/refunds")):
        response = getattr(client, method)(path, json={} if method == "post" else None, headers=bearer(stranger))
        assert response.status_code == 404, path


def test_paying_twice_is_a_conflict(client, world):
    number = buy_and_pay(client, world, referral=False)
    response = client.post(f"/api/v1/orders/{number}/payment", headers=bearer(world.buyer_token))
    assert response.status_code == 409 and response.get_json()["type"] == "urn:mall:problem:conflict"


def test_mock_card_must_be_a_card_number(client, world):
    number = place(client, world).get_json()["number"]
    charge = client.post(f"/api/v1/orders/{number}/payment", headers=bearer(world.buyer_token)).get_json()
    response = client.post(f"/api/v1/mockpay/{charge['charge_id']}", json={"card_number": "1234 5678 9012 3456"},
                           headers=bearer(world.buyer_token))
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "card_number"


def test_refund_request_of_a_paid_order(client, world):
    number = buy_and_pay(client, world, referral=False)
    response = client.post(f"/api/v1/orders/{number}/refunds", json={"reason": "broken"},
                           headers=bearer(world.buyer_token))
    assert response.status_code == 201
    assert (response.get_json()["status"], response.get_json()["amount_fen"]) == ("requested", 10000)
    again = client.post(f"/api/v1/orders/{number}/refunds", json={}, headers=bearer(world.buyer_token))
    assert again.status_code == 422 and again.get_json()["type"] == "urn:mall:problem:refused"


def test_refund_of_an_unpaid_order_is_refused(client, world):
    number = place(client, world).get_json()["number"]
    response = client.post(f"/api/v1/orders/{number}/refunds", json={"items": [{"line_id": 1, "amount_fen": 0}]},
                           headers=bearer(world.buyer_token))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"].startswith("items.0.amount_fen")


def test_key_replay_is_per_token(client, make, db, world):
    other = personal_token(db.session, make.user())
    body = order_body(world)
    mine = client.post("/api/v1/orders", json=body, headers=bearer(world.buyer_token, **{"Idempotency-Key": "k" * 10}))
    theirs = client.post("/api/v1/orders", json=body, headers=bearer(other, **{"Idempotency-Key": "k" * 10}))
    assert mine.get_json()["number"] != theirs.get_json()["number"]


__all__ = ["key"]
