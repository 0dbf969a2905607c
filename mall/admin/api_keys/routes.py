"""The API keys page: a brand's keys for its CRM or data platform, created with scopes, shown once, revoked."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall.accounts.api_tokens import BRAND, TokenError, active_tokens, create_token, revoke_token
from mall.admin.access import admin_brand_id
from mall.admin.webhooks.forms import ApiKeyForm
from mall.clock import utcnow
from mall.extensions import db

bp = Blueprint("api_keys", __name__, url_prefix="/api-keys")


@bp.get("")
def index():
    return _page(ApiKeyForm(formdata=None))


@bp.post("")
def create():
    form = ApiKeyForm()
    brand_id = admin_brand_id()
    if brand_id is None:
        flash(_("API keys are made by the brand's own admin."), "error")
        return redirect(url_for("admin.api_keys.index"), code=303)
    if form.validate_on_submit():
        try:
            _key, secret = create_token(db.session, kind=BRAND, name=form.name.data, brand_id=brand_id,
                                        scopes=tuple(form.scopes.data), created_by_id=current_user.id, now=utcnow())
        except TokenError as err:
            form.name.errors.append(err.message)
        else:
            return _page(ApiKeyForm(formdata=None), new_secret=secret)  # shown once: rendered, never flashed
    return _page(form, status=422)


@bp.post("/<int:key_id>/revoke")
def revoke(key_id: int):
    brand_id = admin_brand_id()
    if brand_id is None or not revoke_token(db.session, key_id, brand_id=brand_id, now=utcnow()):
        abort(404)
    flash(_("The key was revoked: systems using it can no longer call the API."), "success")
    return redirect(url_for("admin.api_keys.index"), code=303)


def _page(form: ApiKeyForm, status: int = 200, new_secret: str | None = None):
    brand_id = admin_brand_id()
    keys = active_tokens(db.session, kind=BRAND, brand_id=brand_id) if brand_id is not None else []
    return render_template("admin/api_keys.html", form=form, keys=keys, new_secret=new_secret,
                           can_create=brand_id is not None, tab="api_keys"), status
