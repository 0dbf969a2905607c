"""Delivering the outbox (`flask mall deliver-outbox`, and right after each commit that wrote rows): a job, so
it owns its transactions, one per step of each row.

Each row is claimed by a conditional UPDATE that takes a lease (claimed_by, claimed_until) and committed,
so several hosts can deliver at once and a row is worked on by one of them at a time; a host that dies
mid-delivery loses its lease and the row is taken again. Then, with no transaction open, the handler calls
the outside system; its outcome is booked in a new transaction together with the row's delivered_at. A
failure leaves the row for a later attempt, backing off exponentially. Handlers must be idempotent (a
provider refund carries its refund key): a lease can expire while its holder is still working.
"""
import logging
import os
import socket
from datetime import timedelta
from itertools import groupby
from uuid import uuid4

from sqlalchemy import or_, select, update

from mall.database import plain_session
from mall.outbox.handlers import HANDLERS, OutboxRow
from mall.outbox.models import OutboxEvent
from mall.outbox.queue import take_queued

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 20  # about four days of backing off; then a person looks (the row stays undelivered)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
BATCH = 100
BULK = 5000  # rows booked at once by a handler's record_many: ids in one IN list, below SQLite's 32,766 variables
WORKER = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid4().hex[:8]}"


def deliver_due(session, *, now, limit: int = BATCH) -> tuple[int, int]:
    """Try every due row of a handled topic once; returns (delivered, failed). Commits per row."""
    session = plain_session(session)
    if session.in_transaction():
        session.commit()
    ids = session.scalars(select(OutboxEvent.id).where(*_claimable(now), OutboxEvent.topic.in_(list(HANDLERS)))
                          .order_by(OutboxEvent.available_at, OutboxEvent.id).limit(limit)).all()
    session.commit()
    results = [deliver(session, row_id, now=now) for row_id in ids]
    return sum(1 for r in results if r), sum(1 for r in results if r is False)


def deliver_queued(session, queued: list[tuple[str, str]], *, now) -> None:
    """After a commit: deliver the rows that transaction wrote, if a handler wants them; failures wait for the job.

    A run of rows of one topic whose handler books in bulk (a settlement batch's thousands) goes in chunks.
    """
    for topic, run in groupby(queued, key=lambda queued_row: queued_row[1]):
        handler = HANDLERS.get(topic)
        if handler is None:
            continue
        row_ids = [row_id for row_id, _ in run]
        if handler.record_many is not None and len(row_ids) > 1:
            for start in range(0, len(row_ids), BULK):
                deliver_many(session, row_ids[start:start + BULK], topic, now=now)
            continue
        for row_id in row_ids:
            # Just written: due whatever `now` its service was given (tests and the demo pass other times).
            deliver(session, row_id, now=now, due_only=False)


def deliver_many(session, row_ids: list[str], topic: str, *, now) -> int:
    """deliver() for just-written rows of one topic whose handler books in bulk: one lease, one booking, one
    commit for all of them; returns how many were delivered. A failure leaves them all to the job's retries."""
    session = plain_session(session)
    if session.in_transaction():
        raise RuntimeError("the outbox is delivered after a commit, never inside a transaction")
    # Every statement names the undelivered rows of the topic, so it walks ix_outbox_events_due: with an id list
    # alone SQLite's planner, its statistics taken when the outbox was small, scanned the whole table each time.
    ours = [OutboxEvent.delivered_at.is_(None), OutboxEvent.topic == topic, OutboxEvent.id.in_(row_ids)]
    lease = now + LEASE
    session.execute(update(OutboxEvent).where(*ours, *_claimable(now, due_only=False))
                    .values(claimed_by=WORKER, claimed_until=lease, attempts=OutboxEvent.attempts + 1)
                    .execution_options(synchronize_session=False))
    claimed = [*ours, OutboxEvent.claimed_by == WORKER, OutboxEvent.claimed_until == lease]
    rows = session.execute(select(OutboxEvent.id, OutboxEvent.payload, OutboxEvent.created_at).where(*claimed)).all()
    session.commit()
    written = {row_id: n for n, row_id in enumerate(row_ids)}
    rows.sort(key=lambda row: written[row.id])  # in the order they were written: one order's events stay in order
    if not rows:
        return 0
    try:
        HANDLERS[topic].record_many(session, [
            (dict(row.payload), OutboxRow(id=row.id, topic=topic, created_at=row.created_at)) for row in rows], now)
        session.execute(update(OutboxEvent).where(*claimed)
                        .values(delivered_at=now, claimed_by=None, claimed_until=None, last_error="")
                        .execution_options(synchronize_session=False))
        queued = take_queued(session)
        session.commit()
        deliver_queued(session, queued, now=now)
        return len(rows)
    except Exception as exc:  # noqa: BLE001 (as deliver: any failure of the booking is retried, row by row)
        session.rollback()
        take_queued(session)
        log.exception("outbox: booking %d rows of %s at once failed", len(rows), topic)
        session.execute(update(OutboxEvent).where(*claimed)
                        .values(claimed_by=None, claimed_until=None, available_at=now + FIRST_RETRY,
                                last_error=f"{type(exc).__name__}: {exc}"[:200])
                        .execution_options(synchronize_session=False))
        session.commit()
        return 0


def deliver(session, row_id: str, *, now, due_only: bool = True) -> bool | None:
    """Claim, execute and record one row; True delivered, False failed (retried later), None not claimable."""
    session = plain_session(session)
    if session.in_transaction():
        raise RuntimeError("the outbox is delivered after a commit, never inside a transaction")
    claimed = session.execute(
        update(OutboxEvent).where(OutboxEvent.id == row_id, *_claimable(now, due_only=due_only))
        .values(claimed_by=WORKER, claimed_until=now + LEASE, attempts=OutboxEvent.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        session.rollback()
        return None
    row = session.scalars(select(OutboxEvent).where(OutboxEvent.id == row_id)
                          .execution_options(populate_existing=True)).one()
    topic, payload, attempts = row.topic, dict(row.payload), row.attempts
    about = OutboxRow(id=row.id, topic=row.topic, created_at=row.created_at)
    session.commit()  # the lease is taken; hold no transaction while the outside system works
    handler = HANDLERS.get(topic)
    try:
        outcome = handler.execute(session, payload)
        if session.in_transaction():  # the handler read something through the session: end that read
            session.commit()
        if handler.wants_row:
            handler.record(session, payload, outcome, now, row=about)
        else:
            handler.record(session, payload, outcome, now)
        session.execute(update(OutboxEvent).where(OutboxEvent.id == row_id)
                        .values(delivered_at=now, claimed_by=None, claimed_until=None, last_error="")
                        .execution_options(synchronize_session=False))
        queued = take_queued(session)
        session.commit()
        # What the booking published (a booked refund's order.refunded) goes on at once, as after a request.
        deliver_queued(session, queued, now=now)
        return True
    except Exception as exc:  # noqa: BLE001 (any failure of the outside system or the booking is retried)
        session.rollback()
        take_queued(session)  # rolled back with the booking
        log.exception("outbox %s (%s) attempt %d failed", row_id, topic, attempts)
        session.execute(update(OutboxEvent).where(OutboxEvent.id == row_id)
                        .values(claimed_by=None, claimed_until=None, available_at=now + _backoff(attempts),
                                last_error=f"{type(exc).__name__}: {exc}"[:200])
                        .execution_options(synchronize_session=False))
        session.commit()
        return False


def _claimable(now, *, due_only: bool = True) -> list:
    conditions = [OutboxEvent.delivered_at.is_(None), OutboxEvent.attempts < MAX_ATTEMPTS,
                  or_(OutboxEvent.claimed_until.is_(None), OutboxEvent.claimed_until < now)]
    if due_only:
        conditions.append(OutboxEvent.available_at <= now)
    return conditions


def _backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)

