"""api_idempotency_keys: what a POST with an Idempotency-Key answered, to answer a replay the same way."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mall.extensions import db


class IdempotencyRecord(db.Model):
    __tablename__ = "api_idempotency_keys"
    # Keys are the client's: two tokens may pick the same one, so the token is part of the key.
    __table_args__ = (UniqueConstraint("token_id", "operation", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"))
    operation: Mapped[str] = mapped_column(String(40))  # "orders.create", "withdrawals.create:<brand>"
    key: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical JSON body
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
