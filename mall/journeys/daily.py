"""The guide's daily list (今日跟进): who to follow up today, with the message ready, and what they did.

How it is computed. Each running enrolment points at its next step and that step's due time
(journey_enrolments.next_step_id / next_due_at, moved on when the guide acts, mall.journeys.enrolment).
The list is one index range scan of ix_journey_enrolments_due, (guide_id, next_due_at) WHERE ended_at IS
NULL, up to the end of the guide's day, joined to the customer, the step, its sequence and the user by
primary key. Its cost therefore grows with the number of steps due for that guide (today's plus the missed
ones still open), capped at DAILY_MAX, and not with the brand's or even the guide's own customers: customers
whose next step is next week sit further along the index and are never read. Ranking by value happens on
those rows in Python; messages, links and the product suggestion are built for the page shown only (20).
Measured by bench/journeys_daily.py on PostgreSQL 16 (2 shared cores), 2 x 100,000 customers, 120,000
running enrolments: a guide with 2,000 customers and 809 due: 20 ms in SQL, 36 ms for due_today() (median
of 7); one guide with all 100,000 customers and ~20,000 due, capped at 1,000: 30 ms SQL, 60 ms in all. The
plan is one Index Scan on ix_journey_enrolments_due reading exactly the rows returned, then primary-key
lookups, so twice the customers with the same number due costs the same; twice as many due costs twice as
much up to the cap.

Nothing is shown twice for a step: done and skipped write an outcome unique per (enrolment, step) and move
the enrolment to its next step. A missed step is not dropped: next_due_at stays in the past, so it stays
on the list, marked as overdue, until the guide acts. "Later" moves the step to the next day. A paused
sequence's steps wait, off the list, until it is active again.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mall.accounts.models import User
from mall.domain import DomainError
from mall.journeys.enrolment import advance
from mall.journeys.models import JourneyCustomer
from mall.journeys.sop_models import JourneyEnrolment, JourneySequence, JourneyStep, JourneyStepOutcome

# Value first: a repeat buyer's follow-up is worth more than a newcomer's; then what they spent.
STATE_VALUE = {"repeat": 4, "purchased": 3, "interested": 2, "silent": 1, "new": 0}
DAILY_MAX = 1000  # a guide with more due than this works through them over the following days
OUTCOMES = ("done", "skipped", "later")


@dataclass(frozen=True)
class Due:
    """One row of the list before its message is written: ids and what ranking and the reason need."""

    enrolment_id: int
    step_id: int
    customer_id: int
    user_id: int
    user_name: str
    user_phone: str
    state: str
    state_since: datetime
    spent_fen: int
    sequence_name: str
    day_offset: int
    channel: str
    template: str
    product_id: int | None
    due_at: datetime
    postponed: int
    live_room_id: int | None
    content_item_id: int | None


def due_today(session, *, guide_id: int, day_end: datetime) -> list[Due]:
    """The guide's follow-ups due by `day_end` (end of their local day, as UTC), ranked by value."""
    rows = session.execute(
        select(JourneyEnrolment.id, JourneyStep.id, JourneyCustomer.id, User.id, User.name, User.phone,
               JourneyCustomer.state, JourneyCustomer.state_since, JourneyCustomer.spent_fen, JourneySequence.name,
               JourneyStep.day_offset, JourneyStep.channel, JourneyStep.template, JourneyStep.product_id,
               JourneyEnrolment.next_due_at, JourneyEnrolment.postponed, JourneyStep.live_room_id,
               JourneyStep.content_item_id)
        .join(JourneyStep, JourneyStep.id == JourneyEnrolment.next_step_id)
        .join(JourneySequence, JourneySequence.id == JourneyEnrolment.sequence_id)
        .join(JourneyCustomer, JourneyCustomer.id == JourneyEnrolment.customer_id)
        .join(User, User.id == JourneyCustomer.user_id)
        .where(JourneyEnrolment.guide_id == guide_id, JourneyEnrolment.ended_at.is_(None),
               JourneyEnrolment.next_due_at <= day_end, JourneySequence.active.is_(True))
        .order_by(JourneyEnrolment.next_due_at, JourneyEnrolment.id).limit(DAILY_MAX)).all()
    items = [Due(*row) for row in rows]
    return sorted(items, key=rank)


def rank(item: Due):
    """Higher state value, then more spent, then the longest overdue, then the enrolment id (stable)."""
    return (-STATE_VALUE.get(item.state, 0), -item.spent_fen, item.due_at, item.enrolment_id)


def overdue_days(item: Due, day_start: datetime) -> int:
    """Whole days, rounded up, the step has waited before the guide's today began (0: due today)."""
    if item.due_at >= day_start:
        return 0
    waited = day_start - item.due_at
    return waited.days + (1 if waited.seconds or waited.microseconds else 0)


class FollowUpError(DomainError):
    message = _l("That follow-up could not be recorded.")


def act(session, *, guide_id: int, enrolment_id: int, step_id: int, outcome: str, now: datetime) -> bool:
    """Record done / skipped / later for the step the enrolment is at; False if this exact step was
    already done or skipped (a double tap). Another guide's customer is refused and nothing changes."""
    if outcome not in OUTCOMES:
        raise FollowUpError(_l("Please choose done, skip or later."))
    # The row lock makes two taps (or two devices) take turns: the second sees the first's outcome.
    enrolment = session.scalar(select(JourneyEnrolment).where(JourneyEnrolment.id == enrolment_id)
                               .with_for_update().execution_options(populate_existing=True))
    if enrolment is None or enrolment.guide_id != guide_id:
        raise FollowUpError(_l("This customer is not on your list."))
    if enrolment.ended_at is not None or enrolment.next_step_id != step_id:
        if _has_outcome(session, enrolment_id, step_id):
            return False
        raise FollowUpError(_l("This step is no longer due: the customer's journey has moved on."))
    if outcome == "later":
        enrolment.next_due_at = max(now, enrolment.next_due_at or now) + timedelta(days=1)
        enrolment.postponed += 1
        return True
    try:
        with session.begin_nested():
            session.add(JourneyStepOutcome(enrolment_id=enrolment_id, step_id=step_id, guide_id=guide_id,
                                           outcome=outcome, created_at=now))
    except IntegrityError:
        return False
    advance(session, enrolment, now=now)
    return True


def _has_outcome(session, enrolment_id: int, step_id: int) -> bool:
    return session.scalar(select(JourneyStepOutcome.id).where(JourneyStepOutcome.enrolment_id == enrolment_id,
                                                              JourneyStepOutcome.step_id == step_id)) is not None
