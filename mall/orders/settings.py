"""A brand's order rules: how long after shipping an order completes by itself; reading them (with defaults),
checking a change and saving it, audited. Callers commit.

Completion starts the commission freeze (mall.commission.settlement), so a change also moves when partners
are paid for orders still under way; orders already completed keep their completion time.
"""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from mall.brand_settings import SettingsError, SettingsRow
from mall.clock import utcnow
from mall.extensions import db

INT_FIELDS = ("auto_complete_days",)
EDITABLE = INT_FIELDS


class OrderSettings(db.Model):
    """One brand's order rules."""

    __tablename__ = "order_settings"

    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), primary_key=True)
    auto_complete_days: Mapped[int] = mapped_column(Integer, default=10)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OrderSettingsError(SettingsError):
    """Refused order rules; their codes are the common ones (not a number, negative, not a setting here)."""


ROW = SettingsRow(OrderSettings, EDITABLE, INT_FIELDS, OrderSettingsError, "order.settings")


def order_settings_for(session, brand_id: int) -> OrderSettings:
    """The brand's order rules, created with the defaults on first use."""
    return ROW.read(session, brand_id)


def check_order_settings(session, brand_id: int, changes: dict) -> OrderSettingsError | None:
    """Why these changes would be refused, or None; writes nothing."""
    return ROW.check(session, brand_id, changes)


def save_order_settings(session, brand_id: int, changes: dict, *, actor_id: int | None,
                        now: datetime) -> OrderSettings:
    """Validate and apply changes, audited when something changed; raises OrderSettingsError."""
    return ROW.save(session, brand_id, changes, actor_id=actor_id, now=now)
