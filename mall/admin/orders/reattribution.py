"""An admin's re-attribution as typed on the order page: codes and a store turned into the credit to apply.

The rules (upline chain, disabled partners, self purchase, only while unsettled, the audit entry) live
in mall.commission.plan; this only finds the partners behind the codes, within the order's brand.
"""
from flask_babel import lazy_gettext as _l

from mall.commission.models import OrderAttribution
from mall.commission.plan import ReattributionError, manual_credit
from mall.orders.models import Order
from mall.referral.attribution import Credit
from mall.referral.models import Partner
from mall.referral.service import partner_by_code


def credit_from_codes(session, order: Order, *, sharer_code: str | None, guide_code: str | None,
                      store_id: int | None) -> Credit:
    """The credit the admin asked for; raises ReattributionError for a code of no partner of this brand."""
    sharer = _partner(session, order, sharer_code)
    guide = _partner(session, order, guide_code)
    return manual_credit(session, order, sharer_id=sharer.id if sharer else None,
                         guide_id=guide.id if guide else None, store_id=store_id)


def _partner(session, order: Order, code: str | None) -> Partner | None:
    if not code:
        return None
    partner = partner_by_code(session, code)
    # Another brand's code reads as unknown: the admin learns nothing about other brands' partners.
    if partner is None or partner.brand_id != order.brand_id:
        raise ReattributionError(_l("No partner of this brand has the code %(code)s.", code=code.upper()))
    return partner


def current_credit_fields(session, order: Order) -> dict:
    """The form's starting values: who the order credits now, so typing only a new sharer keeps the guide
    and store (an empty field credits nobody, silently sending their commission back to the brand)."""
    attribution = session.get(OrderAttribution, order.id)
    if attribution is None:
        return {}
    codes = {pid: session.get(Partner, pid).code for pid in (attribution.sharer_id, attribution.guide_id) if pid}
    return {"sharer_code": codes.get(attribution.sharer_id, ""), "guide_code": codes.get(attribution.guide_id, ""),
            "store": str(attribution.store_id) if attribution.store_id else ""}
