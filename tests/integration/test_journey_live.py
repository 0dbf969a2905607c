"""Live rooms in journeys: a step inviting into a room carries the step on the invitation, the visit counts and
tags, and a booking (预约) makes the customer interested."""
import pytest
from sqlalchemy import select

from mall.journeys.cards import cards
from mall.journeys.customers import customer_of
from mall.journeys.daily import due_today
from mall.journeys.models import JourneyCustomerTag
from mall.journeys.sequences import SequenceError, save_step
from mall.journeys.sop_models import JourneyStepTouch
from mall.journeys.tags import create_tag
from mall.live.rooms import RoomDetails, save_room
from mall.live.streams import parse_stream
from mall.live.viewers import invited, remind
from tests.integration.journey_support import T0, days, sequence, shop, visit


def _room(db, brand_id):
    room = save_room(db.session, brand_id, None, RoomDetails(title="春茶品鉴直播", starts_at=T0 + days(3),
                                                              stream=parse_stream("BV1xx411c7mD", ())),
                     actor_id=None, now=T0)
    db.session.commit()
    return room


def test_a_live_room_step_invites_with_the_guides_code_and_the_visit_is_credited_to_it(app, db, make):
    s = shop(make, db.session)
    room = _room(db, s.brand.id)
    live_tag = create_tag(db.session, s.brand.id, name="看过直播", rule="live_watched", value="", now=T0)
    seq = sequence(db.session, s, "new", offsets=())
    step = save_step(db.session, s.brand.id, seq.id, None, day_offset=0, channel="chat",
                     template="{first_name}，{live_room}周四开播：{link}", room_code=room.code.lower(), now=T0)
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    db.session.commit()
    due = due_today(db.session, guide_id=s.guide.id, day_end=T0 + days(1))
    with app.test_request_context():
        [card] = cards(db.session, due, guide=s.guide, guide_name="张小雨", day_start=T0)
    assert card.message.startswith("小明，春茶品鉴直播周四开播：http://")
    assert f"/l/{room.code}/{s.guide.code}?j={step.id}.{card.enrolment_id}" in card.message
    invited(db.session, room, s.guide.code, "vk-alice", user_id=alice.id, now=T0 + days(1),
            ref=card.link.split("?j=")[1])
    db.session.commit()
    assert db.session.scalar(select(JourneyStepTouch.step_id)) == step.id
    customer = customer_of(db.session, s.brand.id, alice.id)
    assert live_tag.id in set(db.session.scalars(select(JourneyCustomerTag.tag_id)
                                                 .where(JourneyCustomerTag.customer_id == customer.id)))


def test_booking_a_room_makes_a_new_customer_interested(db, make):
    s = shop(make, db.session)
    room = _room(db, s.brand.id)
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    assert remind(db.session, room, "vk-alice", user_id=alice.id, now=T0 + days(1))
    assert not remind(db.session, room, "vk-alice", user_id=alice.id, now=T0 + days(1))  # once per browser
    db.session.commit()
    customer = customer_of(db.session, s.brand.id, alice.id)
    assert (customer.state, customer.booked) == ("interested", True)


def test_another_brands_room_cannot_be_put_on_a_step(db, make):
    s = shop(make, db.session)
    other = shop(make, db.session)
    room = _room(db, other.brand.id)
    seq = sequence(db.session, s, "new", offsets=())
    with pytest.raises(SequenceError):
        save_step(db.session, s.brand.id, seq.id, None, day_offset=0, channel="chat", template="{live_room}",
                  room_code=room.code, now=T0)
