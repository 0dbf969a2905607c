"""What the room page shows, and the page's own Content-Security-Policy (only its stream's hosts)."""
from datetime import datetime

from mall.csp import page_policy
from mall.live.following import POLL_SECONDS, etag_for
from mall.live.models import LiveRoom, RoomState
from mall.live.queries import leaderboard, pinned_product, recent_orders, room_stats, shelf
from mall.live.streams import Stream, frame_hosts, media_hosts_of
from mall.live.viewers import HEARTBEAT_SECONDS, reminded


def room_streams(room: LiveRoom) -> tuple[Stream | None, Stream | None]:
    """The live stream and the replay, as mall.live.streams derived them when the room was saved."""
    stream = Stream(room.stream_kind, room.stream_provider, room.stream_url) if room.stream_url else None
    replay = Stream(room.replay_kind, room.replay_provider, room.replay_url) if room.replay_url else None
    return stream, replay


def showing(room: LiveRoom) -> Stream | None:
    """What the player shows: the stream while live, the replay once ended, nothing before the start."""
    stream, replay = room_streams(room)
    if room.state == RoomState.LIVE:
        return stream
    if room.state == RoomState.ENDED:
        return replay
    return None


def room_policy(room: LiveRoom) -> str:
    shown = [showing(room)]
    media = media_hosts_of(shown)
    return page_policy(frame_hosts=frame_hosts(shown), media_hosts=media,
                       media_blob=any(s and s.kind == "hls" for s in shown))


def room_page_context(session, room: LiveRoom, *, now: datetime, visitor_key: str | None) -> dict:
    return {
        "room": room,
        "player": showing(room),
        "pinned": pinned_product(session, room, now=now),
        "shelf": shelf(session, room, now=now),
        "stats": room_stats(session, room.id, now=now),
        "ticker": recent_orders(session, room.id),
        "board": leaderboard(session, room.id),
        "reminded": reminded(session, room.id, visitor_key),
        "poll_seconds": POLL_SECONDS,
        "heartbeat_seconds": HEARTBEAT_SECONDS,
        "pin_etag": etag_for(room.id, room.state, room.pin_version),
    }
