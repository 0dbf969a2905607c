"""Partners (sharers and guides), the touches their links record, and customers' bindings to them."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.clock import utcnow
from mall.extensions import db


class Partner(db.Model):
    """A user's membership as a sharer of one brand; guides are partners who work in a store."""
    __shown_on_pages__ = True  # a commit that writes one renews the pages' fingerprints (mall.page_cache)

    __tablename__ = "partners"
    __table_args__ = (
        UniqueConstraint("brand_id", "user_id", name="uq_partners_brand_user"),
        CheckConstraint("status IN ('pending','active','disabled')", name="status_known"),
        CheckConstraint("inviter_id IS NULL OR inviter_id <> id", name="not_own_inviter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Upper-case, from mall.codes.ALPHABET; matched case-insensitively by upper-casing the input.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    inviter_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User")
    brand = relationship("Brand")
    inviter = relationship("Partner", remote_side=[id])


class Touch(db.Model):
    """One opening of a shared link or store code: who shared what, when, and who opened it."""

    __tablename__ = "touches"
    __table_args__ = (
        # visitor_key first: claiming a browser's touches at login looks them up across brands.
        Index("ix_touches_visitor", "visitor_key", "brand_id", "created_at"),
        Index("ix_touches_user", "brand_id", "user_id", "created_at"),
        Index("ix_touches_partner", "partner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    channel: Mapped[str] = mapped_column(String(12))  # link | storefront | store_code | live | content
    target: Mapped[str] = mapped_column(String(40), default="")  # e.g. "product:ABC1234", "home"
    # The room of a live invitation (channel "live"); a string key, so referral never imports mall.live.
    live_room_id: Mapped[int | None] = mapped_column(ForeignKey("live_rooms.id"))
    visitor_key: Mapped[str] = mapped_column(String(40))  # the signed visitor cookie's id
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The link's ?j= marker, opaque here: a journey step's link puts its step there (mall.journeys.links),
    # so a touch, and the order after it, can be traced to the follow-up that sent it.
    ref: Mapped[str] = mapped_column(String(24), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The content item (内容池) whose link was opened: its statistics count visits and orders through it.
    # A string reference, so referral never imports mall.content.
    content_item_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"), index=True)

    partner = relationship("Partner")


OPEN_USER = "ended_at IS NULL AND user_id IS NOT NULL"
OPEN_VISITOR = "ended_at IS NULL AND user_id IS NULL"


class Binding(db.Model):
    """A customer bound to a sharer or guide of a brand. History is kept: a new binding ends the old one."""

    __tablename__ = "bindings"
    __table_args__ = (
        CheckConstraint("kind IN ('sharer','guide')", name="kind_known"),
        CheckConstraint("user_id IS NOT NULL OR visitor_key IS NOT NULL", name="has_customer"),
        Index("ix_bindings_user", "brand_id", "kind", "user_id", "ended_at"),
        Index("ix_bindings_visitor", "visitor_key", "brand_id", "kind", "ended_at"),
        # At most one open binding of a kind per customer, even when two touches race: the
        # database refuses the second insert and the loser re-reads and decides again.
        Index("uq_bindings_open_user", "brand_id", "kind", "user_id", unique=True,
              sqlite_where=text(OPEN_USER), postgresql_where=text(OPEN_USER)),
        Index("uq_bindings_open_visitor", "brand_id", "kind", "visitor_key", unique=True,
              sqlite_where=text(OPEN_VISITOR), postgresql_where=text(OPEN_VISITOR)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    kind: Mapped[str] = mapped_column(String(8))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    visitor_key: Mapped[str | None] = mapped_column(String(40))
    touch_id: Mapped[int | None] = mapped_column(ForeignKey("touches.id"))
    reason: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)

    partner = relationship("Partner")
