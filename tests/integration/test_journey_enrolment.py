"""Journey SOPs: enrolment at the customer's own entry, restart on a state change, end on a tag change,
re-entry rules, and the guide's daily list on a chosen day."""
import pytest
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.journeys.customers import customer_of
from mall.journeys.daily import FollowUpError, act, due_today, overdue_days
from mall.journeys.sop_models import JourneyEnrolment, JourneyStepOutcome
from mall.journeys.tags import add_tag, create_tag, remove_tag
from mall.referral.partners import ensure_guide_partner
from tests.integration.journey_support import T0, buy, days, sequence, shop, visit
from tests.integration.referral_data import rules


def _running(session, customer_id):
    return session.scalars(select(JourneyEnrolment).where(JourneyEnrolment.customer_id == customer_id,
                                                          JourneyEnrolment.ended_at.is_(None))).all()


def _due_on(session, guide, day: int):
    """What the guide's list holds at the end of day `day` after T0."""
    return [(d.customer_id, d.day_offset) for d in due_today(session, guide_id=guide.id, day_end=T0 + days(day))]


def test_day_offsets_count_from_each_customers_own_entry_not_from_the_sequence(db, make):
    s = shop(make, db.session)
    sequence(db.session, s, "new", offsets=(0, 3))  # created 60 days before anyone arrives
    early, late = make.user(name="早到"), make.user(name="晚到")
    visit(db.session, s, early, at=T0)
    visit(db.session, s, late, at=T0 + days(2))
    db.session.commit()
    e, lt = customer_of(db.session, s.brand.id, early.id), customer_of(db.session, s.brand.id, late.id)
    assert _due_on(db.session, s.guide, 0) == [(e.id, 0)]
    enrolment = _running(db.session, e.id)[0]
    act(db.session, guide_id=s.guide.id, enrolment_id=enrolment.id, step_id=enrolment.next_step_id, outcome="done",
        now=T0)
    db.session.commit()
    assert _due_on(db.session, s.guide, 2) == [(lt.id, 0)]  # early's day 3 is tomorrow
    assert sorted(_due_on(db.session, s.guide, 3)) == sorted([(e.id, 3), (lt.id, 0)])


def test_a_state_change_ends_the_old_sequence_and_starts_the_new_one_at_day_0(db, make):
    s = shop(make, db.session)
    new_seq = sequence(db.session, s, "new", offsets=(0, 3, 7))
    bought = sequence(db.session, s, "purchased", offsets=(1, 5))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    buy(db.session, s, alice, at=T0 + days(4))
    customer = customer_of(db.session, s.brand.id, alice.id)
    rows = db.session.scalars(select(JourneyEnrolment).where(JourneyEnrolment.customer_id == customer.id)
                              .order_by(JourneyEnrolment.id)).all()
    assert [(r.sequence_id, r.end_reason) for r in rows] == [(new_seq.id, "state_changed"), (bought.id, "")]
    assert rows[1].started_at == T0 + days(4)
    assert rows[1].next_due_at == T0 + days(5)  # day 1 of the purchase, not of the sequence
    assert _due_on(db.session, s.guide, 4.5) == []  # the old sequence's day 3 never shows again


def test_leaving_a_state_and_entering_it_again_follows_the_reentry_rule(db, make):
    s = shop(make, db.session)
    every = sequence(db.session, s, "purchased", offsets=(0,), reentry="every_entry")
    once = sequence(db.session, s, "purchased", offsets=(0,), reentry="first_entry")
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    buy(db.session, s, alice, at=T0 + days(1))  # purchased (entry 2)
    buy(db.session, s, alice, at=T0 + days(2))  # repeat
    customer = customer_of(db.session, s.brand.id, alice.id)
    from mall.journeys.customers import record
    record(db.session, brand_id=s.brand.id, user_id=alice.id, kind="refunded", now=T0 + days(3))  # back to purchased
    db.session.commit()
    counts = dict(db.session.execute(select(JourneyEnrolment.sequence_id, func.count())
                                     .where(JourneyEnrolment.customer_id == customer.id)
                                     .group_by(JourneyEnrolment.sequence_id)).all())
    assert counts == {every.id: 2, once.id: 1}


def test_a_tagged_sequence_starts_with_the_tag_and_ends_when_the_tag_goes(db, make):
    s = shop(make, db.session)
    vip = create_tag(db.session, s.brand.id, name="VIP", rule="manual", value="", now=T0)
    plain = sequence(db.session, s, "new", offsets=(0,))
    tagged = sequence(db.session, s, "new", offsets=(0, 2), tag_id=vip.id)
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    customer = customer_of(db.session, s.brand.id, alice.id)
    assert [e.sequence_id for e in _running(db.session, customer.id)] == [plain.id]
    assert add_tag(db.session, customer, vip, cause="manual", now=T0 + days(1))
    assert not add_tag(db.session, customer, vip, cause="manual", now=T0 + days(1))  # already there
    assert sorted(e.sequence_id for e in _running(db.session, customer.id)) == sorted([plain.id, tagged.id])
    assert remove_tag(db.session, customer, vip, cause="manual", now=T0 + days(2))
    ended = db.session.scalar(select(JourneyEnrolment).where(JourneyEnrolment.sequence_id == tagged.id))
    assert (ended.end_reason, [e.sequence_id for e in _running(db.session, customer.id)]) == ("tag_removed",
                                                                                               [plain.id])


def test_a_spend_rule_tag_switches_the_customer_into_its_sequence(db, make):
    s = shop(make, db.session)
    big = create_tag(db.session, s.brand.id, name="花过¥200", rule="spent_over", value="20000", now=T0)
    vip_seq = sequence(db.session, s, "repeat", offsets=(0,), tag_id=big.id)
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    buy(db.session, s, alice, at=T0 + days(1))
    buy(db.session, s, alice, at=T0 + days(2))  # repeat, ¥256: tag added, then the repeat sequence starts
    customer = customer_of(db.session, s.brand.id, alice.id)
    assert [e.sequence_id for e in _running(db.session, customer.id)] == [vip_seq.id]


def test_the_daily_list_rolls_missed_steps_forward_and_never_shows_a_step_twice(db, make):
    s = shop(make, db.session)
    sequence(db.session, s, "new", offsets=(0, 3))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    db.session.commit()
    [due] = due_today(db.session, guide_id=s.guide.id, day_end=T0 + days(2))
    assert (due.day_offset, overdue_days(due, T0 + days(2))) == (0, 2)  # missed for two days: still there
    assert act(db.session, guide_id=s.guide.id, enrolment_id=due.enrolment_id, step_id=due.step_id,
               outcome="later", now=T0 + days(2))
    assert due_today(db.session, guide_id=s.guide.id, day_end=T0 + days(2.5)) == []
    [again] = due_today(db.session, guide_id=s.guide.id, day_end=T0 + days(3.5))
    assert (again.step_id, again.postponed) == (due.step_id, 1)
    assert act(db.session, guide_id=s.guide.id, enrolment_id=due.enrolment_id, step_id=due.step_id,
               outcome="done", now=T0 + days(3))
    assert not act(db.session, guide_id=s.guide.id, enrolment_id=due.enrolment_id, step_id=due.step_id,
                   outcome="done", now=T0 + days(3))  # a double tap: recorded once
    db.session.commit()
    [next_one] = due_today(db.session, guide_id=s.guide.id, day_end=T0 + days(3.5))
    assert next_one.day_offset == 3
    assert db.session.scalar(select(func.count()).select_from(JourneyStepOutcome)) == 1


def test_the_list_ranks_by_state_then_spend(db, make):
    s = shop(make, db.session)
    for state in ("new", "purchased", "repeat"):
        sequence(db.session, s, state, offsets=(0,))
    newbie, buyer, fan, big_fan = (make.user(name=n) for n in ("甲", "乙", "丙", "丁"))
    for user in (newbie, buyer, fan, big_fan):
        visit(db.session, s, user, at=T0)
    buy(db.session, s, buyer, at=T0)
    buy(db.session, s, fan, at=T0)
    buy(db.session, s, fan, at=T0)
    buy(db.session, s, big_fan, at=T0)
    buy(db.session, s, big_fan, at=T0, quantity=3)
    ids = {customer_of(db.session, s.brand.id, u.id).id: u.name for u in (newbie, buyer, fan, big_fan)}
    assert [ids[d.customer_id] for d in due_today(db.session, guide_id=s.guide.id, day_end=T0 + days(1))] == \
        ["丁", "丙", "乙", "甲"]


def test_a_guide_cannot_act_on_another_guides_customer_and_nothing_changes(db, make):
    s = shop(make, db.session)
    other_user = make.user(Role.GUIDE, store=s.store, name="刘一鸣")
    other = ensure_guide_partner(db.session, user_id=other_user.id, now=T0)
    sequence(db.session, s, "new", offsets=(0,))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    db.session.commit()
    [due] = due_today(db.session, guide_id=s.guide.id, day_end=T0 + days(1))
    with pytest.raises(FollowUpError):
        act(db.session, guide_id=other.id, enrolment_id=due.enrolment_id, step_id=due.step_id, outcome="done",
            now=T0)
    with pytest.raises(FollowUpError):
        act(db.session, guide_id=s.guide.id, enrolment_id=due.enrolment_id, step_id=due.step_id, outcome="bogus",
            now=T0)
    assert db.session.scalar(select(func.count()).select_from(JourneyStepOutcome)) == 0
    assert due_today(db.session, guide_id=s.guide.id, day_end=T0 + days(1))[0].postponed == 0


def test_a_customer_who_changes_guide_moves_to_the_new_guides_list(db, make):
    s = shop(make, db.session)
    other_user = make.user(Role.GUIDE, store=s.store, name="刘一鸣")
    other = ensure_guide_partner(db.session, user_id=other_user.id, now=T0)
    db.session.commit()
    rules(db.session, s.brand, binding_mode="last_touch")
    sequence(db.session, s, "new", offsets=(0, 5))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    customer = customer_of(db.session, s.brand.id, alice.id)
    enrolment = _running(db.session, customer.id)[0]
    from mall.journeys.customers import record
    record(db.session, brand_id=s.brand.id, user_id=alice.id, kind="bound", guide_id=other.id, now=T0 + days(1))
    db.session.commit()
    assert _due_on(db.session, s.guide, 2) == []
    assert [d.enrolment_id for d in due_today(db.session, guide_id=other.id, day_end=T0 + days(2))] == [enrolment.id]


def test_a_visit_through_another_guides_link_rebinds_and_the_new_state_goes_to_that_guide(db, make):
    s = shop(make, db.session)
    other_user = make.user(Role.GUIDE, store=s.store, name="刘一鸣")
    other = ensure_guide_partner(db.session, user_id=other_user.id, now=T0)
    db.session.commit()
    rules(db.session, s.brand, binding_mode="last_touch")
    sequence(db.session, s, "interested", offsets=(0,))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    visit(db.session, s, alice, at=T0 + days(1), partner=other)
    db.session.commit()
    assert customer_of(db.session, s.brand.id, alice.id).guide_id == other.id
    assert _due_on(db.session, s.guide, 2) == []
    assert len(due_today(db.session, guide_id=other.id, day_end=T0 + days(2))) == 1


def test_a_paused_sequence_leaves_the_list_until_it_is_active_again(db, make):
    s = shop(make, db.session)
    seq = sequence(db.session, s, "new", offsets=(0,))
    visit(db.session, s, make.user(name="王小明"), at=T0)
    db.session.commit()
    assert len(_due_on(db.session, s.guide, 1)) == 1
    seq.active = False
    db.session.commit()
    assert _due_on(db.session, s.guide, 1) == []
    seq.active = True
    db.session.commit()
    assert len(_due_on(db.session, s.guide, 1)) == 1
