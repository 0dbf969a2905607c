"""The brand admin's order pages: list and filter orders, ship, complete, decide refunds, re-attribute.
Every rule lives in mall.orders and mall.commission; these views only call it.
"""
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from mall import unit_of_work
from mall.admin.access import admin_brand_id
from mall.admin.orders.commission import order_commission
from mall.admin.orders.export import PERSONAL_FIELDS, csv_lines, customers_of
from mall.admin.orders.filter_form import OrderListFilterForm
from mall.admin.orders.filters import filtered_orders
from mall.admin.orders.forms import ReattributeForm, RejectRefundForm
from mall.admin.orders.history import order_history
from mall.admin.orders.reattribution import credit_from_codes, current_credit_fields
from mall.admin.personal_data import log_orders_shown, log_shown, order_fields
from mall.catalog.listing import brand_stores
from mall.clock import utcnow
from mall.commission.plan import ReattributionError, reattribute
from mall.events import Actor
from mall.extensions import db
from mall.money import format_fen
from mall.orders import states
from mall.orders.models import RefundStatus
from mall.orders.queries import order_by_number
from mall.orders.refunds import RefundError, approve_refund, refund_outcome, reject_refund

bp = Blueprint("orders", __name__)
PER_PAGE = 20
MAX_PAGE = 10_000


@bp.get("/orders")
def index():
    brand_id = admin_brand_id()
    filters = OrderListFilterForm(request.args).with_stores(brand_stores(db.session, brand_id) if brand_id else [])
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    query = filtered_orders(brand_id, filters.to_filter(), ZoneInfo(str(get_timezone())))
    listing = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    return render_template("admin/orders.html", orders=listing, filters=filters, args=filters.args(), tab="orders")


@bp.get("/orders/export.csv")
def export():
    """The filtered orders with their customers' contact details; logged before it streams."""
    brand_id = admin_brand_id()
    filters = OrderListFilterForm(request.args).with_stores(brand_stores(db.session, brand_id) if brand_id else [])
    tz = ZoneInfo(str(get_timezone()))
    query = filtered_orders(brand_id, filters.to_filter(), tz)
    log_shown("orders_export", brand_id=brand_id, fields=PERSONAL_FIELDS, subject=urlencode(filters.args()),
              **customers_of(db.session, query))
    return Response(stream_with_context(csv_lines(db.session, query, tz)), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="orders.csv"', "Cache-Control": "no-store",
                             "X-Content-Type-Options": "nosniff"})


@bp.get("/orders/<number>")
def show(number: str):
    found = _order_or_404(number)
    return _order_page(found)


def _order_page(found, invalid: RejectRefundForm | None = None, invalid_id: int | None = None, status=200,
                reattribute_form: ReattributeForm | None = None, reattribute_error: str | None = None):
    # One reject form per open request, each with its own prefix so their field ids never clash.
    forms = {refund.id: RejectRefundForm(formdata=None, prefix=f"refund-{refund.id}")
             for refund in found.refunds if refund.status == RefundStatus.REQUESTED}
    if invalid is not None:
        forms[invalid_id] = invalid
    commission = order_commission(db.session, found)
    if reattribute_form is None:
        reattribute_form = _reattribute_form(found, formdata=None, data=current_credit_fields(db.session, found))
    html = render_template("admin/order.html", order=found, reject_forms=forms, commission=commission,
                           reattribute_form=reattribute_form, reattribute_error=reattribute_error,
                           history=order_history(db.session, found), tab="orders")
    log_orders_shown("order", [found], brand_id=found.brand_id, fields=order_fields(found), subject=found.number)
    return html, status


@bp.post("/orders/<number>/ship")
def ship(number: str):
    found = _order_or_404(number)
    if states.ship(db.session, found.id, now=utcnow(), actor=_admin()):
        flash(_("Marked as shipped."), "success")
    elif any(refund.status == RefundStatus.REQUESTED for refund in found.refunds):
        flash(_("Decide the refund request first: an order is not shipped while a refund is pending."), "error")
    else:
        flash(_("Only a paid order can be shipped."), "error")
    return _back(number)


@bp.post("/orders/<number>/complete")
def complete(number: str):
    found = _order_or_404(number)
    if states.complete(db.session, found.id, now=utcnow(), actor=_admin()):
        flash(_("Marked as completed."), "success")
    else:
        flash(_("Only a shipped order can be completed."), "error")
    return _back(number)


@bp.post("/orders/<number>/refunds/<int:refund_id>/approve")
def approve(number: str, refund_id: int):
    refund = _refund_or_404(_order_or_404(number), refund_id)
    if refund.status != RefundStatus.REQUESTED:
        flash(_("This refund has already been decided."), "error")
        return _back(number)
    try:
        approve_refund(db.session, refund.id, by_user_id=current_user.id, now=utcnow())
        unit_of_work.commit()  # the provider refunds right after the commit, with no transaction open
        decided = refund_outcome(db.session, refund.id)
    except RefundError as err:
        unit_of_work.rollback()
        flash(err.message, "error")
    else:
        amount = format_fen(decided.amount_fen, str(get_locale()))
        if decided.status == RefundStatus.REFUNDED:
            flash(_("Refund of %(amount)s approved.", amount=amount), "success")
        else:  # the provider did not answer yet: `flask mall deliver-outbox` keeps trying
            flash(_("Refund of %(amount)s approved; the payment provider has not confirmed it yet.",
                    amount=amount), "success")
    return _back(number)


@bp.post("/orders/<number>/refunds/<int:refund_id>/reject")
def reject(number: str, refund_id: int):
    found = _order_or_404(number)
    refund = _refund_or_404(found, refund_id)
    form = RejectRefundForm(prefix=f"refund-{refund.id}")
    if refund.status != RefundStatus.REQUESTED:
        flash(_("This refund has already been decided."), "error")
        return _back(number)
    if not form.validate():
        return _order_page(found, form, refund.id, status=422)
    reject_refund(db.session, refund.id, by_user_id=current_user.id, reason=form.reason.data, now=utcnow())
    flash(_("Refund rejected."), "success")
    return _back(number)


@bp.post("/orders/<number>/reattribute")
def reattribute_order(number: str):
    found = _order_or_404(number)
    form = _reattribute_form(found)
    if not form.validate():
        return _order_page(found, reattribute_form=form, status=422)
    try:
        credit = credit_from_codes(db.session, found, sharer_code=form.sharer_code.data,
                                   guide_code=form.guide_code.data, store_id=form.store_id)
        reattribute(db.session, found.id, credit, actor_id=current_user.id, reason=form.reason.data, now=utcnow())
    except ReattributionError as err:
        unit_of_work.rollback()  # the order page is shown again: without what the failed call did
        return _order_page(found, reattribute_form=form, reattribute_error=str(err.message), status=422)
    flash(_("The order was re-attributed; the commission follows the new attribution."), "success")
    return _back(number)


def _reattribute_form(found, **kwargs) -> ReattributeForm:
    return ReattributeForm(prefix="reattribute", **kwargs).with_stores(brand_stores(db.session, found.brand_id))


def _admin() -> Actor:
    return Actor("admin", current_user.id)


def _order_or_404(number: str):
    return order_by_number(db.session, number, admin_brand_id()) or abort(404)


def _refund_or_404(found, refund_id: int):
    return next((refund for refund in found.refunds if refund.id == refund_id), None) or abort(404)


def _back(number: str):
    return redirect(url_for("admin.orders.show", number=number), code=303)
