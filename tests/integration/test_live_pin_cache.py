"""The pin poll's 304 from the shared cache: a pin on one host reaches the other host's viewers within the TTL."""
import os
import secrets
import time

import pytest
import redis

from mall import create_app
from tests.integration.live_support import EN, Room

REDIS_URL = os.environ.get("LIVE_PIN_TEST_REDIS_URL", "redis://127.0.0.1:6390/3")
TTL = 1


@pytest.fixture()
def room(make, db):
    return Room(make, db.session)


@pytest.fixture()
def hosts(app):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as err:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis at {REDIS_URL} is unreachable: {err}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = "mall-test-" + secrets.token_hex(4) + ":"
    config = {**app.config, "LIVE_PIN_CACHE_SECONDS": TTL, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL,
              "CACHE_KEY_PREFIX": prefix}
    yield create_app(config).test_client(), create_app(dict(config)).test_client()
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def _poll(client, room, etag=None, state="live"):
    headers = {**EN, "HX-Request": "true"}
    if etag:
        headers["If-None-Match"] = etag
    return client.get(f"/l/{room.room.code}/pin?s={state}", headers=headers)


def test_a_pin_on_one_host_reaches_the_other_hosts_viewers_within_the_ttl(db, room, hosts):
    one, two = hosts
    room.start()
    room.pin(room.live_item)
    etag = _poll(one, room).headers["ETag"]
    assert _poll(one, room, etag).status_code == 304  # the room's state is now in Redis
    room.pin(room.plain_item)
    pinned_at = time.monotonic()
    seen = None
    while seen is None and time.monotonic() - pinned_at < TTL + 1:
        answer = _poll(two, room, etag)
        if answer.status_code == 200:
            seen = time.monotonic() - pinned_at
            assert "100g" in answer.get_data(as_text=True) and answer.headers["ETag"] != etag
        else:
            assert answer.status_code == 304
            time.sleep(0.05)
    assert seen is not None and seen <= TTL + 0.2


def test_hosts_share_one_cached_state(db, room, hosts):
    """Host two answers from the state host one stored: within the TTL it has not read the new pin itself."""
    one, two = hosts
    room.start()
    room.pin(room.live_item)
    etag = _poll(one, room).headers["ETag"]
    assert _poll(one, room, etag).status_code == 304
    room.pin(room.plain_item)
    assert _poll(two, room, etag).status_code == 304  # the cached state (the new pin is at most TTL s away)


def test_a_room_that_ends_still_reloads_the_page_after_the_ttl(db, room, hosts):
    one, _ = hosts
    room.start()
    etag = _poll(one, room).headers["ETag"]
    assert _poll(one, room, etag).status_code == 304
    room.end()
    time.sleep(TTL + 0.1)
    assert _poll(one, room, etag).headers["HX-Refresh"] == "true"


def test_an_unknown_room_is_still_404_with_the_cache_on(db, hosts):
    one, _ = hosts
    assert one.get("/l/NOSUCH/pin", headers={"If-None-Match": '"r1-live-1"'}).status_code == 404
    assert one.get("/l/NOSUCH/pin", headers={"If-None-Match": '"r1-live-1"'}).status_code == 404


def test_an_unreachable_redis_reads_the_database_instead(app, db, room):
    down = create_app({**app.config, "LIVE_PIN_CACHE_SECONDS": TTL, "CACHE_TYPE": "RedisCache",
                       "CACHE_REDIS_URL": "redis://127.0.0.1:1/0?socket_connect_timeout=0.2&socket_timeout=0.2"})
    client = down.test_client()
    room.start()
    room.pin(room.live_item)
    etag = _poll(client, room).headers["ETag"]
    assert _poll(client, room, etag).status_code == 304
    room.pin(room.plain_item)
    assert _poll(client, room, etag).status_code == 200
