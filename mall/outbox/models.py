"""outbox_events: one row per event for outside delivery."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mall.extensions import db


class OutboxEvent(db.Model):
    __tablename__ = "outbox_events"
    # The deliverer looks for undelivered rows of the topics it handles that are due.
    __table_args__ = (Index("ix_outbox_events_due", "delivered_at", "topic", "available_at"),)

    # The domain event's id (uuid4 hex): never reused, even when a rolled-back insert frees its row.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    topic: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    available_at: Mapped[datetime] = mapped_column(DateTime)  # not before: retries back off
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A lease: the host delivering the row; another host may take it over once claimed_until has passed.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(String(200), default="")
