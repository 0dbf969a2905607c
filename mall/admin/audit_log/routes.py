"""The brand's audit log: who changed which rule, store, partner or attribution, when, from what to what;
and, on its second tab, who was shown customers' personal data."""
import json

from flask import Blueprint, render_template, request
from flask_babel import get_locale, get_timezone

from mall.admin.access import admin_brand_id
from mall.admin.audit_log.customer_labels import customer_labels
from mall.admin.audit_log.forms import AuditFilterForm
from mall.admin.audit_log.labels import ACTIONS, FIELDS, PAGES
from mall.admin.rules.forms import bp_to_percent
from mall.audit.personal_data import access_entries
from mall.audit.queries import audit_entries
from mall.extensions import db
from mall.money import format_fen
from mall.partner.days import day_range_utc

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 30
MAX_PAGE = 10_000


@bp.get("")
def index():
    brand_id = admin_brand_id()
    filters = AuditFilterForm(request.args)
    valid = filters.validate()
    query = {}
    if valid:
        start, end = day_range_utc(filters.start.data, filters.end.data, get_timezone())
        query = {"action": filters.known_action, "start": start, "end": end}
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    listing = db.paginate(audit_entries(brand_id, **query), page=page, per_page=PER_PAGE, error_out=False)
    args = {k: v for k, v in request.args.items() if k in ("action", "start", "end") and v} if valid else {}
    return render_template("admin/audit.html", entries=listing, filters=filters, args=args, labels=ACTIONS,
                           changes=_changes, show_brand=brand_id is None, tab="audit")


@bp.get("/access")
def access():
    brand_id = admin_brand_id()
    filters = AuditFilterForm(request.args)
    valid = filters.validate()
    start = end = None
    if valid:
        start, end = day_range_utc(filters.start.data, filters.end.data, get_timezone())
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    listing = db.paginate(access_entries(brand_id, start=start, end=end), page=page, per_page=PER_PAGE,
                          error_out=False)
    args = {k: v for k, v in request.args.items() if k in ("start", "end") and v} if valid else {}
    return render_template("admin/audit_access.html", entries=listing, filters=filters, args=args, pages=PAGES,
                           fields=FIELDS, customers=customer_labels(db.session, listing.items),
                           show_brand=brand_id is None, tab="audit")


def _changes(entry) -> list[tuple[str, str, str]]:
    """(field, before, after) rows of one entry; the log keeps JSON so old entries stay readable."""
    before, after = _load(entry.before), _load(entry.after)
    return [(key, _show(key, before.get(key)), _show(key, after.get(key)))
            for key in sorted(before.keys() | after.keys())]


def _load(text: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def _show(key: str, value) -> str:
    """Basis points as percentages and fen as yuan, the units the admin typed them in."""
    if value is None:
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        if key.endswith("_bp"):
            return f"{bp_to_percent(value)}%"
        if key.endswith("_fen"):
            return format_fen(value, str(get_locale()))
    return str(value)
