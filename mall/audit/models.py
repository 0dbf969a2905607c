"""The audit log: rule changes and re-attributions, with who, when, before, after and why."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
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
