"""The API keys page: a brand's keys for its CRM or data platform, created with scopes, shown once, revoked.

A platform admin first chooses the brand (?brand=<id>, mall.admin.acting_brand), as on the rules page."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall.accounts.api_tokens import BRAND, TokenError, active_tokens, create_token, revoke_token
from mall.admin.acting_brand import acting_brand_id, choose_brand_page
from mall.admin.webhooks.forms import ApiKeyForm
from mall.audit.service import record
from mall.clock import utcnow
from mall.extensions import db

bp = Blueprint("api_keys", __name__, url_prefix="/api-keys")


@bp.get("")
def index():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.api_keys.index", "api_keys")
    return _page(brand_id, ApiKeyForm(formdata=None))


@bp.post("")
def create():
    form = ApiKeyForm()
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.api_keys.index", "api_keys")
    if form.validate_on_submit():
        try:
            _key, secret = create_token(db.session, kind=BRAND, name=form.name.data, brand_id=brand_id,
                                        scopes=tuple(form.scopes.data), created_by_id=current_user.id, now=utcnow())
        except TokenError as err:
            form.name.errors.append(err.message)
        else:
            # A brand key reads (and may change) the brand's orders and money: who made which key is audited.
            record(db.session, action="api_key.create", brand_id=brand_id, actor_id=current_user.id, now=utcnow(),
                   subject=f"api_key:{_key.id}", after={"name": _key.name, "scopes": _key.scopes})
            # Shown once: rendered, never flashed (a flash would put it in the session cookie).
            return _page(brand_id, ApiKeyForm(formdata=None), new_secret=secret)
    return _page(brand_id, form, status=422)


@bp.post("/<int:key_id>/revoke")
def revoke(key_id: int):
    brand_id = acting_brand_id()
    if brand_id is None or not revoke_token(db.session, key_id, brand_id=brand_id, now=utcnow()):
        abort(404)
    record(db.session, action="api_key.revoke", brand_id=brand_id, actor_id=current_user.id, now=utcnow(),
           subject=f"api_key:{key_id}")
    flash(_("The key was revoked: systems using it can no longer call the API."), "success")
    return redirect(url_for("admin.api_keys.index", **_brand_arg(brand_id)), code=303)


def _brand_arg(brand_id: int) -> dict:
    return {"brand": brand_id} if request.args.get("brand") else {}


def _page(brand_id: int, form: ApiKeyForm, status: int = 200, new_secret: str | None = None):
    keys = active_tokens(db.session, kind=BRAND, brand_id=brand_id)
    return render_template("admin/api_keys.html", form=form, keys=keys, new_secret=new_secret,
                           brand_arg=_brand_arg(brand_id), tab="api_keys"), status
