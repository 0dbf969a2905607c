"""Keyset pages of the partner's order list: the URL carries the (order time, id) of the last row seen, so
page 1,000 costs what page 1 costs. OFFSET makes the database sort and skip every earlier row on each page."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import Session

MAX_CURSOR = 64  # an ISO timestamp, a separator and an id; anything longer is not one of ours


@dataclass(frozen=True)
class Cursor:
    created_at: datetime
    id: int

    def token(self) -> str:
        return f"{self.created_at.isoformat()}_{self.id}"


def parse_cursor(token: str | None) -> Cursor | None:
    """A cursor from a URL, or None (the first page) for anything malformed: bad input never errors."""
    if not token or len(token) > MAX_CURSOR:
        return None
    moment, _sep, order_id = token.rpartition("_")
    try:
        return Cursor(datetime.fromisoformat(moment).replace(tzinfo=None), int(order_id))
    except ValueError:
        return None


@dataclass(frozen=True)
class Page:
    items: list  # order ids, newest first
    next_cursor: str | None  # older orders
    prev_cursor: str | None  # newer orders


def _key(row) -> str:
    return Cursor(row[0], row[1]).token()


def keyset_page(session: Session, query: Select, *, after: Cursor | None, before: Cursor | None,
                per_page: int) -> Page:
    """One page of `query` (rows of (order time, order id), newest first): after a cursor going older, or before
    one going newer.

    One row more than the page is read to know whether another page follows; no count of all rows."""
    moment, order_id = query.selected_columns[0], query.selected_columns[1]
    key = tuple_(moment, order_id)
    query = query.order_by(None)
    if before is not None:
        rows = session.execute(query.where(key > tuple_(before.created_at, before.id))
                               .order_by(moment, order_id).limit(per_page + 1)).all()
        more_newer = len(rows) > per_page
        rows = rows[:per_page][::-1]
        return Page([row[1] for row in rows], _key(rows[-1]) if rows else None,
                    _key(rows[0]) if rows and more_newer else None)
    if after is not None:
        query = query.where(key < tuple_(after.created_at, after.id))
    rows = session.execute(query.order_by(moment.desc(), order_id.desc()).limit(per_page + 1)).all()
    more_older = len(rows) > per_page
    rows = rows[:per_page]
    return Page([row[1] for row in rows], _key(rows[-1]) if rows and more_older else None,
                _key(rows[0]) if rows and after is not None else None)
