"""The brand admin's partner pages: the partner list (approve / disable / enable), one partner's upline
and downline, and a customer lookup that answers "why is this customer bound to X".

The rules live in mall.referral.service; every change is audited there. brand_id is always passed, so
another brand's partner is simply not found (404).
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall import unit_of_work
from mall.admin.access import admin_brand_id
from mall.admin.partners.customers import customer_trail
from mall.admin.partners.forms import CustomerLookupForm, PartnerFilterForm
from mall.admin.partners.network import downline, invitee_counts, partner_of_brand, partners_of_brand, upline
from mall.admin.personal_data import log_shown, people_fields
from mall.clock import utcnow
from mall.commission.balances import balances
from mall.extensions import db
from mall.referral.members import may_sign_out
from mall.referral.service import PartnerError, approve_partner, disable_partner, enable_partner

bp = Blueprint("partners", __name__)
PER_PAGE = 20
MAX_PAGE = 10_000


@bp.get("/partners")
def index():
    brand_id = admin_brand_id()
    filters = PartnerFilterForm(request.args)
    listing = db.paginate(partners_of_brand(brand_id, filters.status.data), page=_page_number(), per_page=PER_PAGE,
                          error_out=False)
    html = render_template("admin/partners.html", partners=listing, filters=filters, args=_list_args(),
                           invitees=invitee_counts(db.session, [p.id for p in listing.items]),
                           lookup=CustomerLookupForm(formdata=None), show_brand=brand_id is None, tab="partners")
    people = [p.user for p in listing.items]
    log_shown("partners", brand_id=brand_id, fields=people_fields(people), users=[u.id for u in people],
              subject=f"page {listing.page}")
    return html


@bp.get("/partners/<int:partner_id>")
def show(partner_id: int):
    partner = _partner_or_404(partner_id)
    level1, level2 = downline(db.session, partner)
    money = balances(db.session, brand_id=partner.brand_id, owner_kind="partner", owner_id=partner.id)
    html = render_template("admin/partner.html", partner=partner, chain=upline(partner), level1=level1,
                           level2=level2, balances=money, tab="partners",
                           can_sign_out=may_sign_out(db.session, admin_brand_id(), partner.user))
    log_shown("partner", brand_id=partner.brand_id, fields=["name", "phone"] if partner.user.phone else ["name"],
              users=[partner.user_id], subject=partner.code)
    return html


@bp.post("/partners/<int:partner_id>/approve")
def approve(partner_id: int):
    return _change(partner_id, approve_partner, _("Partner approved."))


@bp.post("/partners/<int:partner_id>/disable")
def disable(partner_id: int):
    return _change(partner_id, disable_partner, _("Partner disabled: new orders earn them no commission."))


@bp.post("/partners/<int:partner_id>/enable")
def enable(partner_id: int):
    return _change(partner_id, enable_partner, _("Partner enabled again."))


@bp.get("/customers")
def customer():
    brand_id = admin_brand_id()
    form = CustomerLookupForm(request.args)
    searched = "phone" in request.args
    trail = None
    if searched and form.validate():
        trail = customer_trail(db.session, phone=form.normal_phone, brand_id=brand_id)
    html = render_template("admin/customer.html", form=form, searched=searched and not form.errors, trail=trail,
                           now=utcnow(), show_brand=brand_id is None, tab="customers")
    if trail is not None:  # the number the admin typed is not logged: the log must not become a phone book
        log_shown("customer", brand_id=brand_id, fields=["name", "phone"], users=[trail.user.id])
    return html


def _change(partner_id: int, action, done: str):
    brand_id = admin_brand_id()
    partner = _partner_or_404(partner_id)
    try:
        action(db.session, partner.id, by_user_id=current_user.id, now=utcnow(), brand_id=brand_id)
    except PartnerError as err:
        unit_of_work.rollback()  # a redirect follows, which would commit
        flash(str(err.message), "error")
    else:
        flash(done, "success")
    if request.args.get("back") == "partner":
        return redirect(url_for("admin.partners.show", partner_id=partner_id), code=303)
    return redirect(url_for("admin.partners.index", **_list_args()), code=303)


def _partner_or_404(partner_id: int):
    return partner_of_brand(db.session, partner_id, admin_brand_id()) or abort(404)


def _page_number() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def _list_args() -> dict:
    args = {}
    if request.args.get("status") in ("pending", "active", "disabled"):
        args["status"] = request.args["status"]
    if _page_number() > 1:
        args["page"] = _page_number()
    return args
