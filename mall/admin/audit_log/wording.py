"""An audit entry in the admin's words: what each field is called, its values as money, percentages, names
and states, and only the fields that changed (before -> after).

The log itself keeps codes and raw values (mall.audit), so old entries stay exact; this is how they read.
"""
import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from mall.admin.labels import admin_label
from mall.admin.rules.forms import PARTNER_RULE_LABELS
from mall.money import format_fen
from mall.partner.labels import percent

FIELDS = {
    "amount_fen": _l("Amount"), "status": _l("Status"), "reason": _l("Why"),
    "levels": _l("Commission levels"), "level1_bp": _l("Level 1 (sharer)"), "level2_bp": _l("Level 2 (inviter)"),
    "level3_bp": _l("Level 3"), "guide_bp": _l("Shop guide"), "store_bp": _l("Store"),
    "freeze_days": _l("Freeze after completion (days)"), "self_purchase": _l("Commission on own purchases"),
    "max_total_bp": _l("Commission cap"),
    "partner_rule": _l("Who may become a partner"), "partner_min_spend_fen": _l("Minimum spend to become a partner"),
    "binding_mode": _l("Binding mode"), "protection_days": _l("Binding protection (days)"),
    "window_days": _l("Attribution window (days)"), "auto_complete_days": _l("Auto-complete after shipping (days)"),
    "withdraw_min_fen": _l("Minimum withdrawal"), "withdraw_fee_bp": _l("Withdrawal fee"),
    "withdraw_daily_limit_fen": _l("Daily withdrawal limit"),
    "title": _l("Title"), "published": _l("On sale"), "promo_ends_at": _l("Promotion ends"),
    "name": _l("Name"), "address": _l("Address"), "phone": _l("Phone"), "active": _l("Open"),
    "role": _l("Role"), "store_id": _l("Store"), "sharer_id": _l("Sharer"), "guide_id": _l("Shop guide"),
    "channel": _l("Channel"), "excluded": _l("Excluded"), "shares": _l("Commission"),
    "state": _l("State"), "starts_at": _l("Starts"), "stream": _l("Stream"), "replay": _l("Replay"),
    "host_store_id": _l("Host store"), "host_user_id": _l("Host"), "cover": _l("Cover image"),
    "sku_id": _l("Option"), "live_price_fen": _l("Live price"), "item_id": _l("Shelf item"),
    "url": _l("Address"), "topics": _l("Events"), "topic": _l("Event"), "scopes": _l("Scopes"),
}
ROOM_STATES = {"scheduled": _l("Scheduled"), "live": _l("Live now"), "ended": _l("Ended")}
# Internal references an admin cannot act on: kept in the log, not shown.
HIDDEN = {"touch_id", "binding_id"}
ROLES = {"consumer": _l("Customer"), "partner": _l("Partner"), "guide": _l("Shop guide"),
         "store_manager": _l("Store manager"), "brand_admin": _l("Brand admin"), "platform_admin": _l("Platform admin")}
SKU_PREFIX = "sku:"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def changes(entry, names: dict[str, str]) -> list[Change]:
    """What this entry changed, in words; `names` holds 'partner:3' / 'store:2' -> display names."""
    before, after = _load(entry.before), _load(entry.after)
    _flatten_skus(before)
    _flatten_skus(after)
    kind = entry.action.split(".")[0]
    rows = []
    for key in _ordered(before.keys() | after.keys()):
        if key in HIDDEN or (key in before and key in after and before[key] == after[key]):
            continue  # only what changed
        rows.append(Change(_field(key), _value(key, before.get(key), kind, names),
                           _value(key, after.get(key), kind, names)))
    return rows


def references(entry) -> set[str]:
    """The 'partner:3' / 'store:2' names an entry's values point at (looked up once per page)."""
    found = set()
    for data in (_load(entry.before), _load(entry.after)):
        for key, ref in (("sharer_id", "partner"), ("guide_id", "partner"), ("store_id", "store"),
                         ("host_store_id", "store"), ("host_user_id", "user")):
            if isinstance(data.get(key), int):
                found.add(f"{ref}:{data[key]}")
        for share in data.get("shares") or ():
            if isinstance(share, dict):
                found |= {f"partner:{share['partner']}"} if share.get("partner") else set()
                found |= {f"store:{share['store']}"} if share.get("store") else set()
    return found


def _ordered(keys) -> list[str]:
    order = list(FIELDS)
    return sorted(keys, key=lambda key: (order.index(key) if key in order else len(order), key))


def _field(key: str) -> str:
    if key.startswith(SKU_PREFIX):
        return str(_l("Option %(name)s", name=key[len(SKU_PREFIX):]))
    return str(FIELDS.get(key, key))


def _value(key: str, value, kind: str, names: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    locale = str(get_locale())
    if key.startswith(SKU_PREFIX):
        return _sku(value, locale)
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, int):
        if key.endswith("_bp"):
            return percent(value)
        if key.endswith("_fen"):
            return format_fen(value, locale)
        if key in ("sharer_id", "guide_id"):
            return names.get(f"partner:{value}", f"#{value}")
        if key in ("store_id", "host_store_id"):
            return names.get(f"store:{value}", f"#{value}")
        if key == "host_user_id":
            return names.get(f"user:{value}", f"#{value}")
        return str(value)
    if key == "status":
        return admin_label(value, "withdrawal_status" if kind == "withdrawal" else "partner_status")
    if key == "role":
        return str(ROLES.get(value, value))
    if key in ("channel", "reason", "binding_mode"):
        return admin_label(value, key)
    if key == "partner_rule":
        return str(PARTNER_RULE_LABELS.get(value, value))
    if key == "excluded":
        return "; ".join(admin_label(code, "exclusion") for code in str(value).split(",") if code) or "—"
    if key == "state":
        return str(ROOM_STATES.get(value, value))
    if key in ("promo_ends_at", "starts_at"):
        try:
            return format_datetime(datetime.fromisoformat(value), "short")
        except (TypeError, ValueError):
            return str(value)
    if key == "topics" and isinstance(value, list):
        return ", ".join(str(topic) for topic in value) or "—"
    if key == "shares" and isinstance(value, list):
        return "; ".join(_share(share, names, locale) for share in value if isinstance(share, dict)) or "—"
    return str(value)


def _share(share: dict, names: dict[str, str], locale: str) -> str:
    who = names.get(f"partner:{share.get('partner')}") or names.get(f"store:{share.get('store')}") or ""
    return f"{admin_label(share.get('role'), 'role')} {who} {format_fen(share.get('amount_fen') or 0, locale)}".strip()


def _sku(value, locale: str) -> str:
    if not isinstance(value, dict):
        return str(value)
    parts = [format_fen(value["price_fen"], locale)] if isinstance(value.get("price_fen"), int) else []
    if isinstance(value.get("promo_price_fen"), int):
        parts.append(str(_l("promotion %(price)s", price=format_fen(value["promo_price_fen"], locale))))
    if isinstance(value.get("list_price_fen"), int):
        parts.append(str(_l("was %(price)s", price=format_fen(value["list_price_fen"], locale))))
    if isinstance(value.get("stock"), int):
        parts.append(str(_l("%(num)d in stock", num=value["stock"])))
    return " · ".join(parts)


def _flatten_skus(data: dict) -> None:
    """A product's SKU list becomes one field per option, so an edit shows only the options it touched."""
    skus = data.pop("skus", None)
    for sku in skus if isinstance(skus, list) else ():
        if isinstance(sku, dict) and sku.get("name"):
            data[f"{SKU_PREFIX}{sku['name']}"] = {k: v for k, v in sku.items() if k != "name"}


def _load(text: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {"value": value}
