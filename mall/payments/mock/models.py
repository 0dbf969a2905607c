"""The mock provider's own books, kept apart from the mall's as a real provider's would be."""
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mall.clock import utcnow
from mall.extensions import db


class MockCharge(db.Model):
    __tablename__ = "mock_charges"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_ref: Mapped[str] = mapped_column(String(40), index=True)  # the mall's order number
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(200), default="")
    notify_url: Mapped[str] = mapped_column(String(400))
    return_url: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|succeeded|failed
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
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
