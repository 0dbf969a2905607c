"""What journeys achieved: each step's reach and results, each sequence's conversion, guides' completion.

reach   enrolments that got to the step: those waiting at it now plus those with an outcome for it
done / skipped   the guides' outcomes
visits  touches through the step's link; orders and GMV: paid orders credited to it (mall.journeys.attribution)
conversion   of the sequence's enrolments ended by a change of state, how many went to which state
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from mall.journeys.models import JourneyStateChange
from mall.journeys.sop_models import (
    JourneyEnrolment,
    JourneySequence,
    JourneyStep,
    JourneyStepOrder,
    JourneyStepOutcome,
    JourneyStepTouch,
)


@dataclass(frozen=True)
class StepResult:
    step: JourneyStep
    reach: int
    done: int
    skipped: int
    visits: int
    orders: int
    gmv_fen: int


def step_results(session, sequence: JourneySequence) -> list[StepResult]:
    """One row per step of the sequence, in step order (five grouped queries, whatever the number of steps)."""
    step_ids = [step.id for step in sequence.steps]
    if not step_ids:
        return []

    def grouped(query) -> dict:
        return {row[0]: row[1:] for row in session.execute(query)}

    waiting = grouped(select(JourneyEnrolment.next_step_id, func.count())
                      .where(JourneyEnrolment.next_step_id.in_(step_ids), JourneyEnrolment.ended_at.is_(None))
                      .group_by(JourneyEnrolment.next_step_id))
    outcomes: dict[tuple[int, str], int] = {
        (step_id, outcome): n for step_id, outcome, n in session.execute(
            select(JourneyStepOutcome.step_id, JourneyStepOutcome.outcome, func.count())
            .where(JourneyStepOutcome.step_id.in_(step_ids))
            .group_by(JourneyStepOutcome.step_id, JourneyStepOutcome.outcome))}
    visits = grouped(select(JourneyStepTouch.step_id, func.count()).where(JourneyStepTouch.step_id.in_(step_ids))
                     .group_by(JourneyStepTouch.step_id))
    orders = grouped(select(JourneyStepOrder.step_id, func.count(), func.coalesce(func.sum(JourneyStepOrder.gmv_fen), 0))
                     .where(JourneyStepOrder.step_id.in_(step_ids), JourneyStepOrder.paid)
                     .group_by(JourneyStepOrder.step_id))
    rows = []
    for step in sequence.steps:
        done, skipped = outcomes.get((step.id, "done"), 0), outcomes.get((step.id, "skipped"), 0)
        n_orders, gmv = orders.get(step.id, (0, 0))
        rows.append(StepResult(step, waiting.get(step.id, (0,))[0] + done + skipped, done, skipped,
                               visits.get(step.id, (0,))[0], n_orders, int(gmv)))
    return rows


def conversion(session, sequence: JourneySequence) -> dict:
    """{"enrolled": n, "moved": {to_state: n}}: where the sequence's customers went when they left its state."""
    enrolled = session.scalar(select(func.count()).where(JourneyEnrolment.sequence_id == sequence.id)) or 0
    moved = dict(session.execute(
        select(JourneyStateChange.to_state, func.count())
        .join(JourneyEnrolment, and_(JourneyEnrolment.customer_id == JourneyStateChange.customer_id,
                                     JourneyEnrolment.ended_at == JourneyStateChange.created_at))
        .where(JourneyEnrolment.sequence_id == sequence.id, JourneyEnrolment.end_reason == "state_changed",
               JourneyStateChange.from_state == sequence.state)
        .group_by(JourneyStateChange.to_state)).all())
    return {"enrolled": enrolled, "moved": moved}


@dataclass(frozen=True)
class Completion:
    guide_id: int
    open_due: int
    done: int
    skipped: int


def completion(session, guide_ids: list[int], *, since: datetime, due_by: datetime) -> dict[int, Completion]:
    """For a store manager: per guide, follow-ups still open by `due_by`, and done / skipped since `since`."""
    if not guide_ids:
        return {}
    open_due = dict(session.execute(
        select(JourneyEnrolment.guide_id, func.count())
        .where(JourneyEnrolment.guide_id.in_(guide_ids), JourneyEnrolment.ended_at.is_(None),
               JourneyEnrolment.next_due_at <= due_by).group_by(JourneyEnrolment.guide_id)).all())
    acted: dict[tuple[int, str], int] = {
        (guide_id, outcome): n for guide_id, outcome, n in session.execute(
            select(JourneyStepOutcome.guide_id, JourneyStepOutcome.outcome, func.count())
            .where(JourneyStepOutcome.guide_id.in_(guide_ids), JourneyStepOutcome.created_at >= since)
            .group_by(JourneyStepOutcome.guide_id, JourneyStepOutcome.outcome))}
    return {g: Completion(g, open_due.get(g, 0), acted.get((g, "done"), 0), acted.get((g, "skipped"), 0))
            for g in guide_ids}
