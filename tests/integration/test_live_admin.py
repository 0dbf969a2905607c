"""The admin's live rooms: create with a stream from the allow-list, shelf with live prices, reports, the CSV;
the host console; the partner's invite links on the share centre."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.live.buying import buy_in_room
from mall.live.models import LiveRoom, LiveViewer, ShelfItem
from mall.live.queries import rooms_a_partner_can_invite_to
from mall.live.rooms import RoomDetails, save_room
from mall.live.streams import parse_stream
from mall.live.viewers import seen
from mall.orders import states
from tests.integration.admin_support import follow, post, text
from tests.integration.live_support import EN, Room


@pytest.fixture()
def room(make, db):
    return Room(make, db.session)


def _room_data(**kw):
    return {"title": "Autumn Live", "starts_at": "2026-12-24T20:00", "stream": "BV1xx411c7mD", "replay": "",
            "host_store_id": "", "host_user_id": "", **kw}


def test_an_admin_creates_a_room_from_a_share_link(client, login_as, db, room):
    login_as(room.admin)
    response = post(client, "/admin/live/new", _room_data(stream="https://www.douyin.com/video/7301234567890123456"))
    page = follow(client, response)
    assert "Live room Autumn Live created." in text(page)
    created = db.session.scalars(select(LiveRoom).where(LiveRoom.title == "Autumn Live")).one()
    assert (created.brand_id, created.stream_provider, created.stream_url) == (
        room.brand.id, "douyin", "https://open.douyin.com/player/video?vid=7301234567890123456&autoplay=0")
    assert created.starts_at.hour == 12  # 20:00 in Shanghai is 12:00 UTC


@pytest.mark.parametrize("stream", [
    '<iframe src="https://player.bilibili.com/player.html?bvid=BV1xx411c7mD"></iframe>',
    "javascript:alert(1)", "data:video/mp4;base64,AAAA", "https://evil.example/live.m3u8",
])
def test_a_crafted_or_foreign_stream_is_refused_and_nothing_is_created(client, login_as, db, room, stream):
    login_as(room.admin)
    response = post(client, "/admin/live/new", _room_data(stream=stream))
    assert response.status_code == 422
    assert "Paste a share link" in text(response.get_data(as_text=True)) or "not allowed" in text(
        response.get_data(as_text=True)) or "Only https" in text(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(LiveRoom)) == 1  # only the fixture's


def test_a_live_price_above_the_normal_price_is_refused_with_a_message(client, login_as, db, room):
    login_as(room.admin)
    sku = room.other.skus[0]
    response = post(client, f"/admin/live/{room.room.id}/shelf", {"sku_id": sku.id, "live_price": "39.01"})
    assert response.status_code == 422
    assert "cannot be above the normal price" in text(response.get_data(as_text=True))
    response = post(client, f"/admin/live/{room.room.id}/shelf", {"sku_id": sku.id, "live_price": "-1"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ShelfItem).where(ShelfItem.sku_id == sku.id)) == 0
    ok = post(client, f"/admin/live/{room.room.id}/shelf", {"sku_id": sku.id, "live_price": "29.90"})
    assert "Shelf saved." in text(follow(client, ok))
    assert db.session.scalars(select(ShelfItem).where(ShelfItem.sku_id == sku.id)).one().live_price_fen == 2990


def test_another_brands_admin_can_neither_see_nor_edit_the_room(client, login_as, db, make, room):
    other_admin = make.user(Role.BRAND_ADMIN, brand=make.brand())
    login_as(other_admin)
    assert client.get(f"/admin/live/{room.room.id}", headers=EN).status_code == 404
    assert post(client, f"/admin/live/{room.room.id}", _room_data(title="Hijacked")).status_code == 404
    assert post(client, f"/admin/live/{room.room.id}/shelf", {"sku_id": room.other.skus[0].id}).status_code == 404
    assert "Spring Tasting" not in client.get("/admin/live", headers=EN).get_data(as_text=True)
    db.session.refresh(room.room)
    assert room.room.title == "Spring Tasting"


def test_reports_by_room_and_the_leaderboard_csv_after_the_end(client, login_as, db, room):
    room.start()
    client.get(f"/l/{room.room.code}/{room.sharer.code}", headers=EN)
    seen(db.session, room.room, "a-second-uninvited-browser", now=utcnow())
    order = buy_in_room(db.session, room.room, room.request(room.live_item, visitor_key=_visitor(db)), now=utcnow())
    states.mark_paid(db.session, order.id, amount_fen=order.total_fen, now=utcnow())
    db.session.commit()
    login_as(room.admin)
    report = text(client.get("/admin/live", headers=EN).get_data(as_text=True))
    assert "Spring Tasting" in report and "¥79.00" in report
    row = report.split("Spring Tasting")[1].split("¥79.00")[0]
    assert row.split()[-3:] == ["2", "1", "1"]  # unique viewers, invited viewers, paid orders
    early = client.get(f"/admin/live/{room.room.id}/leaderboard.csv", headers=EN)
    assert early.status_code == 303  # not before the end: the figures still move
    room.end()
    csv = client.get(f"/admin/live/{room.room.id}/leaderboard.csv", headers=EN)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[1] == f"Inviter,{room.sharer.code},Li Lei,1,1,79.00"


def _visitor(db):
    return db.session.scalars(select(LiveViewer.visitor_key).where(LiveViewer.inviter_id.is_not(None))).first()


def test_the_host_console_starts_pins_and_ends(client, login_as, db, make, room):
    host = make.user(Role.GUIDE, store=room.store, name="Host")
    room.room.host_user_id = host.id
    db.session.commit()
    login_as(host)
    console = f"/l/{room.room.code}/host"
    assert "Go live" in client.get(console, headers=EN).get_data(as_text=True)
    assert "The room is live." in text(follow(client, post(client, f"{console}/start", token_from=console)))
    page = follow(client, post(client, f"{console}/pin", {"item_id": room.live_item.id}, token_from=console))
    assert "Pinned" in text(page)
    db.session.refresh(room.room)
    assert room.room.pinned_item_id == room.live_item.id
    for item_id in (999999, 2**40, "x"):  # a huge number never reaches the database as an id
        refused = follow(client, post(client, f"{console}/pin", {"item_id": item_id}, token_from=console))
        assert "not on this room's shelf" in text(refused)
    stats = client.get(f"{console}/stats", headers={**EN, "HX-Request": "true"}).get_data(as_text=True)
    assert "Watching now" in stats and "<html" not in stats
    assert "The room has ended." in text(follow(client, post(client, f"{console}/end", token_from=console)))


def test_only_the_rooms_hosts_open_its_console(client, login_as, db, make, room):
    console = f"/l/{room.room.code}/host"
    assert client.get(console).status_code in (302, 303)  # a guest is sent to log in
    other_guide = make.user(Role.GUIDE, store=make.store(room.brand))
    login_as(other_guide)
    assert client.get(console).status_code == 404
    assert client.post(f"{console}/start").status_code in (400, 404)
    db.session.refresh(room.room)
    assert room.room.state == "scheduled"


def test_the_store_manager_of_the_host_store_may_host(client, login_as, make, room):
    login_as(make.user(Role.STORE_MANAGER, store=room.store))
    assert client.get(f"/l/{room.room.code}/host").status_code == 200


def test_the_share_centre_lists_an_invite_link_per_room(client, login_as, db, room):
    login_as(room.sharer.user)
    page = client.get(f"/partner/share?brand={room.brand.slug}&tab=live", headers=EN).get_data(as_text=True)
    assert "Live rooms" in page  # the share centre's live-rooms tab
    assert f"/l/{room.room.code}/{room.sharer.code}" in page and 'data-copy="link-l-' in page
    assert "<svg" in page  # its QR code


def test_a_store_manager_creates_a_room_for_their_store_only(client, login_as, db, make, room):
    manager = make.user(Role.STORE_MANAGER, store=room.store, name="Manager Chen")
    other_store = make.store(room.brand, name="Hangzhou")
    login_as(manager)
    token_page = "/store/live/new"
    assert post(client, "/store/live/new", _room_data(host_store_id=other_store.id),
                token_from=token_page).status_code == 422  # another store of the brand is not theirs to host
    page = follow(client, post(client, "/store/live/new", _room_data(), token_from=token_page))
    assert "Live room Autumn Live created." in text(page)
    created = db.session.scalars(select(LiveRoom).where(LiveRoom.title == "Autumn Live")).one()
    assert (created.brand_id, created.host_store_id) == (room.brand.id, room.store.id)
    sku = room.other.skus[0]
    added = post(client, f"/store/live/{created.id}/shelf", {"sku_id": sku.id, "live_price": "29.00"},
                 token_from=token_page)
    assert "Shelf saved." in text(follow(client, added))


def test_a_store_manager_cannot_open_another_stores_room(client, login_as, db, make, room):
    login_as(make.user(Role.STORE_MANAGER, store=make.store(room.brand)))
    assert client.get(f"/store/live/{room.room.id}").status_code == 404
    assert post(client, f"/store/live/{room.room.id}", _room_data(title="Hijacked"),
                token_from="/store/live").status_code == 404
    db.session.refresh(room.room)
    assert room.room.title == "Spring Tasting"


def test_only_store_managers_have_store_live_pages(client, login_as, make, room):
    assert client.get("/store/live").status_code in (302, 303)
    login_as(room.admin)
    assert client.get("/store/live").status_code == 404


def test_rooms_to_invite_to_are_live_ones_first_then_the_next_scheduled(db, make, room):
    later = save_room(db.session, room.brand.id, None, RoomDetails(title="Later", starts_at=utcnow() + timedelta(days=9),
                                                                   stream=parse_stream("BV1xx411c7mD", ())),
                      actor_id=None, now=utcnow())
    foreign = Room(make, db.session)  # another brand's room is never offered
    room.start()
    assert [r.id for r in rooms_a_partner_can_invite_to(db.session, room.sharer)] == [room.room.id, later.id]
    assert foreign.room.id not in [r.id for r in rooms_a_partner_can_invite_to(db.session, room.sharer)]
