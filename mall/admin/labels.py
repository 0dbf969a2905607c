"""Words for the codes only the brand admin's pages show: exclusions, partner states, binding kinds and reasons.

Everything a partner sees too (roles, share statuses, channels...) stays in mall.partner.labels;
`admin_label` falls back to it, so one code has one word everywhere.
"""
from flask_babel import lazy_gettext as _l

from mall.partner.labels import TABLES as PARTNER_TABLES

EXCLUSIONS = {
    "self_purchase": _l("Sharer bought for themselves (self-purchase commission is off)"),
    "level1_disabled": _l("Level 1 partner disabled"),
    "level2_disabled": _l("Level 2 partner disabled"),
    "level3_disabled": _l("Level 3 partner disabled"),
    "guide_disabled": _l("Shop guide disabled"),
    "guide_self_purchase": _l("Shop guide bought for themselves"),
}

# The attribution reason an admin's re-attribution writes; the others are in mall.partner.labels.
REASONS = {"manual": _l("Re-attributed by the brand")}

PARTNER_STATUSES = {
    "pending": _l("Awaiting approval"),
    "active": _l("Active"),
    "disabled": _l("Disabled"),
}

BINDING_KINDS = {"sharer": _l("Sharer"), "guide": _l("Shop guide")}

BINDING_REASONS = {
    "first_touch": _l("First shared link opened"),
    "last_touch": _l("A later shared link took over"),
    "expired_rebind": _l("Earlier binding had expired"),
    "registration": _l("Bound at registration"),
}

TABLES = {"exclusion": EXCLUSIONS, "reason": REASONS, "partner_status": PARTNER_STATUSES,
          "binding_kind": BINDING_KINDS, "binding_reason": BINDING_REASONS}


def admin_label(code: str | None, table: str) -> str:
    """The translated word for a stored code; an unknown code is shown as it is rather than hidden."""
    if not code:
        return ""
    found = TABLES.get(table, {}).get(code) or PARTNER_TABLES.get(table, {}).get(code)
    return str(found) if found is not None else code
