"""Creating and editing a room, and its states: scheduled -> live -> ended (audited; callers commit).

A state change is one conditional UPDATE (WHERE state = the state it leaves): two hosts pressing "start"
at once start the room once, and an ended room never goes live again.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from mall.accounts.models import Role, User
from mall.audit.service import record
from mall.catalog.models import Store
from mall.codes import short_code
from mall.domain import DomainError
from mall.events import publish
from mall.live.events import LiveRoomEnded, LiveRoomStarted
from mall.live.models import LiveRoom, RoomState
from mall.live.streams import Stream

TITLE_MAX = 80


class RoomError(DomainError):
    message = _l("The live room could not be saved.")


@dataclass(frozen=True)
class RoomDetails:
    """What an admin sets on a room; the stream already parsed by mall.live.streams.parse_stream."""

    title: str
    starts_at: datetime
    stream: Stream
    host_store_id: int | None = None
    host_user_id: int | None = None
    cover_path: str = ""
    replay: Stream | None = None


def save_room(session, brand_id: int, room: LiveRoom | None, details: RoomDetails, *, actor_id: int | None,
              now: datetime) -> LiveRoom:
    """Create (room None) or edit a room of the brand; the caller found `room` with the brand's id."""
    title = (details.title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise RoomError(_l("Please give the room a title of at most %(max)d characters.", max=TITLE_MAX),
                        field="title")
    _check_host(session, brand_id, details)
    created = room is None
    if created:
        room = LiveRoom(brand_id=brand_id, code=_free_code(session), state=RoomState.SCHEDULED, pin_version=0,
                        created_at=now)
    before = {} if created else _snapshot(room)
    room.title, room.starts_at, room.cover_path = title, details.starts_at, details.cover_path or ""
    room.host_store_id, room.host_user_id = details.host_store_id, details.host_user_id
    room.stream_kind, room.stream_provider, room.stream_url = (details.stream.kind, details.stream.provider,
                                                                details.stream.url)
    replay = details.replay
    room.replay_kind, room.replay_provider, room.replay_url = ((replay.kind, replay.provider, replay.url)
                                                                if replay else ("", "", ""))
    session.add(room)
    session.flush()
    after = _snapshot(room)
    record(session, action="live_room.create" if created else "live_room.update", brand_id=brand_id,
           actor_id=actor_id, now=now, subject=f"live_room:{room.id}",
           before={k: v for k, v in before.items() if after.get(k) != v},
           after={k: v for k, v in after.items() if before.get(k) != v})
    return room


def start_room(session, room: LiveRoom, *, actor_id: int | None, now: datetime) -> None:
    """Go live: only a scheduled room can."""
    _move(session, room, RoomState.SCHEDULED, RoomState.LIVE, {"started_at": now}, actor_id=actor_id, now=now,
          refused=_l("Only a scheduled room can go live."))
    publish(session, LiveRoomStarted(live_room_id=room.id, brand_id=room.brand_id, code=room.code, now=now))


def end_room(session, room: LiveRoom, *, actor_id: int | None, now: datetime) -> None:
    """End the broadcast: the pin is dropped and the room's own prices stop applying."""
    _move(session, room, RoomState.LIVE, RoomState.ENDED, {"ended_at": now, "pinned_item_id": None},
          actor_id=actor_id, now=now, refused=_l("Only a live room can be ended."))
    publish(session, LiveRoomEnded(live_room_id=room.id, brand_id=room.brand_id, code=room.code, now=now))


def _move(session, room: LiveRoom, source: str, target: str, values: dict, *, actor_id, now, refused) -> None:
    moved = session.execute(
        update(LiveRoom).where(LiveRoom.id == room.id, LiveRoom.state == source)
        .values(state=target, pin_version=LiveRoom.pin_version + 1, **values)
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise RoomError(refused)
    session.refresh(room)
    record(session, action=f"live_room.{target}", brand_id=room.brand_id, actor_id=actor_id, now=now,
           subject=f"live_room:{room.id}", before={"state": source}, after={"state": target})


def _check_host(session, brand_id: int, details: RoomDetails) -> None:
    if details.host_store_id is not None:
        store = session.get(Store, details.host_store_id)
        if store is None or store.brand_id != brand_id:
            raise RoomError(_l("Please choose one of the brand's stores."), field="host_store_id")
    if details.host_user_id is not None:
        user = session.get(User, details.host_user_id)
        if user is None or user.brand_id != brand_id or user.role not in (Role.GUIDE, Role.STORE_MANAGER):
            raise RoomError(_l("Please choose a guide of the brand as host."), field="host_user_id")


def _free_code(session) -> str:
    for _attempt in range(10):
        code = short_code(6)
        if session.scalar(select(LiveRoom.id).where(LiveRoom.code == code)) is None:
            return code
    raise RoomError()


def _snapshot(room: LiveRoom) -> dict:
    return {"title": room.title, "starts_at": room.starts_at, "stream": room.stream_url, "replay": room.replay_url,
            "host_store_id": room.host_store_id, "host_user_id": room.host_user_id, "cover": room.cover_path}
