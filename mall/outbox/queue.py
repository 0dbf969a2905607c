"""Putting rows in the outbox, inside the caller's transaction (never commits)."""
from uuid import uuid4

from sqlalchemy import insert

from mall.events import DomainEvent, batch_form, subscribe
from mall.outbox.handlers import HANDLERS
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
    # Public events wait here for their topic's handler (webhooks: mall.webhooks.fanout); a topic without one is
    # only recorded.
    if event.topic and _listened(session, event.topic, [event]):
        enqueue(session, event.topic, event.payload(), now=event.now, event_id=event.event_id)


@batch_form(keep_public_events)
def keep_public_events_in_bulk(session, events: list[DomainEvent]) -> None:
    kept = _listened(session, events[0].topic, events) if events[0].topic else []
    rows = [dict(id=event.event_id, topic=event.topic, payload=event.payload(), created_at=event.now,
                 available_at=event.now, attempts=0, last_error="") for event in kept]
    if rows:
        session.execute(insert(OutboxEvent.__table__), rows)  # Core executemany: no ORM bookkeeping per row
        session.info.setdefault(QUEUED, []).extend((row["id"], row["topic"]) for row in rows)


def _listened(session, topic: str, events: list[DomainEvent]) -> list[DomainEvent]:
    """The events of `topic` someone will receive: all of them, unless the topic's handler delivers only to the
    brands that listen (webhooks), and then those of the brands it names, asked once for the whole list.

    Asked at publish time, inside the publisher's transaction: a listener registered by a transaction that
    commits later receives none of these events (the rule the webhook documentation states). Without autoflush,
    so the look-up leaves the order of the publisher's own statements as it was.
    """
    handler = HANDLERS.get(topic)
    if handler is None or handler.listening is None:
        return events
    brand_ids = {getattr(event, "brand_id", None) for event in events} - {None}
    if not brand_ids:
        return []
    with session.no_autoflush:
        listening = handler.listening(session, topic, brand_ids)
    return [event for event in events if getattr(event, "brand_id", None) in listening]
