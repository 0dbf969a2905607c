"""Journey states from the mall's own events: bindings, visits, orders, refunds, and the silent timer."""
from sqlalchemy import select

from mall.journeys.customers import customer_of
from mall.journeys.models import JourneyStateChange
from mall.journeys.settings import journey_settings_for
from mall.journeys.tick import silent_tick
from mall.orders.models import RefundStatus
from mall.orders.refunds import book_refund, request_refund
from tests.integration.journey_support import T0, buy, days, shop, visit


def _changes(session, customer):
    return [(c.from_state, c.to_state, c.cause) for c in session.scalars(
        select(JourneyStateChange).where(JourneyStateChange.customer_id == customer.id).order_by(JourneyStateChange.id))]


def test_a_bound_customer_is_new_then_interested_then_purchased_then_repeat(db, make):
    s = shop(make, db.session)
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    db.session.commit()
    customer = customer_of(db.session, s.brand.id, alice.id)
    assert (customer.state, customer.guide_id, customer.visits) == ("new", s.guide.id, 1)
    visit(db.session, s, alice, at=T0 + days(1))
    buy(db.session, s, alice, at=T0 + days(2))
    assert customer_of(db.session, s.brand.id, alice.id).state == "purchased"
    buy(db.session, s, alice, at=T0 + days(3))
    customer = customer_of(db.session, s.brand.id, alice.id)
    assert (customer.state, customer.orders, customer.spent_fen) == ("repeat", 2, 2 * 12800)
    assert _changes(db.session, customer) == [(None, "new", "bound"), ("new", "interested", "visit"),
                                              ("interested", "purchased", "order_paid"),
                                              ("purchased", "repeat", "order_paid")]
    assert customer.state_entry == 4


def test_a_full_refund_takes_the_order_back_out_of_the_state(db, make):
    s = shop(make, db.session)
    bob = make.user(name="李娜")
    visit(db.session, s, bob, at=T0)
    order = buy(db.session, s, bob, at=T0 + days(1))
    refund = request_refund(db.session, order.id, items=None, reason="broken", now=T0 + days(2))
    refund.status = RefundStatus.APPROVED  # as the provider's answer leaves it (payments are tested elsewhere)
    db.session.flush()
    book_refund(db.session, refund.id, now=T0 + days(2))
    db.session.commit()
    customer = customer_of(db.session, s.brand.id, bob.id)
    assert (customer.state, customer.orders, customer.spent_fen) == ("new", 0, 0)
    assert _changes(db.session, customer)[-1] == ("purchased", "new", "refunded")


def test_the_silent_timer_moves_only_quiet_customers_once_and_activity_brings_them_back(db, make):
    s = shop(make, db.session)
    journey_settings_for(db.session, s.brand.id).silent_days = 10
    quiet, busy = make.user(name="赵一"), make.user(name="钱二")
    visit(db.session, s, quiet, at=T0)
    visit(db.session, s, busy, at=T0)
    visit(db.session, s, busy, at=T0 + days(8))
    db.session.commit()
    assert silent_tick(db.session, now=T0 + days(10)) == 1
    assert silent_tick(db.session, now=T0 + days(10, )) == 0  # a second host, or a second run: nothing left
    assert customer_of(db.session, s.brand.id, quiet.id).state == "silent"
    assert customer_of(db.session, s.brand.id, busy.id).state == "interested"
    visit(db.session, s, quiet, at=T0 + days(12))
    db.session.commit()
    assert customer_of(db.session, s.brand.id, quiet.id).state == "interested"  # two visits now


def test_the_tick_command_moves_quiet_customers_into_the_silent_sequence(db, make, runner):
    from mall.clock import utcnow
    from mall.journeys.sop_models import JourneyEnrolment
    from tests.integration.journey_support import sequence

    s = shop(make, db.session)
    silent_seq = sequence(db.session, s, "silent", offsets=(0, 7))
    quiet = make.user(name="孙三")
    visit(db.session, s, quiet, at=utcnow() - days(31))
    db.session.commit()
    result = runner.invoke(args=["mall", "journeys-tick"])
    assert result.output.strip() == "1 customers became silent"
    assert runner.invoke(args=["mall", "journeys-tick"]).output.strip() == "0 customers became silent"
    customer = customer_of(db.session, s.brand.id, quiet.id)
    enrolment = db.session.scalar(select(JourneyEnrolment).where(JourneyEnrolment.customer_id == customer.id,
                                                                JourneyEnrolment.ended_at.is_(None)))
    assert (customer.state, enrolment.sequence_id) == ("silent", silent_seq.id)
    assert _changes(db.session, customer)[-1] == ("new", "silent", "silent_timer")


def test_a_guest_bound_on_their_browser_becomes_a_journey_customer_when_they_log_in(db, make):
    from mall.referral.service import claim_visitor

    s = shop(make, db.session)
    visit(db.session, s, None, at=T0, visitor_key="guest-browser")
    db.session.commit()
    alice = make.user(name="王小明")
    assert customer_of(db.session, s.brand.id, alice.id) is None
    claim_visitor(db.session, visitor_key="guest-browser", user_id=alice.id, now=T0 + days(1))
    db.session.commit()
    customer = customer_of(db.session, s.brand.id, alice.id)
    assert (customer.state, customer.guide_id) == ("new", s.guide.id)
    assert _changes(db.session, customer) == [(None, "new", "bound")]


def test_rule_tags_follow_touches_and_orders_and_each_change_is_logged(db, make):
    from mall.journeys.models import JourneyCustomerTag, JourneyTagChange
    from mall.journeys.tags import create_tag

    s = shop(make, db.session)
    live = create_tag(db.session, s.brand.id, name="看过直播", rule="live_watched", value="", now=T0)
    content = create_tag(db.session, s.brand.id, name="内容来的", rule="content_touch", value="", now=T0)
    tea = create_tag(db.session, s.brand.id, name="买过茉莉", rule="bought_product", value=s.product.code, now=T0)
    big = create_tag(db.session, s.brand.id, name="花过¥200", rule="spent_over", value="20000", now=T0)
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0, channel="live", target="live:ROOM1")
    visit(db.session, s, alice, at=T0, target="content:C1")
    order = buy(db.session, s, alice, at=T0 + days(1), quantity=2)
    customer = customer_of(db.session, s.brand.id, alice.id)
    carried = set(db.session.scalars(select(JourneyCustomerTag.tag_id).where(JourneyCustomerTag.customer_id ==
                                                                            customer.id)))
    assert carried == {live.id, content.id, tea.id, big.id}
    refund = request_refund(db.session, order.id, items=[(order.lines[0].id, 10000)], reason="", now=T0 + days(2))
    refund.status = RefundStatus.APPROVED
    db.session.flush()
    book_refund(db.session, refund.id, now=T0 + days(2))
    db.session.commit()
    log = [(c.tag_id, c.change, c.cause) for c in db.session.scalars(
        select(JourneyTagChange).where(JourneyTagChange.customer_id == customer.id).order_by(JourneyTagChange.id))]
    assert log[-1] == (big.id, "removed", f"rule:refund:{refund.id}")  # ¥256 - ¥100 is below ¥200
    assert any(tag == live.id and change == "added" and cause.startswith("rule:touch:") for tag, change, cause in log)
