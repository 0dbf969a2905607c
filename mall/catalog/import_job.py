"""A product CSV import running in the background: the file, its progress and its outcome, in the database.

The file lives in the row (not on a host's disk) because the app is stateless: the web host that received it
and the host whose `flask mall run-imports` picks it up need not be the same.
"""
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mall.clock import utcnow
from mall.extensions import db


class ImportJob(db.Model):
    __tablename__ = "product_import_jobs"
    __table_args__ = (Index("ix_product_import_jobs_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued | running | done | failed
    apply_valid: Mapped[bool] = mapped_column(Boolean, default=False)
    # The admin's language: the job runs on another host later, and its row errors are written in this one.
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    content: Mapped[str] = mapped_column(Text)  # the uploaded CSV, decoded as UTF-8
    done_steps: Mapped[int] = mapped_column(Integer, default=0)
    total_steps: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(Text, default="")  # JSON of the ImportResult once finished
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def percent(self) -> int:
        if self.status in ("done", "failed"):
            return 100
        return min(99, 100 * self.done_steps // self.total_steps) if self.total_steps else 0
