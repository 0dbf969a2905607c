"""A room's states, its shelf and pin, and the room's own price rules: refusals change nothing."""
import pytest
from sqlalchemy import func, select

from mall.audit.models import AuditLog
from mall.clock import utcnow
from mall.live.models import LiveRoom, ShelfItem
from mall.live.rooms import RoomError, end_room, start_room
from mall.live.shelf import ShelfError, add_to_shelf, pin, unpin
from tests.integration.live_support import Room


@pytest.fixture()
def room(make, db):
    return Room(make, db.session)


def _state(db, room):
    row = db.session.get(LiveRoom, room.room.id)
    db.session.refresh(row)
    return row.state, row.pinned_item_id, row.pin_version


def test_a_room_goes_scheduled_live_ended_and_each_step_is_audited(db, room):
    assert _state(db, room)[0] == "scheduled"
    room.start()
    assert _state(db, room)[0] == "live" and room.room.started_at is not None
    room.pin(room.live_item)
    room.end()
    state, pinned, _version = _state(db, room)
    assert (state, pinned) == ("ended", None)  # ending drops the pin
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.subject == f"live_room:{room.room.id}")).all()
    assert {"live_room.live", "live_room.pin", "live_room.ended"} <= set(actions)


@pytest.mark.parametrize("steps, refused", [
    ((), end_room),  # a scheduled room cannot end
    ((start_room,), start_room),  # a live room cannot start again
    ((start_room, end_room), start_room),  # an ended room never goes live again
    ((start_room, end_room), end_room),
])
def test_transitions_out_of_order_are_refused(db, room, steps, refused):
    for step in steps:
        step(db.session, room.room, actor_id=None, now=utcnow())
    db.session.commit()
    before = _state(db, room)
    with pytest.raises(RoomError):
        refused(db.session, room.room, actor_id=None, now=utcnow())
    db.session.rollback()
    assert _state(db, room) == before


def test_every_pin_change_bumps_the_version_the_poll_answers_with(db, room):
    room.start()
    versions = [_state(db, room)[2]]
    room.pin(room.live_item)
    versions.append(_state(db, room)[2])
    room.pin(room.plain_item)
    versions.append(_state(db, room)[2])
    unpin(db.session, room.room, actor_id=None, now=utcnow())
    db.session.commit()
    versions.append(_state(db, room)[2])
    assert versions == sorted(set(versions)) and len(versions) == 4
    assert _state(db, room)[1] is None


def test_pinning_a_product_not_on_the_shelf_is_refused(db, make, room):
    room.start()
    room.pin(room.live_item)
    other_room = Room(make, db.session)
    before = _state(db, room)
    for item_id in (other_room.live_item.id, 987654, 2**40, -1, None, "1"):
        with pytest.raises(ShelfError):
            pin(db.session, room.room, item_id, actor_id=None, now=utcnow())
    db.session.rollback()
    assert _state(db, room) == before


def test_pinning_before_the_start_is_refused(db, room):
    with pytest.raises(ShelfError):
        pin(db.session, room.room, room.live_item.id, actor_id=None, now=utcnow())


@pytest.mark.parametrize("live_price", [9901, 0, -100])
def test_a_live_price_above_the_normal_price_or_not_above_zero_is_refused(db, room, live_price):
    sku = room.other.skus[0]  # 39.00, not on the shelf yet
    with pytest.raises(ShelfError):
        add_to_shelf(db.session, room.room, sku.id, live_price if live_price != 9901 else 3901, actor_id=None,
                     now=utcnow())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ShelfItem).where(ShelfItem.sku_id == sku.id)) == 0


def test_a_live_price_equal_to_the_normal_price_is_allowed(db, room):
    item = add_to_shelf(db.session, room.room, room.other.skus[0].id, 3900, actor_id=None, now=utcnow())
    assert item.live_price_fen == 3900


def test_another_brands_sku_cannot_go_on_the_shelf(db, make, room):
    foreign = make.product(make.brand(), skus=(("X", 1000, 5),))
    with pytest.raises(ShelfError):
        add_to_shelf(db.session, room.room, foreign.skus[0].id, None, actor_id=None, now=utcnow())
