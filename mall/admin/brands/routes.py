"""The platform admin's brand pages: every brand with its commission cap, and the form that changes a cap.

Only platform admins open them (403 for brand admins, who may set ratios under their cap but never move it):
the whole blueprint says so, once, with require_platform_admin.
The rule lives in mall.commission.cap; this module converts the form, commits and shows the result.
"""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mall import unit_of_work
from mall.admin.access import require_platform_admin
from mall.admin.brands.forms import CapForm
from mall.admin.rules.forms import bp_to_percent
from mall.catalog.models import Brand
from mall.clock import utcnow
from mall.commission.cap import CAP_CEILING_BP, DEFAULT_CAP_BP, CapError, set_commission_cap
from mall.commission.models import CommissionSettings
from mall.commission.settings import percent_text, settings_for
from mall.extensions import db

bp = Blueprint("brands", __name__, url_prefix="/brands")
bp.before_request(require_platform_admin)  # after the admin blueprint's own check, which admits brand admins


@bp.get("")
def index():
    rows = db.session.execute(select(Brand, CommissionSettings.max_total_bp)
                              .outerjoin(CommissionSettings, CommissionSettings.brand_id == Brand.id)
                              .order_by(Brand.id)).all()
    caps = [(brand, percent_text(DEFAULT_CAP_BP if cap is None else cap)) for brand, cap in rows]
    return render_template("admin/brands.html", caps=caps, ceiling=percent_text(CAP_CEILING_BP), tab="brands")


@bp.get("/<int:brand_id>/commission-cap")
def cap(brand_id: int):
    brand = _brand_or_404(brand_id)
    form = CapForm(formdata=None, data={"cap": bp_to_percent(settings_for(db.session, brand.id).max_total_bp)})
    return _page(brand, form)


@bp.post("/<int:brand_id>/commission-cap")
def save_cap(brand_id: int):
    brand = _brand_or_404(brand_id)
    form = CapForm()
    if not form.validate():
        return _page(brand, form, status=422)
    try:
        set_commission_cap(db.session, brand.id, form.cap_bp(), actor_id=current_user.id, now=utcnow())
    except CapError as err:
        unit_of_work.rollback()  # the page is shown again: without what the failed call did
        form.cap.errors = err.messages
        return _page(brand, form, status=422)
    flash(_("The commission cap of %(brand)s is now %(cap)s: its ratios must stay under it.",
            brand=brand.name, cap=percent_text(form.cap_bp())), "success")
    return redirect(url_for("admin.brands.index"), code=303)


def _page(brand: Brand, form: CapForm, status: int = 200):
    return render_template("admin/brand_cap.html", brand=brand, form=form, ceiling=percent_text(CAP_CEILING_BP),
                           tab="brands"), status


def _brand_or_404(brand_id: int) -> Brand:
    return db.session.get(Brand, brand_id) or abort(404)
