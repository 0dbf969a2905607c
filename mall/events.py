"""In-process domain events: a service publishes what happened, subscribers react in the same transaction.

Subscribers run synchronously, in order of registration, with the publisher's session: whatever they write
commits or rolls back with the change that caused it, and an exception in one of them fails that change
(the owner of the transaction rolls everything back). Events for the world outside go further through the
outbox (mall.outbox), which is itself a subscriber.

Packages register their subscribers when their `subscribers` module is imported (create_app imports them),
so a publisher never imports the packages that listen to it.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from uuid import uuid4

Subscriber = Callable[[Any, "DomainEvent"], None]
_subscribers: dict[type, list[Subscriber]] = defaultdict(list)
_batch_forms: dict[Subscriber, Callable] = {}


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened, at `now`. Events with a `topic` are public: the outbox keeps them for webhooks
    that listen."""

    topic: ClassVar[str | None] = None
    now: datetime
    event_id: str = field(default_factory=lambda: uuid4().hex)

    def payload(self) -> dict:
        """The event as JSON-able data (times in ISO format), without its id, which is the outbox row's id."""
        data = asdict(self)
        del data["event_id"]
        return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in data.items()}


@dataclass(frozen=True)
class Actor:
    """Who caused a change: a signed-in user (user_id), or a named party without one ("buyer", "job:settle")."""

    name: str
    user_id: int | None = None

    @classmethod
    def user(cls, user_id: int | None, name: str = "user") -> "Actor":
        """A person; a guest (no user id) stays recorded under `name`."""
        return cls(name=name, user_id=user_id)

    @classmethod
    def job(cls, name: str) -> "Actor":
        return cls(name=f"job:{name}")


SYSTEM = Actor("system")


def subscribe(*event_types: type[DomainEvent]) -> Callable[[Subscriber], Subscriber]:
    """Decorator: call fn(session, event) for every event of these types (or their subclasses). Idempotent."""

    def register(fn: Subscriber) -> Subscriber:
        for event_type in event_types:
            if fn not in _subscribers[event_type]:
                _subscribers[event_type].append(fn)
        return fn

    return register


def batch_form(subscriber: Subscriber) -> Callable[[Callable], Callable]:
    """Decorator: fn(session, events) does for a list of events what `subscriber` does for each, in one go.

    publish_many hands it the whole list (the outbox writes a job's thousands of rows in one INSERT); a
    subscriber without a batch form still hears each event alone.
    """

    def register(fn: Callable[[Any, list["DomainEvent"]], None]) -> Callable:
        _batch_forms[subscriber] = fn
        return fn

    return register


def unsubscribe(event_type: type[DomainEvent], fn: Subscriber) -> None:
    if fn in _subscribers.get(event_type, ()):
        _subscribers[event_type].remove(fn)


def publish(session, event: DomainEvent) -> None:
    """Hand the event to every subscriber of its base types, then of its own type; their exceptions propagate.

    Most general first: the outbox, which hears every DomainEvent, records an event before its own
    subscribers publish what follows from it (payment -> accrual), so webhooks leave in the order of causes.
    """
    for event_type in reversed(type(event).__mro__):
        for fn in list(_subscribers.get(event_type, ())):
            fn(session, event)


def publish_many(session, events: list[DomainEvent]) -> None:
    """publish() for many events of one type (a job's batch): each subscriber takes them all, in their order,
    before the next subscriber; one with a batch form takes them in one call."""
    if not events:
        return
    event_type = type(events[0])
    if any(type(event) is not event_type for event in events):
        raise TypeError("publish_many takes events of one type")
    for base in reversed(event_type.__mro__):
        for fn in list(_subscribers.get(base, ())):
            if fn in _batch_forms:
                _batch_forms[fn](session, events)
            else:
                for event in events:
                    fn(session, event)
