"""Buying in the room: at the room's own price while live, attributed to the room, the channel "live" and the inviter."""
import pytest
from sqlalchemy import select

from mall.clock import utcnow
from mall.commission.models import CommissionShare, OrderAttribution
from mall.live.buying import NotOnShelf, buy_in_room
from mall.live.models import LiveOrder
from mall.live.queries import leaderboard, room_stats
from mall.orders import states
from mall.orders.checkout import CheckoutError, RoomSale, place_order
from mall.orders.models import Order
from tests.integration.live_support import EN, Room, buy_form
from tests.integration.payment_support import pay
from tests.integration.settings_support import set_rules


@pytest.fixture()
def room(make, db):
    room = Room(make, db.session)
    set_rules(db.session, room.brand.id, level1_bp=1000, level2_bp=0, guide_bp=0, store_bp=0, max_total_bp=3000)
    db.session.commit()
    return room


def test_an_invited_viewer_buys_the_pinned_product_at_the_live_price_in_two_submits(client, db, room):
    room.start()
    room.pin(room.live_item)
    invited = client.get(f"/l/{room.room.code}/{room.sharer.code}", headers=EN)
    assert invited.status_code == 302 and invited.headers["Location"].endswith(f"/l/{room.room.code}")
    page = client.get(f"/l/{room.room.code}", headers=EN).get_data(as_text=True)
    assert "Now presenting" in page and "¥79.00" in page and "¥99.00" in page  # live price, normal crossed out

    to_provider = client.post(f"/l/{room.room.code}/buy/{room.live_item.id}",
                              data={**buy_form(client, room.room, room.live_item), "price": 1}, headers=EN)  # submit 1
    assert to_provider.status_code == 303 and "/mockpay/" in to_provider.headers["Location"]
    back = pay(client, to_provider.headers["Location"].rsplit("/", 1)[1])  # submit 2
    assert back.status_code == 303

    order = db.session.scalars(select(Order)).one()
    assert (order.status, order.total_fen) == ("paid", 7900)
    attribution = db.session.get(OrderAttribution, order.id)
    assert (attribution.live_room_id, attribution.channel, attribution.sharer_id) == (room.room.id, "live",
                                                                                      room.sharer.id)
    share = db.session.scalars(select(CommissionShare).where(CommissionShare.order_id == order.id)).one()
    assert (share.base_fen, share.amount_fen) == (7900, 790)  # commission on the price paid
    live_order = db.session.get(LiveOrder, order.id)
    assert (live_order.room_id, live_order.inviter_id, live_order.paid_at is not None) == (room.room.id,
                                                                                           room.sharer.id, True)
    stats = room_stats(db.session, room.room.id, now=utcnow())
    assert (stats.orders, stats.gmv_fen, stats.unique_viewers, stats.invited_viewers) == (1, 7900, 1, 1)
    [row] = leaderboard(db.session, room.room.id, masked=False)
    assert (row.key, row.invited, row.orders, row.gmv_fen) == (room.sharer.id, 1, 1, 7900)


def test_the_product_page_elsewhere_keeps_its_normal_price(client, db, room):
    room.start()
    page = client.get(f"/p/{room.product.code}", headers=EN).get_data(as_text=True)
    assert "¥99.00" in page and "¥79.00" not in page


def test_before_the_start_and_after_the_end_the_room_sells_at_the_normal_price(db, room):
    scheduled = buy_in_room(db.session, room.room, room.request(room.live_item), now=utcnow())
    room.start()
    live = buy_in_room(db.session, room.room, room.request(room.live_item), now=utcnow())
    room.end()
    ended = buy_in_room(db.session, room.room, room.request(room.live_item), now=utcnow())
    assert [o.total_fen for o in (scheduled, live, ended)] == [9900, 7900, 9900]
    # Still placed in the room: the attribution says so whatever the price.
    assert {db.session.get(OrderAttribution, o.id).live_room_id for o in (scheduled, live, ended)} == {room.room.id}


def test_an_item_without_a_live_price_costs_the_normal_price_in_the_room(db, room):
    room.start()
    assert buy_in_room(db.session, room.room, room.request(room.plain_item), now=utcnow()).total_fen == 5900


def test_a_sku_not_on_the_shelf_cannot_be_bought_in_the_room(db, room):
    room.start()
    request = room.request(room.live_item)
    request = type(request)(**{**request.__dict__, "sku_id": room.other.skus[0].id})
    with pytest.raises(NotOnShelf):
        buy_in_room(db.session, room.room, request, now=utcnow())
    assert db.session.scalars(select(Order)).all() == []


def test_orders_refuses_a_room_price_for_another_sku_or_not_above_zero(db, room):
    request = room.request(room.live_item)
    for sale in (RoomSale(room.room.id, room.plain_item.sku_id, 100), RoomSale(room.room.id, request.sku_id, 0),
                 RoomSale(room.room.id, request.sku_id, -5)):
        with pytest.raises(CheckoutError):
            place_order(db.session, request, now=utcnow(), room_sale=sale)
    assert db.session.scalars(select(Order)).all() == []


def test_a_room_price_never_raises_what_the_product_page_charges(db, room):
    order = place_order(db.session, room.request(room.live_item), now=utcnow(),
                        room_sale=RoomSale(room.room.id, room.live_item.sku_id, 50000))
    assert order.total_fen == 9900


def test_a_cancelled_room_order_leaves_the_rooms_gmv(db, room):
    room.start()
    paid = buy_in_room(db.session, room.room, room.request(room.live_item), now=utcnow())
    unpaid = buy_in_room(db.session, room.room, room.request(room.plain_item), now=utcnow())
    states.mark_paid(db.session, paid.id, amount_fen=paid.total_fen, now=utcnow())
    states.cancel(db.session, unpaid.id, now=utcnow())
    db.session.commit()
    stats = room_stats(db.session, room.room.id, now=utcnow())
    assert (stats.orders, stats.gmv_fen) == (1, 7900)
    assert db.session.get(LiveOrder, unpaid.id).cancelled_at is not None


def test_a_bad_buy_sheet_is_shown_again_in_the_room_and_places_nothing(client, db, room):
    room.start()
    form = {**buy_form(client, room.room, room.live_item), "contact_phone": "12"}
    response = client.post(f"/l/{room.room.code}/buy/{room.live_item.id}", data=form, headers=EN)
    assert response.status_code == 422 and "Spring Tasting" in response.get_data(as_text=True)
    assert db.session.scalars(select(Order)).all() == []
