"""`flask mall demo` builds a live room in each state, reachable from the home page, once however often it runs."""
from sqlalchemy import func, select

from mall.clock import utcnow
from mall.demo_live import LIVE, REPLAY, SOON
from mall.live.models import LiveOrder, LiveRoom
from mall.live.queries import leaderboard, room_stats
from tests.integration.test_demo import load


def test_the_demo_has_a_scheduled_a_live_and_an_ended_room(runner, client, db):
    load(runner)
    load(runner)
    rooms = {room.code: room for room in db.session.scalars(select(LiveRoom))}
    assert {code: room.state for code, room in rooms.items()} == {LIVE: "live", SOON: "scheduled", REPLAY: "ended"}
    live = rooms[LIVE]
    assert live.pinned_item_id is not None and rooms[REPLAY].replay_url
    stats = room_stats(db.session, live.id, now=utcnow())
    assert stats.orders >= 4 and stats.gmv_fen > 0 and stats.invited_viewers == 7
    board = {row.code: (row.invited, row.orders) for row in leaderboard(db.session, live.id, masked=False)}
    assert board["SYTEA2"] == (3, 2) and board["ZXTEA3"] == (2, 1)
    assert db.session.scalar(select(func.count()).select_from(LiveOrder)) == 5  # not doubled by the second load

    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for code in (LIVE, SOON, REPLAY):
        assert f"/l/{code}" in home
    assert "data-countdown" in client.get(f"/l/{SOON}").get_data(as_text=True)
    assert "直播专享" in client.get(f"/l/{LIVE}").get_data(as_text=True) or "Live price" in client.get(
        f"/l/{LIVE}", headers={"Accept-Language": "en"}).get_data(as_text=True)
