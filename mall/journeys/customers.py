"""Applying what happened to a customer: update the facts, derive the state, record and act on a change.

Every event for one customer takes that customer's row lock first (SELECT … FOR UPDATE on PostgreSQL;
SQLite has one writer anyway), so two events for the same customer are applied one after the other and
each sees the other's facts: nothing is read-then-written unguarded. The customer row itself is created
race-safely on its unique key (brand, user).
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mall.events import publish
from mall.journeys import states
from mall.journeys.enrolment import enter_state, follow_guide
from mall.journeys.events import JourneyStateChanged
from mall.journeys.models import JourneyCustomer, JourneyStateChange
from mall.journeys.settings import journey_settings_for

UNCHANGED = object()


def locked_customer(session, brand_id: int, user_id: int, *, now: datetime
                    ) -> tuple[JourneyCustomer, bool]:
    """The customer's row, locked for this transaction; created (True) if journeys had not seen them."""
    for _attempt in range(3):
        row = session.scalar(select(JourneyCustomer).where(JourneyCustomer.brand_id == brand_id,
                                                           JourneyCustomer.user_id == user_id)
                             .with_for_update().execution_options(populate_existing=True))
        if row is not None:
            return row, False
        try:
            with session.begin_nested():
                row = JourneyCustomer(brand_id=brand_id, user_id=user_id, state=states.NEW, state_entry=1,
                                      state_since=now, last_active_at=now, created_at=now)
                session.add(row)
            return row, True
        except IntegrityError:  # created by a concurrent event: lock theirs
            continue
    raise RuntimeError("journey customer could not be created or found")


def record(session, **event) -> JourneyCustomer:
    """Apply one event (a states.EVENTS kind) to the customer and switch their journey if the state changed."""
    return record_change(session, **event)[0]


def record_change(session, *, brand_id: int, user_id: int, kind: str, now: datetime, cause_ref: str = "",
                  guide_id=UNCHANGED, spent_delta_fen: int = 0) -> tuple[JourneyCustomer, bool]:
    """record(), also saying whether this call changed the customer's state (a second host's run: False)."""
    customer, created = locked_customer(session, brand_id, user_id, now=now)
    if guide_id is not UNCHANGED and guide_id != customer.guide_id:
        customer.guide_id = guide_id
        follow_guide(session, customer.id, guide_id)
    silent_days = journey_settings_for(session, brand_id).silent_days
    before = None if created else customer.state
    state, facts = states.apply(before, facts_of(customer), states.Event(kind, now), silent_days=silent_days)
    customer.visits, customer.booked, customer.orders = facts.visits, facts.booked, facts.orders
    customer.last_active_at = facts.last_active_at or customer.last_active_at
    customer.spent_fen = max(customer.spent_fen + spent_delta_fen, 0)
    if kind == states.ORDER_PAID:
        customer.last_order_at = now
    changed = created or state != customer.state
    if changed:
        change_state(session, customer, before, state, cause=kind, cause_ref=cause_ref, now=now)
    session.flush()
    return customer, changed


def change_state(session, customer: JourneyCustomer, from_state: str | None, to_state: str, *, cause: str,
                 cause_ref: str, now: datetime) -> None:
    """Record the change, count the new entry, switch sequences and publish JourneyStateChanged."""
    if from_state is not None:
        customer.state_entry += 1
    customer.state, customer.state_since = to_state, now
    session.add(JourneyStateChange(customer_id=customer.id, from_state=from_state, to_state=to_state, cause=cause,
                                   cause_ref=cause_ref[:40], created_at=now))
    session.flush()
    enter_state(session, customer, now=now)
    publish(session, JourneyStateChanged(now=now, customer_id=customer.id, brand_id=customer.brand_id,
                                         user_id=customer.user_id, from_state=from_state, to_state=to_state,
                                         cause=cause))


def facts_of(customer: JourneyCustomer) -> states.Facts:
    return states.Facts(visits=customer.visits, booked=customer.booked, orders=customer.orders,
                        last_active_at=customer.last_active_at)


def customer_of(session, brand_id: int, user_id: int) -> JourneyCustomer | None:
    return session.scalar(select(JourneyCustomer).where(JourneyCustomer.brand_id == brand_id,
                                                        JourneyCustomer.user_id == user_id))
