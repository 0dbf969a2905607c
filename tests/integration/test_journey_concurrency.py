"""Enrolment uniqueness under concurrent events (PostgreSQL): two events for one customer at once, one enrolment."""
import threading

import pytest
from sqlalchemy import func, select

from mall.extensions import db as _db
from mall.journeys.customers import customer_of, record
from mall.journeys.enrolment import enrol
from mall.journeys.sop_models import JourneyEnrolment, JourneySequence
from mall.unit_of_work import commit
from tests.integration.journey_support import T0, days, sequence, shop, visit

pytestmark = pytest.mark.real_commits


def _run_at_once(app, work, n=2):
    barrier, errors = threading.Barrier(n), []

    def run(i):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                work(i)
                commit(_db.session)
            except Exception as exc:  # noqa: BLE001  (reported below, with the thread's error)
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_two_enrolments_of_the_same_state_entry_at_once_leave_one(app, db, make):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")
    s = shop(make, db.session)
    seq = sequence(db.session, s, "new", offsets=(0,))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    db.session.commit()
    brand_id, user_id = s.brand.id, alice.id
    customer_id, sequence_id = customer_of(db.session, brand_id, user_id).id, seq.id
    db.session.execute(JourneyEnrolment.__table__.delete())  # as if the events had not enrolled her yet
    db.session.commit()
    db.session.close()  # the threads read nothing through the test's session

    def work(_i):
        session = _db.session
        enrol(session, session.get(JourneySequence, sequence_id), customer_of(session, brand_id, user_id), now=T0)

    _run_at_once(app, work, n=4)
    assert db.session.scalar(select(func.count()).select_from(JourneyEnrolment)
                             .where(JourneyEnrolment.customer_id == customer_id)) == 1


def test_two_orders_paid_at_once_move_the_customer_twice_in_turn(app, db, make):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")
    s = shop(make, db.session)
    sequence(db.session, s, "purchased", offsets=(0,))
    repeat = sequence(db.session, s, "repeat", offsets=(0,))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=T0)
    db.session.commit()
    brand_id, user_id, repeat_id = s.brand.id, alice.id, repeat.id
    db.session.close()

    def work(i):
        record(_db.session, brand_id=brand_id, user_id=user_id, kind="order_paid", now=T0 + days(1),
               cause_ref=f"order:{i}")

    _run_at_once(app, work)
    db.session.expire_all()
    customer = customer_of(db.session, brand_id, user_id)
    assert (customer.state, customer.orders) == ("repeat", 2)  # the row lock made them take turns
    running = db.session.scalars(select(JourneyEnrolment.sequence_id).where(
        JourneyEnrolment.customer_id == customer.id, JourneyEnrolment.ended_at.is_(None))).all()
    assert running == [repeat_id]


def test_the_silent_timer_on_two_hosts_at_once_moves_each_customer_once(app, db, make):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")
    from mall.journeys.models import JourneyStateChange
    from mall.journeys.tick import silent_tick

    s = shop(make, db.session)
    users = [make.user(name=f"客{i}") for i in range(6)]
    for user in users:
        visit(db.session, s, user, at=T0)
    db.session.commit()
    db.session.close()
    moved = []

    def work(_i):
        moved.append(silent_tick(_db.session, now=T0 + days(40)))

    _run_at_once(app, work)
    assert sum(moved) == 6
    assert db.session.scalar(select(func.count()).select_from(JourneyStateChange)
                             .where(JourneyStateChange.to_state == "silent")) == 6
