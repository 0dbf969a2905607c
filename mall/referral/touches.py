"""Writing a touch: one INSERT ... RETURNING, no ORM object (a share link writes one per visit)."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert

from mall.referral.models import Touch

_INSERT = insert(Touch.__table__).returning(Touch.__table__.c.id)


@dataclass(frozen=True)
class RecordedTouch:
    """The touch row as written."""

    id: int
    brand_id: int
    partner_id: int | None
    store_id: int | None
    channel: str
    target: str
    visitor_key: str
    user_id: int | None
    ref: str
    content_item_id: int | None
    live_room_id: int | None
    created_at: datetime


def insert_touch(session, *, brand_id: int, partner_id: int | None, store_id: int | None, channel: str, target: str,
                 visitor_key: str, user_id: int | None, ref: str, content_item_id: int | None,
                 live_room_id: int | None, now: datetime) -> RecordedTouch:
    values = dict(brand_id=brand_id, partner_id=partner_id, store_id=store_id, channel=channel, target=target,
                  visitor_key=visitor_key, user_id=user_id, ref=ref, content_item_id=content_item_id,
                  live_room_id=live_room_id, created_at=now)
    session.flush()  # a Core statement does not autoflush: rows the caller just added (the user) go first
    touch_id = session.connection().execute(_INSERT, values).scalar_one()  # the Connection: no ORM layer to pass
    return RecordedTouch(id=touch_id, **{key: value for key, value in values.items() if key != "created_at"},
                         created_at=now)
