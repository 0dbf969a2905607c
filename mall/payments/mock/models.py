"""The mock provider's own books, kept apart from the mall's as a real provider's would be."""
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mall.clock import utcnow
from mall.extensions import db


class MockCharge(db.Model):
    __tablename__ = "mock_charges"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        # A provider never gives back more than it took, whatever the merchant asks.
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen", name="refund_within_amount"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_ref: Mapped[str] = mapped_column(String(40), index=True)  # the mall's order number
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(200), default="")
    merchant_name: Mapped[str] = mapped_column(String(60), default="", server_default="")  # who is paid
    notify_url: Mapped[str] = mapped_column(String(400))
    return_url: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|failed (retry allowed)|succeeded
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    card_last4: Mapped[str] = mapped_column(String(4), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MockEvent(db.Model):
    """An outbox of signed callbacks; undelivered ones are retried by `flask mall deliver-callbacks`."""

    __tablename__ = "mock_events"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    charge_id: Mapped[str] = mapped_column(String(40), index=True)
    body: Mapped[str] = mapped_column(Text)
    notify_url: Mapped[str] = mapped_column(String(400))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    # A sender claims the event until this moment, so two hosts retrying never send it twice at once.
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MockRefund(db.Model):
    """One row per refund key: asking again with the same key refunds nothing more."""

    __tablename__ = "mock_refunds"

    refund_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    charge_id: Mapped[str] = mapped_column(String(40), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
