"""Content items (copy, images, an optional product or live room), the partners' actions on them, and the orders they produced."""
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.clock import utcnow
from mall.codes import short_code
from mall.extensions import db

MAX_IMAGES = 9


class ContentItem(db.Model):
    """Ready-to-share copy with a {link} placeholder, shown to the brand's partners within its publish window."""

    __tablename__ = "content_items"
    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="window_ordered"),
        Index("ix_content_items_brand_starts", "brand_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    # The item's short link is /c/<code>/<partner code>: short, and not a guessable sequence.
    code: Mapped[str] = mapped_column(String(12), unique=True, default=lambda: short_code(7))
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    # An item may invite to a live room instead of (or besides) selling a product: "watch us at 8 tonight".
    live_room_id: Mapped[int | None] = mapped_column(ForeignKey("live_rooms.id"), index=True)
    tags: Mapped[str] = mapped_column(String(200), default="")  # space-separated, searched with LIKE
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    brand = relationship("Brand")
    product = relationship("Product")
    live_room = relationship("LiveRoom")
    images = relationship("ContentImage", order_by="ContentImage.position, ContentImage.id",
                          cascade="all, delete-orphan")

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()


class ContentImage(db.Model):
    __tablename__ = "content_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), index=True)
    path: Mapped[str] = mapped_column(String(200))  # as ProductImage.path: "uploads/<hash>.png" or under static/
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContentEvent(db.Model):
    """A partner's action on an item (opened it in the pool, copied its text, downloaded its poster).

    Appended, never updated: two taps at once are two rows, and the statistics count them.
    """

    __tablename__ = "content_events"
    __table_args__ = (
        CheckConstraint("kind IN ('view','copy','poster')", name="kind_known"),
        Index("ix_content_events_item_kind", "item_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ContentOrder(db.Model):
    """A paid order whose credited touch came through an item's link; one row per order (the key is the order)."""

    __tablename__ = "content_orders"
    __table_args__ = (
        CheckConstraint("gmv_fen >= 0", name="gmv_not_negative"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= gmv_fen", name="refund_within_gmv"),
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    gmv_fen: Mapped[int] = mapped_column(BigInteger)
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_at: Mapped[datetime] = mapped_column(DateTime)
