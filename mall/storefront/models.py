"""A partner's storefront (one per user, across the brands they partner) and the products picked into it."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.clock import utcnow
from mall.extensions import db

MAX_PICKS = 100
TITLE_MAX = 40
INTRO_MAX = 300


class Storefront(db.Model):
    __shown_on_pages__ = True  # a commit that writes one renews the pages' fingerprints (mall.page_cache)
    __tablename__ = "storefronts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    intro: Mapped[str] = mapped_column(String(INTRO_MAX), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    picks = relationship("StorefrontPick", order_by="StorefrontPick.position, StorefrontPick.id",
                         cascade="all, delete-orphan")


class StorefrontPick(db.Model):
    """A product in a storefront; the product keeps its brand's price and split, the pick only places it."""
    __shown_on_pages__ = True  # a commit that writes one renews the pages' fingerprints (mall.page_cache)

    __tablename__ = "storefront_picks"
    # Picking twice (a double tap, two tabs) is one pick: the database refuses the second row.
    __table_args__ = (UniqueConstraint("storefront_id", "product_id", name="uq_storefront_picks_product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    storefront_id: Mapped[int] = mapped_column(ForeignKey("storefronts.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    product = relationship("Product")
