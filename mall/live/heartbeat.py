"""The room page's heartbeat, remembered for a few seconds so a reload costs no database round trip.

mall.live.viewers.seen writes a heartbeat only when the last one is older than HEARTBEAT_FRESH; in between it
still costs an UPDATE that matches nothing and a SELECT. Having called it, the page remembers that for half
of HEARTBEAT_FRESH in the shared cache, so a viewer's row is at most 1.5 x HEARTBEAT_FRESH old while the
viewer keeps reloading: well inside VIEWER_WINDOW, which is what "viewers now" counts. Every first view and
every view after that still reaches the database; an unreachable cache just means seen() every time.
"""
import logging

from redis.exceptions import RedisError

from mall.extensions import cache
from mall.live.viewers import HEARTBEAT_FRESH, seen

log = logging.getLogger(__name__)
REMEMBERED_SECONDS = int(HEARTBEAT_FRESH.total_seconds() // 2)


def _key(code: str, visitor_key: str) -> str:
    return f"live:seen:{code}:{visitor_key}"


def recently_seen(code: str, visitor_key: str | None) -> bool:
    """Whether this browser's heartbeat in this room was recorded a moment ago (the room page then only reads)."""
    if not visitor_key:
        return False
    try:
        return cache.get(_key(code, visitor_key)) is not None
    except (RedisError, OSError):
        log.warning("cache unreachable; recording the heartbeat", exc_info=True)
        return False


def beat(session, room, visitor_key: str, *, code: str, now) -> None:
    """seen() for the room (a LiveRoom or anything with its id), and remember for a few seconds it was done."""
    seen(session, room, visitor_key, now=now)
    try:
        cache.set(_key(code, visitor_key), 1, timeout=REMEMBERED_SECONDS)
    except (RedisError, OSError):
        log.warning("cache unreachable; heartbeat not remembered", exc_info=True)
