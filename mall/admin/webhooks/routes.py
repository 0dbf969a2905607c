"""The webhooks page: endpoints, the delivery log with each attempt's status code, replay.

Every lookup carries the admin's brand (mall.admin.access), so another brand's endpoint or delivery is not
found. A platform admin first chooses the brand (?brand=<id>, mall.admin.acting_brand), as on the rules page.
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mall.admin.access import admin_brand_id
from mall.admin.acting_brand import acting_brand_id, choose_brand_page
from mall.admin.webhooks.forms import EndpointForm
from mall.clock import utcnow
from mall.extensions import db
from mall.webhooks.addresses import UnsafeUrl, private_allowed
from mall.webhooks.endpoints import (
    EndpointError,
    deliveries_of,
    disable_endpoint,
    endpoints_of,
    register_endpoint,
    replay_delivery,
)
from mall.webhooks.models import WebhookAttempt, WebhookDelivery
from mall.webhooks.topics import TOPICS

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
PER_PAGE = 30
MAX_PAGE = 10_000


@bp.get("")
def index():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.webhooks.index", "webhooks")
    return _page(brand_id, EndpointForm(formdata=None))


@bp.post("")
def create():
    form = EndpointForm()
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.webhooks.index", "webhooks")
    if form.validate_on_submit():
        try:
            endpoint = register_endpoint(db.session, brand_id=brand_id, url=form.url.data, topics=form.topics.data,
                                         now=utcnow(), allow_private=private_allowed(current_app.config),
                                         by_user_id=current_user.id)
        except (EndpointError, UnsafeUrl) as err:
            (form.url.errors if err.field == "url" else form.topics.errors).append(err.message)
        else:
            # The signing secret is shown on this page, once; rendered, never flashed into the session cookie.
            return _page(brand_id, EndpointForm(formdata=None), new_endpoint=endpoint)
    return _page(brand_id, form, status=422)


@bp.post("/<int:endpoint_id>/disable")
def disable(endpoint_id: int):
    brand_id = admin_brand_id()  # None for the platform: any brand's endpoint
    if not disable_endpoint(db.session, endpoint_id, brand_id=brand_id, now=utcnow(), by_user_id=current_user.id):
        abort(404)
    flash(_("The endpoint is switched off: nothing more is sent to it."), "success")
    return redirect(url_for("admin.webhooks.index", **_brand_arg()), code=303)


@bp.get("/deliveries/<int:delivery_id>")
def delivery(delivery_id: int):
    found = _delivery(delivery_id)
    attempts = db.session.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id == found.id)
                                  .order_by(WebhookAttempt.id.desc())).all()
    return render_template("admin/webhook_delivery.html", delivery=found, attempts=attempts, tab="webhooks")


@bp.post("/deliveries/<int:delivery_id>/replay")
def replay(delivery_id: int):
    found = _delivery(delivery_id)
    replay_delivery(db.session, found.id, brand_id=admin_brand_id(), now=utcnow(), by_user_id=current_user.id)
    flash(_("The delivery will be sent again by the next run of the webhook job."), "success")
    return redirect(url_for("admin.webhooks.delivery", delivery_id=found.id), code=303)


def _delivery(delivery_id: int) -> WebhookDelivery:
    brand_id = admin_brand_id()
    found = db.session.get(WebhookDelivery, delivery_id)
    if found is None or (brand_id is not None and found.brand_id != brand_id):
        abort(404)
    return found


def _brand_arg() -> dict:
    return {"brand": request.args["brand"]} if request.args.get("brand") else {}


def _page(brand_id: int, form: EndpointForm, status: int = 200, new_endpoint=None):
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    deliveries = db.paginate(deliveries_of(brand_id), page=page, per_page=PER_PAGE, error_out=False)
    return render_template("admin/webhooks.html", form=form, endpoints=endpoints_of(db.session, brand_id),
                           deliveries=deliveries, topics=TOPICS, new_endpoint=new_endpoint,
                           brand_arg=_brand_arg(), tab="webhooks"), status
