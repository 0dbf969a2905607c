"""Results tied to orders: a visit through a step's link, then an order, credited to the step.

An order is credited to the latest step visit of its buyer (the same user, or the same browser for a guest)
within ATTRIBUTION_DAYS before it was placed, once (journey_step_orders.order_id is unique). It counts
when paid; its GMV is what the brand kept after refunds, kept current by the refund events.
"""
from datetime import datetime, timedelta

from sqlalchemy import case, or_, select, update
from sqlalchemy.exc import IntegrityError

from mall.journeys.links import parse_ref
from mall.journeys.sop_models import JourneyEnrolment, JourneySequence, JourneyStep, JourneyStepOrder, JourneyStepTouch

ATTRIBUTION_DAYS = 7


def record_step_touch(session, *, touch_id: int, brand_id: int, ref: str, user_id: int | None,
                      visitor_key: str, now: datetime) -> JourneyStepTouch | None:
    """Keep the visit if its marker names a real step of the enrolment's sequence in this brand."""
    ids = parse_ref(ref)
    if ids is None:
        return None
    step_id, enrolment_id = ids
    known = session.scalar(
        select(JourneyStep.id).join(JourneySequence, JourneySequence.id == JourneyStep.sequence_id)
        .join(JourneyEnrolment, JourneyEnrolment.sequence_id == JourneySequence.id)
        .where(JourneyStep.id == step_id, JourneyEnrolment.id == enrolment_id, JourneySequence.brand_id == brand_id))
    if known is None:
        return None
    row = JourneyStepTouch(touch_id=touch_id, step_id=step_id, enrolment_id=enrolment_id, user_id=user_id,
                           visitor_key=visitor_key, created_at=now)
    session.add(row)
    session.flush()
    return row


def credit_order(session, *, order_id: int, brand_id: int, user_id: int | None, visitor_key: str | None,
                 now: datetime) -> JourneyStepOrder | None:
    """At checkout: credit the order to the buyer's latest step visit in the window, if there is one."""
    who = []
    if user_id is not None:
        who.append(JourneyStepTouch.user_id == user_id)
    if visitor_key:
        who.append(JourneyStepTouch.visitor_key == visitor_key)
    if not who:
        return None
    visit = session.scalars(
        select(JourneyStepTouch).join(JourneyStep, JourneyStep.id == JourneyStepTouch.step_id)
        .join(JourneySequence, JourneySequence.id == JourneyStep.sequence_id)
        .where(or_(*who), JourneySequence.brand_id == brand_id,
               JourneyStepTouch.created_at >= now - timedelta(days=ATTRIBUTION_DAYS), JourneyStepTouch.created_at <= now)
        .order_by(JourneyStepTouch.created_at.desc(), JourneyStepTouch.id.desc()).limit(1)).first()
    if visit is None:
        return None
    try:
        with session.begin_nested():
            row = JourneyStepOrder(order_id=order_id, step_id=visit.step_id, step_touch_id=visit.id, created_at=now)
            session.add(row)
        return row
    except IntegrityError:
        return None


def order_paid(session, *, order_id: int, kept_fen: int) -> None:
    session.execute(update(JourneyStepOrder).where(JourneyStepOrder.order_id == order_id)
                    .values(paid=True, gmv_fen=kept_fen))


def order_refunded(session, *, order_id: int, amount_fen: int) -> None:
    # One conditional UPDATE on the row's own value: two refunds booked at once both subtract, never below zero.
    gmv = JourneyStepOrder.gmv_fen
    session.execute(update(JourneyStepOrder).where(JourneyStepOrder.order_id == order_id, JourneyStepOrder.paid)
                    .values(gmv_fen=case((gmv >= amount_fen, gmv - amount_fen), else_=0)))
