"""A brand's withdrawal rules: the smallest withdrawal, the fee and the daily limit; reading them (with
defaults), checking a change and saving it, audited. Callers commit.

They sit beside mall.commission.withdrawals, the one place that applies them. A change applies to requests
made from then on: a withdrawal already requested keeps the fee it was asked with.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from mall.brand_settings import MESSAGES as COMMON_MESSAGES
from mall.brand_settings import SettingsError, SettingsRow
from mall.clock import utcnow
from mall.commission.settings import BP_PER_UNIT
from mall.extensions import db

INT_FIELDS = ("withdraw_min_fen", "withdraw_fee_bp", "withdraw_daily_limit_fen")
EDITABLE = INT_FIELDS


class WithdrawalSettings(db.Model):
    """One brand's withdrawal rules."""

    __tablename__ = "withdrawal_settings"

    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), primary_key=True)
    withdraw_min_fen: Mapped[int] = mapped_column(BigInteger, default=1000)
    withdraw_fee_bp: Mapped[int] = mapped_column(Integer, default=0)
    withdraw_daily_limit_fen: Mapped[int] = mapped_column(BigInteger, default=500000)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WithdrawalSettingsError(SettingsError):
    MESSAGES = {**COMMON_MESSAGES, "fee_too_high": _l("The withdrawal fee must be below 100%.")}


def _checks(values: dict) -> dict[str, list[str]]:
    # A fee of 100% would pay the partner nothing (and the withdrawals table refuses fee_fen >= amount_fen).
    fee = values.get("withdraw_fee_bp")
    if isinstance(fee, int) and fee >= BP_PER_UNIT:
        return {"withdraw_fee_bp": ["fee_too_high"]}
    return {}


ROW = SettingsRow(WithdrawalSettings, EDITABLE, INT_FIELDS, WithdrawalSettingsError, "withdrawal.settings", _checks)


def withdrawal_settings_for(session, brand_id: int) -> WithdrawalSettings:
    """The brand's withdrawal rules, created with the defaults on first use."""
    return ROW.read(session, brand_id)


def check_withdrawal_settings(session, brand_id: int, changes: dict) -> WithdrawalSettingsError | None:
    """Why these changes would be refused, or None; writes nothing."""
    return ROW.check(session, brand_id, changes)


def save_withdrawal_settings(session, brand_id: int, changes: dict, *, actor_id: int | None,
                             now: datetime) -> WithdrawalSettings:
    """Validate and apply changes, audited when something changed; raises WithdrawalSettingsError."""
    return ROW.save(session, brand_id, changes, actor_id=actor_id, now=now)
