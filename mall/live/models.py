"""Live rooms, their shelves, viewers, reminders and the orders placed in them."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.clock import utcnow
from mall.extensions import db


class RoomState(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class StreamKind(StrEnum):
    EMBED = "embed"  # an allow-listed provider's player in an iframe (mall.live.streams)
    HLS = "hls"  # an .m3u8 URL played with the vendored hls.js
    MP4 = "mp4"


class LiveRoom(db.Model):
    __shown_on_pages__ = True  # a commit that writes one renews the pages' fingerprints (mall.page_cache)
    __tablename__ = "live_rooms"
    __table_args__ = (
        CheckConstraint("state IN ('scheduled','live','ended')", name="state_known"),
        CheckConstraint("stream_kind IN ('embed','hls','mp4')", name="stream_kind_known"),
        CheckConstraint("pin_version >= 0", name="pin_version_non_negative"),
        Index("ix_live_rooms_brand_starts", "brand_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    # The short path /l/<code>: upper-case, from mall.codes.ALPHABET.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(80))
    cover_path: Mapped[str] = mapped_column(String(200), default="")  # like ProductImage.path (mall.media)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    host_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    host_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the host guide
    stream_kind: Mapped[str] = mapped_column(String(8), default=StreamKind.EMBED)
    stream_provider: Mapped[str] = mapped_column(String(16), default="")  # bilibili | douyin | channels | tencent
    # Always derived by mall.live.streams from what the admin pasted: never raw HTML, never an unchecked host.
    stream_url: Mapped[str] = mapped_column(String(500), default="")
    replay_url: Mapped[str] = mapped_column(String(500), default="")
    replay_kind: Mapped[str] = mapped_column(String(8), default="")
    replay_provider: Mapped[str] = mapped_column(String(16), default="")
    state: Mapped[str] = mapped_column(String(10), default=RoomState.SCHEDULED)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    # use_alter: rooms and shelf items point at each other; the migration adds this key after both tables.
    # SET NULL: an item leaving the shelf is no longer presented.
    pinned_item_id: Mapped[int | None] = mapped_column(ForeignKey("live_shelf_items.id", use_alter=True,
                                                                  ondelete="SET NULL"))
    # Bumped by every pin, unpin, start and end: the viewers' poll answers 304 while it stays the same.
    pin_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    brand = relationship("Brand")
    host_store = relationship("Store")
    host_user = relationship("User")
    shelf = relationship("ShelfItem", back_populates="room", order_by="ShelfItem.position, ShelfItem.id",
                         foreign_keys="ShelfItem.room_id")
    pinned_item = relationship("ShelfItem", foreign_keys=[pinned_item_id], post_update=True)


class ShelfItem(db.Model):
    """One SKU on a room's shelf, in order, with the room's own price (直播专享价) if it has one."""
    __shown_on_pages__ = True  # a commit that writes one renews the pages' fingerprints (mall.page_cache)

    __tablename__ = "live_shelf_items"
    __table_args__ = (
        UniqueConstraint("room_id", "sku_id", name="uq_live_shelf_items_room_sku"),
        CheckConstraint("live_price_fen IS NULL OR live_price_fen > 0", name="live_price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_rooms.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    live_price_fen: Mapped[int | None] = mapped_column(BigInteger)

    room = relationship("LiveRoom", back_populates="shelf", foreign_keys=[room_id])
    product = relationship("Product")
    sku = relationship("Sku")


class LiveViewer(db.Model):
    """One browser in one room: a reload refreshes last_seen_at, it never adds a row."""

    __tablename__ = "live_viewers"
    __table_args__ = (
        UniqueConstraint("room_id", "visitor_key", name="uq_live_viewers_room_visitor"),
        Index("ix_live_viewers_room_seen", "room_id", "last_seen_at"),
        Index("ix_live_viewers_room_inviter", "room_id", "inviter_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_rooms.id"))
    visitor_key: Mapped[str] = mapped_column(String(40))
    # Who first invited this browser into the room (邀约), and that inviter's store if they are a guide.
    inviter_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)


class LiveReminder(db.Model):
    """"Remind me" (预约) on a scheduled room: interest a guide follows up later."""

    __tablename__ = "live_reminders"
    __table_args__ = (UniqueConstraint("room_id", "visitor_key", name="uq_live_reminders_room_visitor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_rooms.id"), index=True)
    visitor_key: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    inviter_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class LiveOrder(db.Model):
    """An order placed in a room, kept by the order-event subscribers (mall.live.subscribers) for its counts."""

    __tablename__ = "live_orders"
    __table_args__ = (
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= total_fen", name="refund_within_total"),
        Index("ix_live_orders_room_paid", "room_id", "paid_at"),
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_rooms.id"))
    # The order's attribution (sharer and store), copied when it was placed: the inviter credited for it.
    inviter_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    placed_at: Mapped[datetime] = mapped_column(DateTime)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
