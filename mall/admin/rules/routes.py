"""The brand's commission rules page: every setting, a live preview of an example order, save (audited).

Rules are checked by mall.commission.settings.save_settings and the preview is the pure split the checkout
uses; this module only converts the form and shows the result. Changes apply to new orders only, because
each order keeps the shares planned when it was created.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall.admin.acting_brand import acting_brand_id, choose_brand_page
from mall.admin.rules.forms import EXAMPLE_FEN, RulesForm
from mall.admin.rules.preview import preview
from mall.clock import utcnow
from mall.commission.settings import (
    SettingsError,
    cap_in_force,
    percent_text,
    save_settings,
    settings_for,
    snapshot,
)
from mall.extensions import db

bp = Blueprint("rules", __name__, url_prefix="/rules")


@bp.get("")
def page():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.rules.page", "rules")
    settings = settings_for(db.session, brand_id)
    db.session.commit()  # the defaults, created on first use
    return _page(brand_id, RulesForm.from_settings(settings))


@bp.post("")
def save():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.rules.page", "rules")
    form = RulesForm()
    if not form.validate():
        return _page(brand_id, form, status=422)
    if "preview" in request.form:  # the no-JS way to see the preview: nothing is saved
        return _page(brand_id, form, proposed=_preview(brand_id, form.changes()))
    try:
        save_settings(db.session, brand_id, form.changes(), actor_id=current_user.id, now=utcnow())
    except SettingsError as err:
        general = form.show_problems(err.messages)
        return _page(brand_id, form, proposed=_preview(brand_id, form.changes()), general=general, status=422)
    flash(_("Commission rules saved. They apply to new orders; existing orders keep their rules."), "success")
    return redirect(url_for("admin.rules.page", **_brand_arg(brand_id)), code=303)


@bp.post("/preview")
def preview_fragment():
    """htmx asks on every change; the fragment shows the example order or why the rules cannot be saved."""
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.rules.page", "rules")
    form = RulesForm()
    valid = form.validate()
    proposed = _preview(brand_id, form.changes()) if valid else None
    if not request.headers.get("HX-Request"):
        return _page(brand_id, form, proposed=proposed, status=200 if valid else 422)
    return render_template("admin/_rules_preview.html", proposed=proposed, form=form, invalid=not valid)


def _preview(brand_id: int, values: dict):
    """The example order under these rules, checked against the brand's cap (which the form does not carry)."""
    return preview({**values, "max_total_bp": settings_for(db.session, brand_id).max_total_bp}, EXAMPLE_FEN)


def _page(brand_id: int, form: RulesForm, *, proposed=None, general=(), status=200):
    settings = settings_for(db.session, brand_id)
    current = _preview(brand_id, snapshot(settings))
    return render_template("admin/rules.html", form=form, current=current, proposed=proposed, general=general,
                           cap=percent_text(cap_in_force(settings.max_total_bp)), brand_id=brand_id,
                           brand_arg=_brand_arg(brand_id), tab="rules"), status


def _brand_arg(brand_id: int) -> dict:
    """A platform admin's choice of brand travels in the query string; a brand admin needs none."""
    return {"brand": brand_id} if request.args.get("brand") else {}
