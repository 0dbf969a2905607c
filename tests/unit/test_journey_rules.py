"""The journey state rules, table-driven: every event from every state, and the silent timer."""
from datetime import datetime, timedelta

import pytest

from mall.journeys.states import (
    BOOKED,
    BOUND,
    EVENTS,
    INTERESTED,
    NEW,
    ORDER_PAID,
    PURCHASED,
    REFUNDED,
    REPEAT,
    SILENT,
    SILENT_TIMER,
    VISIT,
    Event,
    Facts,
    apply,
    derived_state,
)

NOW = datetime(2026, 3, 1, 12, 0)
RECENT = NOW - timedelta(days=2)
LONG_AGO = NOW - timedelta(days=40)

# Facts that give each state (silent: the facts of a one-time buyer who went quiet).
FACTS = {
    NEW: Facts(visits=1, last_active_at=RECENT),
    INTERESTED: Facts(visits=2, last_active_at=RECENT),
    PURCHASED: Facts(visits=1, orders=1, last_active_at=RECENT),
    REPEAT: Facts(visits=1, orders=2, last_active_at=RECENT),
    SILENT: Facts(visits=1, orders=1, last_active_at=LONG_AGO),
}

# (state before, event) -> state after; the facts are FACTS[state before].
TRANSITIONS = {
    (NEW, BOUND): NEW, (NEW, VISIT): INTERESTED, (NEW, BOOKED): INTERESTED, (NEW, ORDER_PAID): PURCHASED,
    (NEW, REFUNDED): NEW, (NEW, SILENT_TIMER): NEW,
    (INTERESTED, BOUND): INTERESTED, (INTERESTED, VISIT): INTERESTED, (INTERESTED, BOOKED): INTERESTED,
    (INTERESTED, ORDER_PAID): PURCHASED, (INTERESTED, REFUNDED): INTERESTED, (INTERESTED, SILENT_TIMER): INTERESTED,
    (PURCHASED, BOUND): PURCHASED, (PURCHASED, VISIT): PURCHASED, (PURCHASED, BOOKED): PURCHASED,
    (PURCHASED, ORDER_PAID): REPEAT, (PURCHASED, REFUNDED): NEW, (PURCHASED, SILENT_TIMER): PURCHASED,
    (REPEAT, BOUND): REPEAT, (REPEAT, VISIT): REPEAT, (REPEAT, BOOKED): REPEAT, (REPEAT, ORDER_PAID): REPEAT,
    (REPEAT, REFUNDED): PURCHASED, (REPEAT, SILENT_TIMER): REPEAT,
    # Silent: only the customer's own activity brings them back, to the state their facts give.
    (SILENT, BOUND): SILENT, (SILENT, VISIT): PURCHASED, (SILENT, BOOKED): PURCHASED, (SILENT, ORDER_PAID): REPEAT,
    (SILENT, REFUNDED): SILENT, (SILENT, SILENT_TIMER): SILENT,
}


def test_the_table_covers_every_state_and_event():
    assert set(TRANSITIONS) == {(state, event) for state in FACTS for event in EVENTS}


@pytest.mark.parametrize(("before", "event"), sorted(TRANSITIONS))
def test_transition(before, event):
    state, _facts = apply(before, FACTS[before], Event(event, NOW), silent_days=30)
    assert state == TRANSITIONS[(before, event)]


@pytest.mark.parametrize(("quiet_days", "silent_days", "expected"), [
    (29, 30, PURCHASED), (30, 30, SILENT), (31, 30, SILENT), (7, 7, SILENT), (6, 7, PURCHASED),
])
def test_the_silent_timer_counts_the_brands_days_from_the_last_visit_or_order(quiet_days, silent_days, expected):
    facts = Facts(visits=1, orders=1, last_active_at=NOW - timedelta(days=quiet_days))
    assert apply(PURCHASED, facts, Event(SILENT_TIMER, NOW), silent_days=silent_days)[0] == expected


@pytest.mark.parametrize(("facts", "expected"), [
    (Facts(), NEW), (Facts(visits=1), NEW), (Facts(visits=2), INTERESTED), (Facts(booked=True), INTERESTED),
    (Facts(visits=9, orders=1), PURCHASED), (Facts(orders=2), REPEAT), (Facts(orders=5, booked=True), REPEAT),
])
def test_derived_state(facts, expected):
    assert derived_state(facts) == expected


@pytest.mark.parametrize(("event", "visits", "orders", "booked", "active"), [
    (VISIT, 2, 1, False, NOW), (BOOKED, 1, 1, True, NOW), (ORDER_PAID, 1, 2, False, NOW),
    (REFUNDED, 1, 0, False, RECENT), (BOUND, 1, 1, False, RECENT), (SILENT_TIMER, 1, 1, False, RECENT),
])
def test_each_event_changes_its_own_facts_only(event, visits, orders, booked, active):
    _state, after = apply(PURCHASED, FACTS[PURCHASED], Event(event, NOW), silent_days=30)
    assert (after.visits, after.orders, after.booked, after.last_active_at) == (visits, orders, booked, active)


def test_a_first_event_gives_the_first_state():
    assert apply(None, Facts(), Event(BOUND, NOW), silent_days=30)[0] == NEW
    assert apply(None, Facts(), Event(ORDER_PAID, NOW), silent_days=30)[0] == PURCHASED


def test_an_old_event_arriving_late_does_not_move_last_activity_back():
    _state, after = apply(NEW, Facts(visits=1, last_active_at=NOW), Event(VISIT, LONG_AGO), silent_days=30)
    assert after.last_active_at == NOW
