"""The brand's commission rules page: every setting, a live preview of an example order, save (audited).

Rules are checked by each domain's settings module (commission, referral, orders, withdrawals), which this page
hands its part of the one form; the preview is the pure split the checkout uses. This module only converts the
form, shows the result and makes the save all or nothing. Changes apply to new orders only, because each order
keeps the shares planned when it was created.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall import unit_of_work
from mall.admin.acting_brand import acting_brand_id, choose_brand_page
from mall.admin.rules.forms import EXAMPLE_FEN, RulesForm
from mall.admin.rules.preview import preview
from mall.brand_settings import SettingsError
from mall.brand_settings import snapshot as values_of
from mall.clock import utcnow
from mall.commission.settings import (
    cap_in_force,
    check_settings,
    percent_text,
    save_settings,
    settings_for,
    snapshot,
)
from mall.commission.withdrawal_settings import EDITABLE as WITHDRAWAL_FIELDS
from mall.commission.withdrawal_settings import (
    check_withdrawal_settings,
    save_withdrawal_settings,
    withdrawal_settings_for,
)
from mall.extensions import db
from mall.orders.settings import EDITABLE as ORDER_FIELDS
from mall.orders.settings import check_order_settings, order_settings_for, save_order_settings
from mall.referral.settings import EDITABLE as REFERRAL_FIELDS
from mall.referral.settings import check_referral_settings, referral_settings_for, save_referral_settings

bp = Blueprint("rules", __name__, url_prefix="/rules")

# Each domain checks and saves its own part of the form; commission takes whatever the others do not claim, so
# a field no domain knows is refused by name. Commission saves last because its save commits, for all four in
# one transaction, as long as the domain services still commit themselves; the page commits too.
DOMAINS = (
    (REFERRAL_FIELDS, check_referral_settings, save_referral_settings),
    (ORDER_FIELDS, check_order_settings, save_order_settings),
    (WITHDRAWAL_FIELDS, check_withdrawal_settings, save_withdrawal_settings),
    (None, check_settings, save_settings),
)
CLAIMED = {*REFERRAL_FIELDS, *ORDER_FIELDS, *WITHDRAWAL_FIELDS}


@bp.get("")
def page():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.rules.page", "rules")
    settings = _settings(brand_id)  # the defaults, created on first use, commit with the page
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
    refusals = _save_all(brand_id, form.changes())
    if refusals:
        general = form.show_problems(_messages(refusals))
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


def _settings(brand_id: int) -> dict:
    """Every domain's settings of the brand in one dict, by the names the form's changes() uses."""
    return {**snapshot(settings_for(db.session, brand_id)),
            **values_of(referral_settings_for(db.session, brand_id), REFERRAL_FIELDS),
            **values_of(order_settings_for(db.session, brand_id), ORDER_FIELDS),
            **values_of(withdrawal_settings_for(db.session, brand_id), WITHDRAWAL_FIELDS)}


def _save_all(brand_id: int, changes: dict) -> list[SettingsError]:
    """Save every domain's part, or none: all are asked first, so every refusal shows at once; [] when saved."""
    parts = [(_part(changes, fields), check, save_part) for fields, check, save_part in DOMAINS]
    refusals = [refused for part, check, _ in parts if (refused := check(db.session, brand_id, part)) is not None]
    if refusals:
        unit_of_work.rollback()  # only defaults made on first use were written
        return refusals
    now = utcnow()
    try:
        for part, _, save_part in parts:
            save_part(db.session, brand_id, part, actor_id=current_user.id, now=now)
    except SettingsError as refused:  # the cap moved since the check: commission checks again under its lock
        unit_of_work.rollback()
        return [refused]
    return []  # the redirect that follows commits


def _part(changes: dict, fields: tuple[str, ...] | None) -> dict:
    if fields is None:  # commission's: everything no other domain claims
        return {k: v for k, v in changes.items() if k not in CLAIMED}
    return {k: v for k, v in changes.items() if k in fields}


def _messages(refusals: list[SettingsError]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for refused in refusals:
        for field, texts in refused.messages.items():
            merged.setdefault(field, []).extend(texts)
    return merged


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
