"""Viewers are browsers with a recent heartbeat, not page loads; invitations record touches and count per inviter."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.codes import short_code
from mall.live.models import LiveReminder, LiveViewer
from mall.live.queries import leaderboard, room_stats, store_board
from mall.live.viewers import VIEWER_WINDOW, seen, viewers_now
from mall.referral.models import Binding, Partner, Touch
from tests.conftest import csrf_from
from tests.integration.live_support import EN, Room


@pytest.fixture()
def room(make, db):
    return Room(make, db.session)


def test_a_reload_is_not_a_new_viewer(app, client, db, room):
    for _ in range(3):
        assert client.get(f"/l/{room.room.code}", headers=EN).status_code == 200
    client.get(f"/l/{room.room.code}/stats", headers=EN)
    other = app.test_client()  # another phone
    other.get(f"/l/{room.room.code}", headers=EN)
    assert db.session.scalar(select(func.count()).select_from(LiveViewer)) == 2
    assert room_stats(db.session, room.room.id, now=utcnow()).viewers_now == 2


def test_viewers_now_counts_only_recent_heartbeats(db, room):
    now = utcnow()
    seen(db.session, room.room, "old-browser", now=now - VIEWER_WINDOW - timedelta(seconds=1))
    seen(db.session, room.room, "fresh-browser", now=now - timedelta(seconds=5))
    assert viewers_now(db.session, room.room.id, now=now) == 1
    seen(db.session, room.room, "old-browser", now=now)  # its heartbeat again
    assert viewers_now(db.session, room.room.id, now=now) == 2


def test_a_heartbeat_is_not_written_again_within_ten_seconds_but_the_viewer_still_counts(db, room):
    start = utcnow()
    seen(db.session, room.room, "browser", now=start)
    seen(db.session, room.room, "browser", now=start + timedelta(seconds=5))  # fresh: no write
    assert viewers_now(db.session, room.room.id, now=start + timedelta(seconds=5)) == 1
    # Had the second heartbeat been written, the browser would still count 62 s after the first.
    assert viewers_now(db.session, room.room.id, now=start + VIEWER_WINDOW + timedelta(seconds=2)) == 0
    seen(db.session, room.room, "browser", now=start + timedelta(seconds=11))  # older than 10 s: written
    assert viewers_now(db.session, room.room.id, now=start + VIEWER_WINDOW + timedelta(seconds=2)) == 1
    assert db.session.scalar(select(func.count()).select_from(LiveViewer)) == 1


def test_an_inviter_is_recorded_even_when_the_heartbeat_is_fresh(db, room):
    now = utcnow()
    seen(db.session, room.room, "browser", now=now)
    seen(db.session, room.room, "browser", now=now + timedelta(seconds=1), inviter_id=room.sharer.id)
    assert db.session.scalars(select(LiveViewer)).one().inviter_id == room.sharer.id


def test_an_invite_link_records_a_live_touch_that_binds_like_a_product_link(client, db, room):
    client.get(f"/l/{room.room.code}/{room.sharer.code}", headers=EN)
    touch = db.session.scalars(select(Touch)).one()
    assert (touch.channel, touch.live_room_id, touch.partner_id, touch.target) == (
        "live", room.room.id, room.sharer.id, f"live:{room.room.code}")
    binding = db.session.scalars(select(Binding)).one()
    assert (binding.partner_id, binding.kind) == (room.sharer.id, "sharer")


def test_each_browser_counts_once_for_the_inviter_who_brought_it_first(app, client, db, room):
    other_sharer = room.partner(name="Wang Fang")
    client.get(f"/l/{room.room.code}/{room.sharer.code}", headers=EN)
    client.get(f"/l/{room.room.code}/{room.sharer.code}", headers=EN)  # the same link again
    client.get(f"/l/{room.room.code}/{other_sharer.code}", headers=EN)  # then someone else's
    second = app.test_client()
    second.get(f"/l/{room.room.code}/{other_sharer.code}", headers=EN)
    board = {row.key: row.invited for row in leaderboard(db.session, room.room.id, masked=False)}
    assert board == {room.sharer.id: 1, other_sharer.id: 1}
    assert room_stats(db.session, room.room.id, now=utcnow()).unique_viewers == 2


def test_a_guides_invitations_count_for_their_store(client, db, make, room):
    guide_user = make.user(Role.GUIDE, store=room.store, name="Guide Zhao")
    guide = Partner(brand_id=room.brand.id, user_id=guide_user.id, code=short_code(7), status="active")
    db.session.add(guide)
    db.session.commit()
    client.get(f"/l/{room.room.code}/{guide.code}", headers=EN)
    [row] = store_board(db.session, room.room.id)
    assert (row.key, row.invited) == (room.store.id, 1)


def test_a_stale_or_foreign_invite_code_still_opens_the_room_and_counts_no_inviter(client, db, make, room):
    foreign = Room(make, db.session).sharer
    for code in ("NOSUCH1", foreign.code):
        response = client.get(f"/l/{room.room.code}/{code}", headers=EN)
        assert response.status_code == 302
    assert db.session.scalars(select(Touch)).all() == []
    assert leaderboard(db.session, room.room.id) == []


def test_remind_me_records_interest_once_per_browser(client, db, room):
    page = client.get(f"/l/{room.room.code}", headers=EN).get_data(as_text=True)
    assert "Remind me" in page and "data-countdown" in page
    for _ in range(2):
        response = client.post(f"/l/{room.room.code}/remind", data={"csrf_token": csrf_from(page)}, headers=EN)
        assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(LiveReminder)) == 1
    assert "You will be reminded" in client.get(f"/l/{room.room.code}", headers=EN).get_data(as_text=True)


def test_remind_me_without_a_csrf_token_is_refused(client, db, room):
    assert client.post(f"/l/{room.room.code}/remind", headers=EN).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LiveReminder)) == 0
