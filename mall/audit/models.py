"""The audit log (rule changes and re-attributions, with who, when, before, after and why) and the log of
who was shown customers' personal data."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.clock import utcnow
from mall.extensions import db


class AuditLog(db.Model):
    """Who changed which rule or attribution, when, from what to what, and why."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_brand_created", "brand_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(60), default="")
    before: Mapped[str] = mapped_column(Text, default="")  # JSON
    after: Mapped[str] = mapped_column(Text, default="")  # JSON
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actor = relationship("User")
    brand = relationship("Brand")


class PersonalDataAccess(db.Model):
    """An admin was shown customers' unmasked personal data: who, on which page, which customers, when (PIPL).

    One row per page view or export, listing every customer it showed, so a list of twenty orders is one row,
    not twenty. Kept apart from AuditLog: these are reads, far more numerous than changes, and a compliance
    review asks of them "who saw this customer", not "what changed".
    """

    __tablename__ = "personal_data_access"
    __table_args__ = (
        Index("ix_personal_data_access_brand_created", "brand_id", "created_at"),
        Index("ix_personal_data_access_viewer_created", "viewer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The brand whose customers were shown; None when one view spanned brands (a platform admin's list).
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    page: Mapped[str] = mapped_column(String(40))  # a code: order, customer, orders_export, partner, …
    subject: Mapped[str] = mapped_column(String(60), default="")  # which order, partner or list page
    fields: Mapped[str] = mapped_column(String(80))  # what was shown unmasked: "name,phone,address"
    # JSON {"users": [ids], "orders": [numbers of guest orders, whose customer has no account]}.
    customers: Mapped[str] = mapped_column(Text)
    customer_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    viewer = relationship("User")
    brand = relationship("Brand")
