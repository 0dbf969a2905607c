"""`flask mall journeys-tick`: the silent timer. Customers with no visit and no order for their brand's N
days become silent, and enter the silent sequences at day 0.

Safe on several hosts at once: each customer is moved in its own short transaction under its row lock
(mall.journeys.customers.record), and the state rule itself only moves a customer who is still quiet and
not yet silent, so a second host's run finds nothing left to do for them. Returns how many it moved.
"""
from datetime import datetime, timedelta

from sqlalchemy import select

from mall.catalog.models import Brand
from mall.journeys import states
from mall.journeys.customers import record_change
from mall.journeys.models import JourneyCustomer
from mall.journeys.settings import journey_settings_for
from mall.unit_of_work import commit

BATCH = 500


def silent_tick(session, *, now: datetime) -> int:
    moved = 0
    brand_ids = session.scalars(select(Brand.id).order_by(Brand.id)).all()
    for brand_id in brand_ids:
        cutoff = now - timedelta(days=journey_settings_for(session, brand_id).silent_days)
        commit(session)
        last_id = 0
        while True:
            batch = session.execute(
                select(JourneyCustomer.id, JourneyCustomer.user_id)
                .where(JourneyCustomer.brand_id == brand_id, JourneyCustomer.state != states.SILENT,
                       JourneyCustomer.last_active_at <= cutoff, JourneyCustomer.id > last_id)
                .order_by(JourneyCustomer.id).limit(BATCH)).all()
            commit(session)
            if not batch:
                break
            for customer_id, user_id in batch:
                last_id = customer_id
                _customer, changed = record_change(session, brand_id=brand_id, user_id=user_id,
                                                   kind=states.SILENT_TIMER, now=now, cause_ref="timer")
                moved += changed
                commit(session)
    return moved
