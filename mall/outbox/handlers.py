"""Which code delivers which outbox topic. A handler has two halves, so no call outside is made in a transaction:

- execute(session, payload) -> outcome: talks to the outside system. No transaction is open (the deliverer
  checks); the mock provider, whose books share our database, opens and commits its own. It raises for a
  failure worth retrying; a definitive answer ("refused") is an outcome.
- record(session, payload, outcome, now): books the outcome, in the transaction that marks the row delivered.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Handler:
    execute: Callable[[object, dict], dict]
    record: Callable[[object, dict, dict, datetime], None]


HANDLERS: dict[str, Handler] = {}


def handles(topic: str, *, execute, record) -> None:
    HANDLERS[topic] = Handler(execute=execute, record=record)
