"""The journey state rules, pure: facts in, state out. Every event goes through `apply`.

A customer's state is derived from facts the mall already records, never set by hand:

    repeat      two or more orders (paid and not fully refunded)
    purchased   exactly one such order
    interested  no order, but two or more visits, or a booked live room (预约)
    new         bound (or otherwise known), nothing of the above
    silent      no visit and no order for the brand's N days (the timer, mall.journeys.tick)

Silent is the only state that time alone enters; any activity leaves it for the derived state again. An
event that changes no fact the state depends on (a second visit of a buyer) leaves the state, and so the
customer's sequence and its day count, alone: only a *change* of state restarts a journey.

One more kind of event (a live-room visit, a content item opened) is one more Event kind here and one
line in `_facts_after`; the rules above stay as they are.
"""
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

NEW, INTERESTED, PURCHASED, REPEAT, SILENT = "new", "interested", "purchased", "repeat", "silent"

BOUND = "bound"  # a binding to a sharer or guide opened
VISIT = "visit"  # a touch: a shared link, a storefront, a store code (a live-room visit is a touch too)
BOOKED = "booked"  # booked a scheduled live room (预约)
ORDER_PAID = "order_paid"
REFUNDED = "refunded"  # an order was fully refunded: it no longer counts
SILENT_TIMER = "silent_timer"
EVENTS = (BOUND, VISIT, BOOKED, ORDER_PAID, REFUNDED, SILENT_TIMER)

REPEAT_VISITS = 2  # "repeat visits": the second visit shows interest


@dataclass(frozen=True)
class Facts:
    visits: int = 0
    booked: bool = False
    orders: int = 0
    last_active_at: datetime | None = None


@dataclass(frozen=True)
class Event:
    kind: str
    at: datetime


def derived_state(facts: Facts) -> str:
    """The state the facts alone give (silent is left to the timer)."""
    if facts.orders >= 2:
        return REPEAT
    if facts.orders == 1:
        return PURCHASED
    if facts.visits >= REPEAT_VISITS or facts.booked:
        return INTERESTED
    return NEW


def apply(state: str | None, facts: Facts, event: Event, *, silent_days: int) -> tuple[str, Facts]:
    """The state and facts after `event`; `state` None for a customer journeys has not seen yet."""
    after = _facts_after(facts, event)
    if event.kind == SILENT_TIMER:
        quiet = after.last_active_at is None or after.last_active_at <= event.at - timedelta(days=silent_days)
        return (SILENT if quiet and state is not None else state or derived_state(after)), after
    if state == SILENT and event.kind in (BOUND, REFUNDED):
        return SILENT, after  # neither is the customer doing something: they stay silent
    return derived_state(after), after


def _facts_after(facts: Facts, event: Event) -> Facts:
    if event.kind == VISIT:
        return replace(facts, visits=facts.visits + 1, last_active_at=_later(facts.last_active_at, event.at))
    if event.kind == BOOKED:
        return replace(facts, booked=True, last_active_at=_later(facts.last_active_at, event.at))
    if event.kind == ORDER_PAID:
        return replace(facts, orders=facts.orders + 1, last_active_at=_later(facts.last_active_at, event.at))
    if event.kind == REFUNDED:
        return replace(facts, orders=max(facts.orders - 1, 0))
    if event.kind == BOUND:
        return replace(facts, last_active_at=facts.last_active_at or event.at)
    return facts


def _later(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a
