"""The pool as partners see it: the brand's items within their publish window, searchable; and what partners
do with them (open, copy, download a poster), appended as events for the statistics."""
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload, selectinload

from mall.codes import pasted_code
from mall.content.models import ContentEvent, ContentItem

EVENT_KINDS = ("view", "copy", "poster")
QUERY_MAX = 40


def live_items(brand_id: int, now: datetime, query: str = "") -> Select:
    """The brand's items in their window, newest first; `query` matches title, copy or tags."""
    select_items = (
        select(ContentItem)
        .where(ContentItem.brand_id == brand_id,
               or_(ContentItem.starts_at.is_(None), ContentItem.starts_at <= now),
               or_(ContentItem.ends_at.is_(None), ContentItem.ends_at > now))
        .options(selectinload(ContentItem.images), joinedload(ContentItem.product))
        .order_by(ContentItem.created_at.desc(), ContentItem.id.desc())
    )
    words = (query or "").strip()[:QUERY_MAX]
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        select_items = select_items.where(or_(ContentItem.title.ilike(pattern, escape="\\"),
                                              ContentItem.body.ilike(pattern, escape="\\"),
                                              ContentItem.tags.ilike(pattern, escape="\\")))
    return select_items


def live_item(session, brand_id: int, item_id: int, now: datetime) -> ContentItem | None:
    return session.scalar(live_items(brand_id, now).where(ContentItem.id == item_id))


def public_item(session, code: str | None, now: datetime) -> ContentItem | None:
    """The item behind a shared /c/<code> link while it is in its window."""
    code = pasted_code(code)
    if not code or len(code) > ContentItem.code.type.length:
        return None
    return session.scalar(
        select(ContentItem).where(ContentItem.code == code,
                                  or_(ContentItem.starts_at.is_(None), ContentItem.starts_at <= now),
                                  or_(ContentItem.ends_at.is_(None), ContentItem.ends_at > now))
        .options(selectinload(ContentItem.images), joinedload(ContentItem.product), joinedload(ContentItem.brand)))


def record_event(session, *, item_id: int, partner_id: int | None, kind: str, now: datetime) -> None:
    if kind not in EVENT_KINDS:
        raise ValueError(kind)
    session.add(ContentEvent(item_id=item_id, partner_id=partner_id, kind=kind, created_at=now))
    session.flush()
