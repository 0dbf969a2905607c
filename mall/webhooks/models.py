"""webhook_endpoints, webhook_deliveries and webhook_attempts."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.extensions import db

URL_MAX = 500


class WebhookEndpoint(db.Model):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    # The signing secret: the receiver needs it in clear to check signatures, so it is stored as it is.
    secret: Mapped[str] = mapped_column(String(64))
    topics: Mapped[list] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class WebhookDelivery(db.Model):
    """One event for one endpoint. (endpoint_id, event_id) is unique: the fan-out runs once per pair."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        # The job looks for due, undelivered rows; order is kept per (endpoint, sequence key).
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_sequence", "endpoint_id", "sequence_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict] = mapped_column(JSON)
    sequence_key: Mapped[str] = mapped_column(String(40))  # "order:17": deliveries of one order go in order
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)

    endpoint = relationship("WebhookEndpoint")


class WebhookAttempt(db.Model):
    """The log: every POST made, with the receiver's status code (None: no answer) or the error."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(DateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(200), default="")
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
