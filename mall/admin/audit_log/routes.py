"""The brand's audit log: who changed which rule, store, partner or attribution, when, from what to what;
and, on its second tab, who was shown customers' personal data."""
from flask import Blueprint, render_template, request
from flask_babel import get_timezone

from mall.admin.access import admin_brand_id
from mall.admin.audit_log.customer_labels import customer_labels
from mall.admin.audit_log.forms import AuditFilterForm
from mall.admin.audit_log.labels import ACTIONS, FIELDS, PAGES
from mall.admin.audit_log.subjects import subjects
from mall.admin.audit_log.wording import changes, references
from mall.audit.personal_data import access_entries
from mall.audit.queries import audit_entries
from mall.extensions import db
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
    refs = {entry.subject for entry in listing.items} | {ref for entry in listing.items for ref in references(entry)}
    found = subjects(db.session, refs, brand_id)
    names = {ref: subject.text for ref, subject in found.items()}
    return render_template("admin/audit.html", entries=listing, filters=filters, args=args, labels=ACTIONS,
                           changes=lambda entry: changes(entry, names), subjects=found,
                           show_brand=brand_id is None, tab="audit")


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
