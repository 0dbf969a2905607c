"""Results tied to orders: the step's link records the step on the touch; the order after it is credited."""
from sqlalchemy import select

from mall.journeys.cards import cards
from mall.journeys.customers import customer_of
from mall.journeys.daily import act, due_today
from mall.journeys.results import conversion, step_results
from mall.journeys.sop_models import JourneyStepOrder
from mall.orders.models import RefundStatus
from mall.orders.refunds import book_refund, request_refund
from mall.referral.models import Touch
from tests.integration.journey_support import T0, buy, days, sequence, shop, visit


def _card(app, db, s, day_end):
    due = due_today(db.session, guide_id=s.guide.id, day_end=day_end)
    with app.test_request_context():
        return cards(db.session, due, guide=s.guide, guide_name="张小雨", day_start=day_end - days(1))


def test_a_touch_through_a_steps_link_and_the_order_after_it_are_credited_to_the_step(app, db, make):
    s = shop(make, db.session)
    seq = sequence(db.session, s, "new", offsets=(0, 3), template="{first_name}您好，新茶到了：{link}")
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    db.session.commit()
    [card] = _card(app, db, s, T0 + days(1))
    assert card.message.startswith("小明您好，新茶到了：http://")
    assert f"/p/{s.product.code}/{s.guide.code}?j={card.step_id}.{card.enrolment_id}" in card.message
    act(db.session, guide_id=s.guide.id, enrolment_id=card.enrolment_id, step_id=card.step_id, outcome="done",
        now=T0)
    ref = card.link.split("?j=")[1]
    visit(db.session, s, alice, at=T0 + days(1), ref=ref, target=f"product:{s.product.code}")
    assert db.session.scalar(select(Touch.ref).order_by(Touch.id.desc()).limit(1)) == ref
    order = buy(db.session, s, alice, at=T0 + days(1, ))
    credited = db.session.scalar(select(JourneyStepOrder).where(JourneyStepOrder.order_id == order.id))
    assert (credited.step_id, credited.paid, credited.gmv_fen) == (card.step_id, True, 12800)
    db.session.refresh(seq)
    first, second = step_results(db.session, seq)
    assert (first.reach, first.done, first.visits, first.orders, first.gmv_fen) == (1, 1, 1, 1, 12800)
    assert (second.reach, second.done, second.visits, second.orders) == (0, 0, 0, 0)  # she bought before day 3
    # The visit through the link was her second: interested, before she bought.
    assert conversion(db.session, seq) == {"enrolled": 1, "moved": {"interested": 1}}
    assert customer_of(db.session, s.brand.id, alice.id).state == "purchased"


def test_a_guests_order_from_the_same_browser_is_credited_and_a_refund_lowers_the_gmv(app, db, make):
    s = shop(make, db.session)
    sequence(db.session, s, "new", offsets=(0,))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    db.session.commit()
    [card] = _card(app, db, s, T0 + days(1))
    ref = card.link.split("?j=")[1]
    visit(db.session, s, None, at=T0 + days(1), ref=ref, visitor_key="browser-of-a-friend")
    order = buy(db.session, s, None, at=T0 + days(2), visitor_key="browser-of-a-friend", quantity=2)
    refund = request_refund(db.session, order.id, items=[(order.lines[0].id, 5000)], reason="", now=T0 + days(3))
    refund.status = RefundStatus.APPROVED
    db.session.flush()
    book_refund(db.session, refund.id, now=T0 + days(3))
    db.session.commit()
    credited = db.session.scalar(select(JourneyStepOrder).where(JourneyStepOrder.order_id == order.id))
    assert (credited.step_id, credited.gmv_fen) == (card.step_id, 2 * 12800 - 5000)


def test_an_edited_or_foreign_marker_credits_nothing(app, db, make):
    s = shop(make, db.session)
    sequence(db.session, s, "new", offsets=(0,))
    other = shop(make, db.session, name="别家导购")
    other_seq = sequence(db.session, other, "new", offsets=(0,))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    db.session.commit()
    [card] = _card(app, db, s, T0 + days(1))
    for ref in (f"{card.step_id}.{card.enrolment_id + 100}", f"{other_seq.steps[0].id}.{card.enrolment_id}",
                "drop table", "1"):
        visit(db.session, s, alice, at=T0 + days(1), ref=ref)
    order = buy(db.session, s, alice, at=T0 + days(1))
    assert db.session.scalar(select(JourneyStepOrder).where(JourneyStepOrder.order_id == order.id)) is None


def test_an_order_long_after_the_steps_visit_is_not_credited(app, db, make):
    s = shop(make, db.session)
    sequence(db.session, s, "new", offsets=(0,))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    db.session.commit()
    [card] = _card(app, db, s, T0 + days(1))
    visit(db.session, s, alice, at=T0, ref=card.link.split("?j=")[1])
    order = buy(db.session, s, alice, at=T0 + days(8))
    assert db.session.scalar(select(JourneyStepOrder).where(JourneyStepOrder.order_id == order.id)) is None
