"""Partner sharing through the API: content pool items carry the partner's own link; storefront picks."""
import pytest
from sqlalchemy import select

from mall.clock import utcnow
from mall.content.models import ContentEvent, ContentItem
from tests.integration.api_support import World, bearer


@pytest.fixture()
def world(make, db):
    world = World(make, db.session)
    db.session.add(ContentItem(brand_id=world.brand.id, code="CPOST01", title="Spring tea",
                               body="New harvest, try it: {link}", product_id=world.product.id, created_at=utcnow()))
    db.session.commit()
    return world


def test_content_pool_with_the_partners_link(client, db, world):
    response = client.get(f"/api/v1/partner/brands/{world.brand.slug}/content", headers=bearer(world.sharer_token))
    assert response.status_code == 200
    item = response.get_json()["items"][0]
    assert item["url"] == f"http://localhost/c/CPOST01/{world.sharer.code}"
    assert item["text"] == f"New harvest, try it: {item['url']}" and item["product_code"] == world.product.code
    assert db.session.scalars(select(ContentEvent.kind)).all() == ["view"]  # counted as the share centre counts


def test_content_pool_of_another_brand_is_not_found(client, make, db, world):
    other = World(make, db.session)
    response = client.get(f"/api/v1/partner/brands/{world.brand.slug}/content", headers=bearer(other.sharer_token))
    assert response.status_code == 404


def test_content_search_is_validated(client, world):
    response = client.get(f"/api/v1/partner/brands/{world.brand.slug}/content", query_string={"q": "x" * 41},
                          headers=bearer(world.sharer_token))
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "q"


def test_pick_and_unpick(client, world):
    picked = client.post("/api/v1/partner/storefront/picks", json={"product_code": world.product.code},
                         headers=bearer(world.sharer_token))
    assert picked.status_code == 201
    assert [p["code"] for p in picked.get_json()["products"]] == [world.product.code]
    again = client.post("/api/v1/partner/storefront/picks", json={"product_code": world.product.code},
                        headers=bearer(world.sharer_token))
    assert [p["code"] for p in again.get_json()["products"]] == [world.product.code]  # picking twice: once
    removed = client.delete(f"/api/v1/partner/storefront/picks/{world.product.code}",
                            headers=bearer(world.sharer_token))
    assert removed.status_code == 200 and removed.get_json()["products"] == []


def test_another_brands_product_cannot_be_picked(client, make, world):
    other = make.product()
    response = client.post("/api/v1/partner/storefront/picks", json={"product_code": other.code},
                           headers=bearer(world.sharer_token))
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "product_code"
    assert client.get("/api/v1/partner/storefront", headers=bearer(world.sharer_token)).get_json()["products"] == []


def test_touch_from_a_content_item(client, db, world):
    from mall.referral.models import Touch

    response = client.post("/api/v1/touches", json={"referral_code": world.sharer.code, "content_code": "CPOST01"},
                           headers=bearer(world.buyer_token))
    assert response.status_code == 201 and response.get_json() == {"recorded": True}
    touch = db.session.scalars(select(Touch)).one()
    assert (touch.channel, touch.target, touch.partner_id) == ("content", "content:CPOST01", world.sharer.id)
    unknown = client.post("/api/v1/touches", json={"referral_code": world.sharer.code, "content_code": "NOPE"},
                          headers=bearer(world.buyer_token))
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["field"] == "content_code"
