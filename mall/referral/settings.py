"""A brand's referral rules: how a shared link binds a customer (mode, protection, window) and who may become
a partner; reading them (with defaults), checking a change and saving it, audited. Callers commit.

Becoming a partner never costs money (禁止传销条例): the only rules a brand may choose are PARTNER_RULES.
A change applies from then on: bindings already made keep the expiry they were given.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mall.brand_settings import MESSAGES as COMMON_MESSAGES
from mall.brand_settings import SettingsError, SettingsRow
from mall.clock import utcnow
from mall.extensions import db
from mall.referral.attribution import BINDING_MODES, FIRST_TOUCH, BindingRule

PARTNER_RULES = ("everyone", "approval", "spend")
INT_FIELDS = ("partner_min_spend_fen", "protection_days", "window_days")
EDITABLE = (*INT_FIELDS, "partner_rule", "binding_mode")


class ReferralSettings(db.Model):
    """One brand's binding and partner-enrolment rules."""

    __tablename__ = "referral_settings"

    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), primary_key=True)
    partner_rule: Mapped[str] = mapped_column(String(12), default="everyone")  # one of PARTNER_RULES
    partner_min_spend_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # with partner_rule "spend"
    binding_mode: Mapped[str] = mapped_column(String(16), default=FIRST_TOUCH)  # one of BINDING_MODES
    protection_days: Mapped[int] = mapped_column(Integer, default=30)
    window_days: Mapped[int] = mapped_column(Integer, default=7)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReferralSettingsError(SettingsError):
    MESSAGES = {
        **COMMON_MESSAGES,
        "unknown_binding_mode": _l("Unknown binding mode."),
        "unknown_partner_rule": _l("Unknown rule for becoming a partner."),
    }


def _checks(values: dict) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if values.get("binding_mode") not in BINDING_MODES:
        problems["binding_mode"] = ["unknown_binding_mode"]
    if values.get("partner_rule") not in PARTNER_RULES:
        problems["partner_rule"] = ["unknown_partner_rule"]
    return problems


ROW = SettingsRow(ReferralSettings, EDITABLE, INT_FIELDS, ReferralSettingsError, "partner.settings", _checks)


def referral_settings_for(session, brand_id: int) -> ReferralSettings:
    """The brand's referral rules, created with the defaults on first use."""
    return ROW.read(session, brand_id)


def binding_rule(settings: ReferralSettings) -> BindingRule:
    return BindingRule(mode=settings.binding_mode, protection_days=settings.protection_days,
                       window_days=settings.window_days)


def check_referral_settings(session, brand_id: int, changes: dict) -> ReferralSettingsError | None:
    """Why these changes would be refused, or None; writes nothing."""
    return ROW.check(session, brand_id, changes)


def save_referral_settings(session, brand_id: int, changes: dict, *, actor_id: int | None,
                           now: datetime) -> ReferralSettings:
    """Validate and apply changes, audited when something changed; raises ReferralSettingsError."""
    return ROW.save(session, brand_id, changes, actor_id=actor_id, now=now)
