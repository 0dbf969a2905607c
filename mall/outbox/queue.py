"""Putting rows in the outbox, inside the caller's transaction (never commits)."""
from uuid import uuid4

from sqlalchemy import insert

from mall.events import DomainEvent, batch_form, subscribe
from mall.outbox.models import OutboxEvent

QUEUED = "outbox_queued"  # session.info key: (id, topic) of rows this session wrote, delivered after its commit


def enqueue(session, topic: str, payload: dict, *, now, event_id: str | None = None) -> OutboxEvent:
    """Add an outbox row; mall.unit_of_work.commit delivers it right after the commit (the job retries it)."""
    row = OutboxEvent(id=event_id or uuid4().hex, topic=topic, payload=payload, created_at=now, available_at=now,
                      attempts=0, last_error="")
    session.add(row)
    session.info.setdefault(QUEUED, []).append((row.id, topic))
    return row


def take_queued(session) -> list[tuple[str, str]]:
    """(id, topic) of the rows queued since the last call; a row whose insert was rolled back is just not found."""
    return session.info.pop(QUEUED, [])


@subscribe(DomainEvent)
def keep_public_events(session, event: DomainEvent) -> None:
    # Public events wait here for webhooks: mall.webhooks.fanout handles their topics; others are only recorded.
    if event.topic:
        enqueue(session, event.topic, event.payload(), now=event.now, event_id=event.event_id)


@batch_form(keep_public_events)
def keep_public_events_in_bulk(session, events: list[DomainEvent]) -> None:
    rows = [dict(id=event.event_id, topic=event.topic, payload=event.payload(), created_at=event.now,
                 available_at=event.now, attempts=0, last_error="") for event in events if event.topic]
    if rows:
        session.execute(insert(OutboxEvent.__table__), rows)  # Core executemany: no ORM bookkeeping per row
        session.info.setdefault(QUEUED, []).extend((row["id"], row["topic"]) for row in rows)
