"""Live rooms through the API: a brand schedules, shelves, starts, pins and ends a room; a buyer reads the room,
arrives by an invite and buys at the room's price; the invitation statistics count it; webhooks hear the room."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from mall.clock import utcnow
from mall.commission.models import OrderAttribution
from mall.orders.models import Order
from mall.webhooks.delivery import deliver_due
from mall.webhooks.endpoints import register_endpoint
from tests.integration.api_support import GOOD_CARD, World, bearer, key, order_body
from tests.integration.webhook_support import Receiver, running

STREAM = "https://www.bilibili.com/video/BV1xx411c7mD"


@pytest.fixture()
def world(make, db):
    return World(make, db.session)


def brand_call(client, world, path, body=None, method="post", key_=None):
    return getattr(client, method)(f"/api/v1/brand/live-rooms{path}", json=body,
                                   headers=bearer(key_ or world.brand_key))


def live_room(client, world, *, live_price_fen=8000):
    created = brand_call(client, world, "", {"title": "New tea", "starts_at": (utcnow() + timedelta(hours=1))
                                             .isoformat() + "Z", "stream_url": STREAM})
    assert created.status_code == 201, created.get_json()
    room = created.get_json()
    assert brand_call(client, world, f"/{room['id']}/shelf", {"sku_id": world.sku_id,
                                                              "live_price_fen": live_price_fen}).status_code == 201
    assert brand_call(client, world, f"/{room['id']}/start").get_json()["state"] == "live"
    return room


def test_a_room_from_schedule_to_end(client, db, world):
    room = live_room(client, world)
    shown = client.get(f"/api/v1/live-rooms/{room['code']}", headers=bearer(world.buyer_token)).get_json()
    assert shown["state"] == "live" and shown["pinned"] is None
    item = shown["shelf"][0]
    assert (item["price_fen"], item["normal_fen"], item["live_price"]) == (8000, 10000, True)
    pinned = brand_call(client, world, f"/{room['id']}/pin", {"item_id": item["item_id"]})
    assert pinned.get_json()["pinned_item_id"] == item["item_id"]
    shown = client.get(f"/api/v1/live-rooms/{room['code']}", headers=bearer(world.buyer_token)).get_json()
    assert shown["pinned"]["item_id"] == item["item_id"]
    assert brand_call(client, world, f"/{room['id']}/end").get_json()["state"] == "ended"
    again = brand_call(client, world, f"/{room['id']}/end")
    assert again.status_code == 409 and again.get_json()["type"] == "urn:mall:problem:conflict"


def test_invited_buyer_buys_at_the_room_price_and_is_counted(client, db, world):
    room = live_room(client, world)
    touched = client.post("/api/v1/touches", json={"referral_code": world.sharer.code,
                                                   "live_room_code": room["code"]},
                          headers=bearer(world.buyer_token))
    assert touched.status_code == 201 and touched.get_json() == {"recorded": True}
    placed = client.post("/api/v1/orders", json=order_body(world, live_room_code=room["code"]),
                         headers=bearer(world.buyer_token, **{"Idempotency-Key": key()}))
    assert placed.status_code == 201, placed.get_json()
    assert placed.get_json()["total_fen"] == 8000
    number = placed.get_json()["number"]
    charge = client.post(f"/api/v1/orders/{number}/payment", headers=bearer(world.buyer_token)).get_json()
    client.post(f"/api/v1/mockpay/{charge['charge_id']}", json={"card_number": GOOD_CARD},
                headers=bearer(world.buyer_token))
    order = db.session.scalars(select(Order).where(Order.number == number)).one()
    assert db.session.get(OrderAttribution, order.id).channel == "live"
    stats = brand_call(client, world, f"/{room['id']}/stats", method="get").get_json()
    assert (stats["invited_viewers"], stats["orders"], stats["gmv_fen"]) == (1, 1, 8000)
    assert [(r["code"], r["invited"], r["orders"]) for r in stats["inviters"]] == [(world.sharer.code, 1, 1)]


def test_buying_a_sku_not_on_the_shelf_is_refused(client, make, db, world):
    room = live_room(client, world)
    other = make.product(world.brand)
    response = client.post("/api/v1/orders", json=order_body(world, sku_id=other.skus[0].id,
                                                             live_room_code=room["code"]),
                           headers=bearer(world.buyer_token, **{"Idempotency-Key": key()}))
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "sku_id"


def test_another_brands_room_is_not_found(client, make, db, world):
    room = live_room(client, world)
    other = World(make, db.session)
    for path in (f"/{room['id']}/start", f"/{room['id']}/end"):
        assert brand_call(client, other, path).status_code == 404
    assert brand_call(client, other, f"/{room['id']}/stats", method="get").status_code == 404


def test_room_validation_names_the_field(client, world):
    response = brand_call(client, world, "", {"title": "Tea", "starts_at": "2026-12-01T10:00:00Z",
                                              "stream_url": "javascript:alert(1)"})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "stream_url"
    response = brand_call(client, world, "", {"title": "", "starts_at": "soon", "stream_url": STREAM})
    assert {e["field"] for e in response.get_json()["errors"]} == {"title", "starts_at"}


def test_pin_before_start_is_refused(client, world):
    created = brand_call(client, world, "", {"title": "Later", "starts_at": "2026-12-31T10:00:00Z",
                                             "stream_url": STREAM}).get_json()
    shelved = brand_call(client, world, f"/{created['id']}/shelf", {"sku_id": world.sku_id})
    assert shelved.status_code == 201
    room = client.get(f"/api/v1/live-rooms/{created['code']}", headers=bearer(world.buyer_token)).get_json()
    response = brand_call(client, world, f"/{created['id']}/pin", {"item_id": room["shelf"][0]["item_id"]})
    assert response.status_code == 422 and response.get_json()["type"] == "urn:mall:problem:refused"


def test_live_room_webhooks(client, db, world):
    receiver = Receiver()
    with running(receiver) as url:
        register_endpoint(db.session, brand_id=world.brand.id, url=url, topics=["live_room.started", "live_room.ended"],
                          now=utcnow() - timedelta(seconds=1), allow_private=True)
        db.session.commit()
        room = live_room(client, world)
        brand_call(client, world, f"/{room['id']}/end")
        assert deliver_due(db.session, now=utcnow() + timedelta(seconds=1), allow_private=True) == (2, 0)
    events = [json.loads(body) for _, body in receiver.received]
    assert [e["type"] for e in events] == ["live_room.started", "live_room.ended"]
    assert events[0]["data"]["live_room_id"] == room["id"]
