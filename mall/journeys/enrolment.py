"""Enrolling customers in sequences, moving them along the steps, and ending enrolments.

Rules (the issue's "do better than LinkWeChat"): day offsets count from the enrolment's day 0, which is the
customer's own entry into the state (or, for a tagged sequence, the moment the tag arrived within that
entry); a change of state ends every running enrolment and starts the new state's sequences at day 0; losing
a sequence's tag ends it. A customer is enrolled at most once per (sequence, state entry): the unique key
uq_journey_enrolments_entry holds it when two events race, and the loser simply finds the winner's row.
Re-entry is the sequence's explicit rule: every_entry enrols again on each new entry into the state,
first_entry never a second time.
"""
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from mall.journeys.models import JourneyCustomer, JourneyCustomerTag
from mall.journeys.sop_models import JourneyEnrolment, JourneySequence, JourneyStep, JourneyStepOutcome


def due_at(started_at: datetime, day_offset: int) -> datetime:
    return started_at + timedelta(days=day_offset)


def enter_state(session, customer: JourneyCustomer, *, now: datetime) -> list[JourneyEnrolment]:
    """The customer has just entered customer.state (entry customer.state_entry): switch their sequences."""
    end_running(session, customer.id, reason="state_changed", now=now)
    return enrol_matching(session, customer, now=now)


def enrol_matching(session, customer: JourneyCustomer, *, now: datetime, tag_id: int | None = None
                   ) -> list[JourneyEnrolment]:
    """Enrol the customer in the brand's active sequences of their state that their tags allow (only those
    narrowed by `tag_id`, when a tag just arrived)."""
    tag_ids = set(session.scalars(select(JourneyCustomerTag.tag_id).where(JourneyCustomerTag.customer_id ==
                                                                          customer.id)))
    query = select(JourneySequence).where(JourneySequence.brand_id == customer.brand_id,
                                          JourneySequence.state == customer.state, JourneySequence.active.is_(True))
    if tag_id is not None:
        query = query.where(JourneySequence.tag_id == tag_id)
    enrolled = []
    for sequence in session.scalars(query.order_by(JourneySequence.id)):
        if sequence.tag_id is not None and sequence.tag_id not in tag_ids:
            continue
        enrolment = enrol(session, sequence, customer, now=now)
        if enrolment is not None:
            enrolled.append(enrolment)
    return enrolled


def enrol(session, sequence: JourneySequence, customer: JourneyCustomer, *, now: datetime
          ) -> JourneyEnrolment | None:
    """Enrol once for this state entry; None when the re-entry rule or an existing enrolment says no."""
    if sequence.reentry == "first_entry" and session.scalar(select(exists().where(
            JourneyEnrolment.sequence_id == sequence.id, JourneyEnrolment.customer_id == customer.id))):
        return None
    first = _next_step(session, sequence.id, enrolment_id=None)
    try:
        with session.begin_nested():
            enrolment = JourneyEnrolment(
                sequence_id=sequence.id, customer_id=customer.id, state_entry=customer.state_entry,
                guide_id=customer.guide_id, started_at=now, next_step_id=first.id if first else None,
                next_due_at=due_at(now, first.day_offset) if first else None)
            session.add(enrolment)
        return enrolment
    except IntegrityError:  # this entry is already enrolled (another event got there first)
        return None


def end_running(session, customer_id: int, *, reason: str, now: datetime, sequence_ids=None) -> int:
    """End the customer's running enrolments (of these sequences only, if given); returns how many."""
    query = update(JourneyEnrolment).where(JourneyEnrolment.customer_id == customer_id,
                                           JourneyEnrolment.ended_at.is_(None))
    if sequence_ids is not None:
        query = query.where(JourneyEnrolment.sequence_id.in_(sequence_ids))
    return session.execute(query.values(ended_at=now, end_reason=reason, next_due_at=None)
                           .execution_options(synchronize_session=False)).rowcount


def advance(session, enrolment: JourneyEnrolment, *, now: datetime) -> None:
    """Point the enrolment at its earliest step without an outcome; with none left the sequence is finished."""
    step = _next_step(session, enrolment.sequence_id, enrolment_id=enrolment.id)
    if step is None:
        enrolment.next_step_id, enrolment.next_due_at = None, None
        enrolment.ended_at, enrolment.end_reason = now, "finished"
    else:
        enrolment.next_step_id, enrolment.next_due_at = step.id, due_at(enrolment.started_at, step.day_offset)


def refresh_sequence(session, sequence_id: int) -> None:
    """After steps changed: re-point every running enrolment of the sequence (one query per enrolment)."""
    for enrolment in session.scalars(select(JourneyEnrolment).where(JourneyEnrolment.sequence_id == sequence_id,
                                                                    JourneyEnrolment.ended_at.is_(None))):
        step = _next_step(session, sequence_id, enrolment_id=enrolment.id)
        enrolment.next_step_id = step.id if step else None
        enrolment.next_due_at = due_at(enrolment.started_at, step.day_offset) if step else None


def follow_guide(session, customer_id: int, guide_id: int | None) -> None:
    """The customer changed guides: their running enrolments move to the new guide's list."""
    session.execute(update(JourneyEnrolment).where(JourneyEnrolment.customer_id == customer_id,
                                                   JourneyEnrolment.ended_at.is_(None))
                    .values(guide_id=guide_id).execution_options(synchronize_session=False))


def _next_step(session, sequence_id: int, *, enrolment_id: int | None) -> JourneyStep | None:
    query = select(JourneyStep).where(JourneyStep.sequence_id == sequence_id)
    if enrolment_id is not None:
        query = query.where(~exists().where(JourneyStepOutcome.enrolment_id == enrolment_id,
                                            JourneyStepOutcome.step_id == JourneyStep.id))
    return session.scalars(query.order_by(JourneyStep.day_offset, JourneyStep.id).limit(1)).first()
