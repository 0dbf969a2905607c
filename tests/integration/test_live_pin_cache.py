"""The pin poll's 304 from the shared cache: a pin on one host reaches the other host's viewers within the TTL."""
import os
import secrets
import time

import pytest

from mall import create_app
from tests.integration.live_support import EN, Room
from tests.redis_support import drop_keys, require_redis

REDIS_URL = os.environ.get("LIVE_PIN_TEST_REDIS_URL", "redis://127.0.0.1:6390/3")
TTL = 1


@pytest.fixture()
def room(make, db):
    return Room(make, db.session)


@pytest.fixture()
def hosts(app):
    require_redis(REDIS_URL)
    prefix = "mall-test-" + secrets.token_hex(4) + ":"
    config = {**app.config, "LIVE_PIN_CACHE_SECONDS": TTL, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL,
              "CACHE_KEY_PREFIX": prefix}
    yield create_app(config).test_client(), create_app(dict(config)).test_client()
    drop_keys(REDIS_URL, f"{prefix}*")


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


def _flask_runs(app) -> list:
    runs = []
    app.before_request(lambda: runs.append(1))
    return runs


def test_the_new_pin_is_rendered_once_and_every_other_viewer_gets_the_same_bytes(db, room, hosts):
    """After a pin all viewers ask for the fragment within one interval: Flask answers the first of them only."""
    one, two = hosts
    runs_one, runs_two = _flask_runs(one.application), _flask_runs(two.application)
    room.start()
    room.pin(room.live_item)
    first = _poll(one, room)
    assert first.status_code == 200 and len(runs_one) == 1
    for client in (one, two, two):  # the other host reads the answer host one kept in Redis
        again = _poll(client, room)
        assert again.status_code == 200 and again.data == first.data
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
        assert again.headers["Content-Length"] == str(len(first.data))
    assert len(runs_one) == 1 and runs_two == []
    room.pin(room.plain_item)
    time.sleep(TTL + 0.1)
    changed = _poll(two, room, first.headers["ETag"])
    assert changed.status_code == 200 and "100g" in changed.get_data(as_text=True) and len(runs_two) == 1


def test_each_language_gets_its_own_kept_answer(db, room, hosts):
    one, _ = hosts
    room.start()
    room.pin(room.live_item)
    english = _poll(one, room).get_data(as_text=True)
    chinese = one.get(f"/l/{room.room.code}/pin?s=live", headers={"Accept-Language": "zh-CN", "HX-Request": "true"})
    assert "Now presenting" in english and "讲解中" in chinese.get_data(as_text=True)
    one.set_cookie("lang", "zh_CN")
    by_cookie = one.get(f"/l/{room.room.code}/pin?s=live", headers={**EN, "HX-Request": "true"})
    assert by_cookie.data == chinese.data  # the explicit choice wins over the browser's, as on every page


def test_a_page_showing_another_state_is_still_told_to_reload(db, room, hosts):
    one, _ = hosts
    room.start()
    room.pin(room.live_item)
    assert _poll(one, room).status_code == 200  # kept for the live state
    assert _poll(one, room, state="scheduled").headers["HX-Refresh"] == "true"


def test_an_unreachable_redis_still_answers_a_new_pin_from_flask(app, db, room):
    down = create_app({**app.config, "LIVE_PIN_CACHE_SECONDS": TTL, "CACHE_TYPE": "RedisCache",
                       "CACHE_REDIS_URL": "redis://127.0.0.1:1/0?socket_connect_timeout=0.2&socket_timeout=0.2"})
    room.start()
    room.pin(room.live_item)
    for _ in range(2):
        answer = _poll(down.test_client(), room)
        assert answer.status_code == 200 and "250g" in answer.get_data(as_text=True)
