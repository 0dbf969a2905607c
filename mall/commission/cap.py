"""A brand's commission cap: the most its ratios may add up to, set by the platform admin, never above the ceiling.

Brand admins set ratios under the cap (mall.commission.settings checks every rule, product override, CSV row
and preview against it) but cannot move it. The platform admin raises or lowers it here, audited.

Lowering it below what the brand pays today is refused, naming the brand's ratios or the products that stand
above it. Keeping them and refusing only new changes would let every new order keep paying more than the cap,
which is the very thing the cap exists to stop; scaling them down silently would change partners' pay without
the brand deciding it. So the operator first lowers those ratios (a platform admin may open any brand's rules
and products), or asks the brand to, and then the cap: no order is ever planned above the cap in force.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l

from mall.audit.service import record
from mall.commission.models import CAP_CEILING_BP, DEFAULT_CAP_BP, CommissionSettings
from mall.commission.rules import ROLES
from mall.commission.settings import (
    limit_context,
    locked_settings,
    message,
    percent_text,
    product_names,
    products_over,
    total_bp,
)

__all__ = ["CAP_CEILING_BP", "DEFAULT_CAP_BP", "CapError", "set_commission_cap"]

MESSAGES = {
    "cap_out_of_range": _l("The cap must be between %(floor)s and %(ceiling)s, the legal ceiling for distribution."),
    "cap_below_brand": _l("The brand's ratios add up to %(total)s, more than %(cap)s: lower them on its rules page "
                          "first."),
    "cap_below_products": _l("These products' own ratios add up to more than %(cap)s: %(products)s. Lower them "
                             "first."),
}


class CapError(Exception):
    """The cap was refused; `codes` say why and `context` holds what the messages name."""

    def __init__(self, codes: list[str], context: dict):
        super().__init__(", ".join(codes))
        self.codes, self.context = codes, context

    @property
    def messages(self) -> list[str]:
        return [message(code, self.context, MESSAGES, set(MESSAGES)) for code in self.codes]


def set_commission_cap(session, brand_id: int, cap_bp: int, *, actor_id: int | None,
                       now: datetime) -> CommissionSettings:
    """Set the brand's cap (basis points), audited; raises CapError. The caller commits."""
    # Every message here is %-formatted, so a literal percent sign travels as a value ("0%"), never in the text.
    context = {"floor": percent_text(0), "ceiling": percent_text(CAP_CEILING_BP), "cap": percent_text(max(cap_bp, 0))}
    if not 0 <= cap_bp <= CAP_CEILING_BP:
        raise CapError(["cap_out_of_range"], context)
    settings = locked_settings(session, brand_id)
    before = settings.max_total_bp
    if cap_bp < before:
        codes = _blockers(session, settings, cap_bp, context)
        if codes:
            raise CapError(codes, context)
    if cap_bp != before:
        settings.max_total_bp = cap_bp
        settings.updated_at = now
        record(session, action="commission.cap", brand_id=brand_id, actor_id=actor_id, now=now,
               subject=f"brand:{brand_id}", before={"max_total_bp": before}, after={"max_total_bp": cap_bp})
    return settings


def _blockers(session, settings: CommissionSettings, cap_bp: int, context: dict) -> list[str]:
    """Why the cap cannot go this low: the brand's own ratios, or products' own ratios, above it."""
    bps = {role: getattr(settings, f"{role}_bp") for role in ROLES}
    codes = []
    if total_bp(bps, settings.levels) > cap_bp:
        codes.append("cap_below_brand")
        context.update(total=limit_context(bps, settings.levels, cap_bp)["total"])
    over = products_over(session, settings.brand_id, bps, settings.levels, cap_bp)
    if over:
        codes.append("cap_below_products")
        context.update(products=product_names(over))
    return codes
