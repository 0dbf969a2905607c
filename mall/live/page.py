"""What the room page shows, and the page's own Content-Security-Policy (only its stream's hosts)."""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from mall.catalog.models import Product, Sku
from mall.catalog.pricing import promo_running
from mall.csp import page_policy
from mall.database import plain_session
from mall.live.following import POLL_SECONDS, etag_for
from mall.live.models import LiveRoom, RoomState, ShelfItem
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


@dataclass(frozen=True)
class RoomSnapshot:
    """What a cached room page must match from the room's row and shelf, and the page's own CSP header."""

    id: int
    state: str
    fingerprint: str
    policy: str


def room_snapshot(session, room: LiveRoom, *, now: datetime) -> tuple[RoomSnapshot, int]:
    """The room's state (which price applies, which player), its pin, its streams and its shelf; with the
    seconds it holds (until the first running promotion on the shelf ends)."""
    shelf_state, holds = shelf_freshness(session, room.id, now=now)
    own = repr((room.state, room.pin_version, room.pinned_item_id, room.stream_url, room.replay_url, room.title,
                room.starts_at)).encode()
    fingerprint = f"{room.id}:{hashlib.blake2b(own, digest_size=8).hexdigest()}:{shelf_state}"
    return RoomSnapshot(room.id, room.state, fingerprint, room_policy(room)), holds


def shelf_freshness(session, room_id: int, *, now: datetime) -> tuple[str, int]:
    """(fingerprint, seconds it holds) of the room's shelf as a page shows it: every item's order and room
    price, its SKU's prices and stock or not, and whether its product's promotion runs (until the first end)."""
    rows = plain_session(session).connection().execute(
        select(ShelfItem.id, ShelfItem.position, ShelfItem.live_price_fen, Sku.id, Sku.price_fen,
               Sku.list_price_fen, Sku.promo_price_fen, Sku.stock > 0, Product.published, Product.promo_ends_at)
        .join(Sku, Sku.id == ShelfItem.sku_id).join(Product, Product.id == ShelfItem.product_id)
        .where(ShelfItem.room_id == room_id).order_by(ShelfItem.id)).all()
    ends = [row.promo_ends_at for row in rows if promo_running(row, now)]
    state = repr(([row.promo_ends_at is not None and row.promo_ends_at > now for row in rows],
                  [tuple(row) for row in rows])).encode()
    holds = int((min(ends) - now).total_seconds()) if ends else 24 * 3600
    return hashlib.blake2b(state, digest_size=12).hexdigest(), holds
