"""The cached live room page (/l/<code>): its state and pin are never stale, its heartbeat is still recorded,
its own Content-Security-Policy comes with it, and one browser's reminder or CSRF token is never another's."""
import pytest
from sqlalchemy import func, select

from mall.live.heartbeat import recently_seen
from mall.live.models import LiveReminder, LiveViewer
from mall.live.page import room_policy
from tests.conftest import csrf_from
from tests.integration.live_support import EN, Room
from tests.integration.test_page_cache import cached, retitle  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("cached")  # every test here runs with the page cache on


@pytest.fixture()
def room(make, db):
    return Room(make, db.session)


def visit(client, room):
    response = client.get(f"/l/{room.room.code}", headers=EN)
    assert response.status_code == 200
    return response


def test_a_second_viewer_gets_the_stored_page_and_is_still_counted(app, db, room):
    first = visit(app.test_client(), room).get_data(as_text=True)
    retitle(db, room.product, "Renamed Box")
    second = visit(app.test_client(), room)
    assert "Oolong Gift Box" in second.get_data(as_text=True)  # served from the cache
    assert second.headers["Content-Security-Policy"] == room_policy(room.room)
    assert db.session.scalar(select(func.count()).select_from(LiveViewer)) == 2
    assert csrf_from(second.get_data(as_text=True)) != csrf_from(first)


def test_each_viewer_can_ask_for_a_reminder_with_the_token_of_a_cached_page(app, db, room):
    one, two = app.test_client(), app.test_client()
    page_one, page_two = visit(one, room).get_data(as_text=True), visit(two, room).get_data(as_text=True)
    assert two.post(f"/l/{room.room.code}/remind", data={"csrf_token": csrf_from(page_two)}).status_code == 303
    assert one.post(f"/l/{room.room.code}/remind", data={"csrf_token": csrf_from(page_one)}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(LiveReminder)) == 2
    # A token from one viewer's page fails in another browser.
    assert app.test_client().post(f"/l/{room.room.code}/remind",
                                  data={"csrf_token": csrf_from(page_one)}).status_code == 400


def test_one_viewers_reminder_is_not_shown_to_another(app, db, room):
    asked = app.test_client()
    page = visit(asked, room).get_data(as_text=True)
    asked.post(f"/l/{room.room.code}/remind", data={"csrf_token": csrf_from(page)})
    visit(asked, room)  # shows the flash once: never stored
    assert "You will be reminded" in visit(asked, room).get_data(as_text=True)
    other = visit(app.test_client(), room).get_data(as_text=True)
    assert "You will be reminded" not in other and "Remind me" in other


def test_going_live_a_pin_and_the_end_show_at_once(app, db, room):
    assert 'data-state="scheduled"' in visit(app.test_client(), room).get_data(as_text=True)
    room.start()
    live = visit(app.test_client(), room)
    assert 'data-state="live"' in live.get_data(as_text=True)
    assert live.headers["Content-Security-Policy"] == room_policy(room.room)
    room.pin(room.live_item)
    assert f'data-item="{room.live_item.id}"' in visit(app.test_client(), room).get_data(as_text=True)
    room.pin(room.plain_item)
    assert f'data-item="{room.plain_item.id}"' in visit(app.test_client(), room).get_data(as_text=True)
    room.end()
    assert 'data-state="ended"' in visit(app.test_client(), room).get_data(as_text=True)


def test_the_rooms_price_follows_the_shelf_at_once(app, db, room):
    room.start()
    assert "¥79.00" in visit(app.test_client(), room).get_data(as_text=True)
    room.live_item.live_price_fen = 6900
    db.session.commit()
    html = visit(app.test_client(), room).get_data(as_text=True)
    assert "¥69.00" in html and "¥79.00" not in html


def test_the_language_is_part_of_the_rooms_key(app, db, room):
    assert "Remind me" in visit(app.test_client(), room).get_data(as_text=True)
    chinese = app.test_client().get(f"/l/{room.room.code}", headers={"Accept-Language": "zh-CN"})
    assert "Remind me" not in chinese.get_data(as_text=True)


def test_a_logged_in_viewer_never_gets_a_shared_room_page(app, client, db, room, login_as, make):
    login_as(make.user(role="consumer"))
    assert "My orders" in visit(client, room).get_data(as_text=True)
    retitle(db, room.product, "Renamed Box")
    assert "Renamed Box" in visit(client, room).get_data(as_text=True)
    assert "My orders" not in visit(app.test_client(), room).get_data(as_text=True)


def test_a_reload_right_after_a_heartbeat_writes_nothing(app, db, room):
    viewer = app.test_client()
    visit(viewer, room)
    key = db.session.scalar(select(LiveViewer.visitor_key))
    assert recently_seen(room.room.code, key)
    before = db.session.scalar(select(LiveViewer.last_seen_at))
    visit(viewer, room)
    assert db.session.scalar(select(LiveViewer.last_seen_at)) == before
    assert db.session.scalar(select(func.count()).select_from(LiveViewer)) == 1
