"""Words for the codes stored with shares and attributions, so partners read *why* they were credited."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l

SHARE_STATUSES = {
    "planned": _l("Awaiting payment"),
    "pending": _l("Pending"),
    "available": _l("Available"),
    "void": _l("Void"),
    "replaced": _l("Re-attributed"),  # the brand moved the order to someone else; taken back in full
    "reversed": _l("Reversed"),  # a filter, not a stored status: shares with a reversal
}

ROLES = {
    "level1": _l("Level 1 (sharer)"),
    "level2": _l("Level 2 (inviter)"),
    "level3": _l("Level 3"),
    "guide": _l("Shop guide"),
    "store": _l("Store"),
}

REASONS = {
    "bound_sharer": _l("Customer bound to the sharer"),
    "last_touch": _l("Last shared link opened"),
    "store_code": _l("Store code scanned"),
    "manual": _l("Re-attributed by the brand"),
    "no_sharer": _l("No sharer"),
}

CHANNELS = {
    "link": _l("Shared link"),
    "storefront": _l("Storefront"),
    "store_code": _l("Store code"),
    "live": _l("Live room"),
    "binding": _l("Binding"),
    "direct": _l("Direct"),
}

BINDING_MODES = {
    "first_touch": _l("First touch locks"),
    "last_touch": _l("Last touch wins"),
    "at_registration": _l("Bind at registration"),
}

WITHDRAWAL_STATUSES = {
    "requested": _l("Requested"),
    "approved": _l("Approved"),
    "paid": _l("Paid out"),
    "rejected": _l("Rejected"),
    "failed": _l("Payout failed"),
}

TABLES = {"share_status": SHARE_STATUSES, "role": ROLES, "reason": REASONS, "channel": CHANNELS,
          "binding_mode": BINDING_MODES, "withdrawal_status": WITHDRAWAL_STATUSES}


def label(code: str | None, table: str) -> str:
    """The translated word for a stored code; an unknown code is shown as it is rather than hidden."""
    if not code:
        return ""
    return str(TABLES[table].get(code, code))


def percent(bp: int) -> str:
    """Basis points as a percentage without trailing zeros: 1000 -> '10%', 250 -> '2.5%'."""
    value = (Decimal(bp) / 100).normalize()
    return f"{value:f}%"
