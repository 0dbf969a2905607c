"""Following the pin: the poll answers 304 until the pin changes, any host answers alike, and the room's CSP."""
import pytest

from mall import create_app
from tests.integration.live_support import EN, Room


@pytest.fixture()
def room(make, db):
    return Room(make, db.session)


def _poll(client, room, etag=None, state="live"):
    headers = {**EN, "HX-Request": "true"}
    if etag:
        headers["If-None-Match"] = etag
    return client.get(f"/l/{room.room.code}/pin?s={state}", headers=headers)


def test_the_poll_answers_304_until_the_host_pins_something_else(client, db, room):
    room.start()
    room.pin(room.live_item)
    first = _poll(client, room)
    assert first.status_code == 200 and "Oolong Gift Box" in first.get_data(as_text=True)
    assert first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]
    again = _poll(client, room, etag)
    assert again.status_code == 304 and again.get_data() == b""
    room.pin(room.plain_item)
    changed = _poll(client, room, etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "100g" in changed.get_data(as_text=True) and "¥59.00" in changed.get_data(as_text=True)


def test_another_host_answers_the_same_poll_the_same_way(app, client, db, room):
    """State lives in the database: a second app instance (another gunicorn host) knows the pin."""
    room.start()
    room.pin(room.live_item)
    etag = _poll(client, room).headers["ETag"]
    other_host = create_app({**app.config}).test_client()
    assert _poll(other_host, room, etag).status_code == 304
    room.pin(room.plain_item)
    assert "100g" in _poll(other_host, room, etag).get_data(as_text=True)


def test_when_the_room_starts_the_waiting_page_is_told_to_reload(client, db, room):
    waiting = _poll(client, room, state="scheduled")
    assert waiting.status_code == 200 and "HX-Refresh" not in waiting.headers
    room.start()
    assert _poll(client, room, waiting.headers["ETag"], state="scheduled").headers["HX-Refresh"] == "true"


def test_an_unknown_room_is_404(client, db):
    assert client.get("/l/NOSUCH/pin").status_code == 404
    assert client.get("/l/NOSUCH").status_code == 404


def test_the_room_page_may_frame_only_its_providers_player(client, db, room):
    room.start()
    response = client.get(f"/l/{room.room.code}", headers=EN)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-src https://player.bilibili.com" in csp
    assert "douyin" not in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert 'src="https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&amp;autoplay=0"' in response.get_data(
        as_text=True)


def test_an_hls_room_may_play_media_from_its_host_only(app, client, db, make):
    hls = Room(make, db.session, stream="https://cdn.example-live.com/r/1.m3u8", media_hosts=("cdn.example-live.com",))
    hls.start()
    response = client.get(f"/l/{hls.room.code}", headers=EN)
    csp = response.headers["Content-Security-Policy"]
    assert "media-src 'self' https://cdn.example-live.com blob:" in csp
    assert "connect-src 'self' https://cdn.example-live.com" in csp and "frame-src 'none'" in csp
    html = response.get_data(as_text=True)
    assert "vendor/hls/hls.min.js" in html and 'data-kind="hls"' in html


def test_other_pages_keep_the_strict_policy(client, db, room):
    csp = client.get(f"/p/{room.product.code}", headers=EN).headers["Content-Security-Policy"]
    assert "frame-src" not in csp and "bilibili" not in csp and "default-src 'self'" in csp


def test_a_scheduled_room_shows_no_player_and_frames_nothing(client, db, room):
    response = client.get(f"/l/{room.room.code}", headers=EN)
    assert "frame-src 'none'" in response.headers["Content-Security-Policy"]
    assert "<iframe" not in response.get_data(as_text=True)


def test_a_current_etag_is_answered_before_flask_runs(client, db, room):
    room.start()
    room.pin(room.live_item)
    etag = _poll(client, room).headers["ETag"]
    answered = _poll(client, room, etag)
    # The page's security headers come from Flask (Talisman): their absence shows the middleware answered.
    assert answered.status_code == 304 and "Content-Security-Policy" not in answered.headers
    assert answered.headers["ETag"] == etag and answered.headers["Cache-Control"] == "no-cache"
    assert _poll(client, room, '"r1-live-0"').status_code == 200  # a stale ETag goes on to the view


def test_hostile_room_urls_are_404_or_a_page_never_a_500(client, db, room):
    code = room.room.code
    for url in (f"/l/{'X' * 300}", f"/l/{'X' * 300}/pin", f"/l/{code}?buy=99999999999999999999",
                f"/l/{code}?buy=abc", f"/l/{code}/buy/99999999999999999999", f"/l/{code}/stats",
                f"/l/{code}/<script>", f"/l/{code}/pin?s=%00"):
        assert client.get(url, headers=EN).status_code in (200, 302, 400, 404, 405), url
