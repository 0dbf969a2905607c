"""What a visit through a partner's code must know before it writes: the partner as the binding rule sees them,
their brand and that brand's binding rule, in one query.

A share link is opened by hundreds of phones a minute; asking for the partner, then their user, then the brand's
settings was three queries (and a settings row created on first use) per visit. The values are plain facts, so
the pages may remember them per process for PAGE_FRESHNESS_SECONDS (mall.referral.routes).
"""
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from mall.accounts.models import User
from mall.referral.attribution import BindingRule, PartnerFact
from mall.referral.facts import partner_fact_from_row
from mall.referral.models import Partner
from mall.referral.settings import ReferralSettings


@dataclass(frozen=True)
class Link:
    """A partner's code as a visit uses it."""

    code: str
    brand_id: int
    partner: PartnerFact
    rule: BindingRule
    rule_saved: bool  # False: the brand has no settings row yet, and `rule` holds the defaults


def _default(column) -> object:
    return column.default.arg


# A brand that never saved its settings binds under the model's defaults; the visit creates no row for them.
_SETTINGS = ReferralSettings.__table__.c
_QUERY = (select(Partner.id, Partner.code, Partner.user_id, Partner.brand_id, Partner.status, Partner.inviter_id,
                 User.role, User.brand_id.label("user_brand_id"), User.store_id,
                 _SETTINGS.brand_id.label("settings_brand_id"),
                 func.coalesce(_SETTINGS.binding_mode, _default(_SETTINGS.binding_mode)).label("binding_mode"),
                 func.coalesce(_SETTINGS.protection_days, _default(_SETTINGS.protection_days)).label("protection_days"),
                 func.coalesce(_SETTINGS.window_days, _default(_SETTINGS.window_days)).label("window_days"))
          .join(User, User.id == Partner.user_id)
          .outerjoin(ReferralSettings, ReferralSettings.brand_id == Partner.brand_id))
_BY_CODE = _QUERY.where(Partner.code == bindparam("code"))
_OF_USER = _QUERY.where(Partner.user_id == bindparam("user_id")).order_by(Partner.brand_id)


def link_by_code(session, code: str) -> Link | None:
    """The partner (of any brand and status) behind a normalised referral code, with their brand's rule."""
    row = session.execute(_BY_CODE, {"code": code}).first()
    return _link(row) if row is not None else None


def links_of_user(session, user_id: int) -> list[Link]:
    """Every partner row of one user (a storefront's owner shows several brands), each with its brand's rule."""
    return [_link(row) for row in session.execute(_OF_USER, {"user_id": user_id})]


def _link(row) -> Link:
    rule = BindingRule(mode=row.binding_mode, protection_days=row.protection_days, window_days=row.window_days)
    return Link(code=row.code, brand_id=row.brand_id, partner=partner_fact_from_row(row), rule=rule,
                rule_saved=row.settings_brand_id is not None)
