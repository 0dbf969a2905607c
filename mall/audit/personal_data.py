"""The log of who was shown customers' unmasked personal data (PIPL): written by the pages that show it.

The service takes the session, the viewer and `now` from its caller and never reads the request; like
mall.audit.service.record it adds the row and leaves the commit to the caller.
"""
import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from mall.audit.models import PersonalDataAccess

FIELDS = ("name", "phone", "address", "email")  # what a page may show unmasked


def customers_of_orders(orders) -> dict[str, list]:
    """Who an order's contact details belong to: its customer's account, or for a guest the order itself."""
    return {"users": [o.user_id for o in orders if o.user_id is not None],
            "guest_orders": [o.number for o in orders if o.user_id is None]}


def log_access(session, *, viewer_id: int, brand_id: int | None, page: str, fields: Iterable[str],
               now: datetime, users: Iterable[int] = (), guest_orders: Iterable[str] = (),
               subject: str = "") -> PersonalDataAccess | None:
    """One row for one page view or export, listing every customer shown; None when it showed nobody."""
    user_ids, numbers = sorted(set(users)), sorted(set(guest_orders))
    shown = [name for name in FIELDS if name in set(fields)]
    if not (user_ids or numbers) or not shown:
        return None
    entry = PersonalDataAccess(viewer_id=viewer_id, brand_id=brand_id, page=page, subject=subject[:60],
                               fields=",".join(shown), customer_count=len(user_ids) + len(numbers),
                               customers=json.dumps({"users": user_ids, "orders": numbers}, separators=(",", ":")),
                               created_at=now)
    session.add(entry)
    return entry


def access_entries(brand_id: int | None, *, start: datetime | None = None, end: datetime | None = None) -> Select:
    """Entries about the brand's customers (every entry for None) in [start, end), newest first."""
    query = (select(PersonalDataAccess).options(joinedload(PersonalDataAccess.viewer),
                                                joinedload(PersonalDataAccess.brand))
             .order_by(PersonalDataAccess.created_at.desc(), PersonalDataAccess.id.desc()))
    if brand_id is not None:
        query = query.where(PersonalDataAccess.brand_id == brand_id)
    if start is not None:
        query = query.where(PersonalDataAccess.created_at >= start)
    if end is not None:
        query = query.where(PersonalDataAccess.created_at < end)
    return query


def customers_in(entry: PersonalDataAccess) -> tuple[list[int], list[str]]:
    """(user ids, guest order numbers) an entry lists."""
    try:
        data = json.loads(entry.customers or "{}")
    except ValueError:
        return [], []
    return list(data.get("users", [])), list(data.get("orders", []))
