"""Which code delivers which outbox topic. A handler has two halves, so no call outside is made in a transaction:

- execute(session, payload) -> outcome: talks to the outside system. No transaction is open (the deliverer
  checks); the mock provider, whose books share our database, opens and commits its own. It raises for a
  failure worth retrying; a definitive answer ("refused") is an outcome.
- record(session, payload, outcome, now): books the outcome, in the transaction that marks the row delivered.
  A handler registered with wants_row=True gets the row's id, topic and time as well (row=OutboxRow): the
  webhook fan-out keys its deliveries by the event's id.
- record_many(session, [(payload, row)], now), optional, for a handler with nothing outside to call: books many
  rows at once (a settlement batch writes thousands), in the transaction that marks them delivered.
- listening(session, topic, brand_ids) -> brand ids, optional, for a handler that delivers a public event only
  to the brand's subscribers (the webhook fan-out): the brands among brand_ids someone listens to for the topic
  now. The outbox writes no row of the topic for another brand's event: nobody would ever receive it.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OutboxRow:
    id: str
    topic: str
    created_at: datetime


@dataclass(frozen=True)
class Handler:
    execute: Callable[[object, dict], dict]
    record: Callable[..., None]
    wants_row: bool = False
    record_many: Callable[..., None] | None = None
    listening: Callable[[object, str, set[int]], set[int]] | None = None


HANDLERS: dict[str, Handler] = {}


def handles(topic: str, *, execute, record, wants_row: bool = False, record_many=None, listening=None) -> None:
    HANDLERS[topic] = Handler(execute=execute, record=record, wants_row=wants_row, record_many=record_many,
                              listening=listening)
