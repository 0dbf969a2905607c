"""Who watches: one row per browser and room, refreshed by a heartbeat; invitations (邀约) and reminders (预约).

"Viewers now" are browsers whose heartbeat is recent, so a reload or a second tab is the same viewer and a
closed page stops counting within VIEWER_WINDOW. The first inviter of a browser keeps it for the room's
counts; who earns from its orders is decided by the binding rules, as for any order (mall.referral).
"""
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from mall.events import publish
from mall.live.events import RoomBooked
from mall.live.models import LiveReminder, LiveRoom, LiveViewer
from mall.referral.service import record_visit

HEARTBEAT_SECONDS = 20  # the room page's stats poll, which is also its heartbeat
VIEWER_WINDOW = timedelta(seconds=3 * HEARTBEAT_SECONDS)
HEARTBEAT_FRESH = timedelta(seconds=HEARTBEAT_SECONDS // 2)


def seen(session, room: LiveRoom, visitor_key: str, *, now: datetime, inviter_id: int | None = None,
         store_id: int | None = None) -> None:
    """This browser is watching now; an inviter is recorded only if none brought it before.

    A heartbeat younger than HEARTBEAT_FRESH is not written again (reloads, a second tab, the stats poll of a
    page opened just now): the row stays well inside VIEWER_WINDOW, and most of those calls cost a read, not a
    row version and a WAL record."""
    updated = session.execute(update(LiveViewer).where(LiveViewer.room_id == room.id,
                                                       LiveViewer.visitor_key == visitor_key,
                                                       LiveViewer.last_seen_at < now - HEARTBEAT_FRESH)
                              .values(last_seen_at=now).execution_options(synchronize_session=False)).rowcount
    if updated == 0 and session.scalar(select(LiveViewer.id).where(LiveViewer.room_id == room.id,
                                                                   LiveViewer.visitor_key == visitor_key)) is None:
        try:
            with session.begin_nested():  # two tabs opening at once: the second insert loses, the row is fresh
                session.add(LiveViewer(room_id=room.id, visitor_key=visitor_key, inviter_id=inviter_id,
                                       store_id=store_id, first_seen_at=now, last_seen_at=now))
            return
        except IntegrityError:
            pass
    if inviter_id is not None:
        session.execute(update(LiveViewer).where(LiveViewer.room_id == room.id, LiveViewer.visitor_key == visitor_key,
                                                 LiveViewer.inviter_id.is_(None))
                        .values(inviter_id=inviter_id, store_id=store_id).execution_options(synchronize_session=False))


def viewers_now(session, room_id: int, *, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(LiveViewer)
                          .where(LiveViewer.room_id == room_id, LiveViewer.last_seen_at >= now - VIEWER_WINDOW)) or 0


def invited(session, room: LiveRoom, partner_code: str, visitor_key: str, *, user_id: int | None,
            now: datetime, ref: str = "") -> None:
    """An invite link was opened: a touch (channel "live", binding as for product links) and the viewer.
    `ref` is the link's ?j= marker (a journey step's), kept on the touch."""
    touch = record_visit(session, brand_id=room.brand_id, partner_code=partner_code, channel="live",
                         target=f"live:{room.code}", visitor_key=visitor_key, user_id=user_id, ref=ref,
                         live_room_id=room.id, now=now)
    seen(session, room, visitor_key, now=now, inviter_id=touch.partner_id if touch else None,
         store_id=touch.store_id if touch else None)


def remind(session, room: LiveRoom, visitor_key: str, *, user_id: int | None, now: datetime) -> bool:
    """Record interest in a scheduled room once per browser; True if it is new."""
    if session.scalar(select(LiveReminder.id).where(LiveReminder.room_id == room.id,
                                                    LiveReminder.visitor_key == visitor_key)) is not None:
        return False
    inviter = session.scalar(select(LiveViewer.inviter_id).where(LiveViewer.room_id == room.id,
                                                                 LiveViewer.visitor_key == visitor_key))
    try:
        with session.begin_nested():
            session.add(LiveReminder(room_id=room.id, visitor_key=visitor_key, user_id=user_id, inviter_id=inviter,
                                     created_at=now))
    except IntegrityError:
        return False
    publish(session, RoomBooked(now=now, room_id=room.id, brand_id=room.brand_id, visitor_key=visitor_key,
                                user_id=user_id, inviter_id=inviter))
    return True


def reminded(session, room_id: int, visitor_key: str | None) -> bool:
    if not visitor_key:
        return False
    return session.scalar(select(LiveReminder.id).where(LiveReminder.room_id == room_id,
                                                        LiveReminder.visitor_key == visitor_key)) is not None
