"""The brand admin's order pages: list and filter orders, ship, complete, decide refunds.
(The full console comes later; every rule lives in mall.orders, these views only call it.)"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required

from mall.admin.access import admin_brand_id
from mall.admin.forms import OrderFilterForm, RejectRefundForm
from mall.clock import utcnow
from mall.extensions import db
from mall.money import format_fen
from mall.orders import states
from mall.orders.models import RefundStatus
from mall.orders.queries import order_by_number, orders_of_brand
from mall.orders.refunds import RefundError, approve_refund, reject_refund

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 20
MAX_PAGE = 10_000


@bp.get("/orders")
@login_required
def orders():
    brand_id = admin_brand_id()
    filters = OrderFilterForm(request.args)
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    listing = db.paginate(orders_of_brand(brand_id, filters.status.data), page=page, per_page=PER_PAGE,
                          error_out=False)
    return render_template("admin/orders.html", orders=listing, filters=filters)


@bp.get("/orders/<number>")
@login_required
def order(number: str):
    found = _order_or_404(number)
    return _order_page(found)


def _order_page(found, invalid: RejectRefundForm | None = None, invalid_id: int | None = None, status=200):
    # One reject form per open request, each with its own prefix so their field ids never clash.
    forms = {refund.id: RejectRefundForm(formdata=None, prefix=f"refund-{refund.id}")
             for refund in found.refunds if refund.status == RefundStatus.REQUESTED}
    if invalid is not None:
        forms[invalid_id] = invalid
    return render_template("admin/order.html", order=found, reject_forms=forms), status


@bp.post("/orders/<number>/ship")
@login_required
def ship(number: str):
    found = _order_or_404(number)
    if states.ship(db.session, found.id, now=utcnow()):
        flash(_("Marked as shipped."), "success")
    else:
        flash(_("Only a paid order can be shipped."), "error")
    return _back(number)


@bp.post("/orders/<number>/complete")
@login_required
def complete(number: str):
    found = _order_or_404(number)
    if states.complete(db.session, found.id, now=utcnow()):
        flash(_("Marked as completed."), "success")
    else:
        flash(_("Only a shipped order can be completed."), "error")
    return _back(number)


@bp.post("/orders/<number>/refunds/<int:refund_id>/approve")
@login_required
def approve(number: str, refund_id: int):
    refund = _refund_or_404(_order_or_404(number), refund_id)
    if refund.status != RefundStatus.REQUESTED:
        flash(_("This refund has already been decided."), "error")
        return _back(number)
    try:
        decided = approve_refund(db.session, refund.id, by_user_id=current_user.id, now=utcnow())
    except RefundError as err:
        flash(err.message, "error")
    else:
        flash(_("Refund of %(amount)s approved.", amount=format_fen(decided.amount_fen, str(get_locale()))),
              "success")
    return _back(number)


@bp.post("/orders/<number>/refunds/<int:refund_id>/reject")
@login_required
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


def _order_or_404(number: str):
    return order_by_number(db.session, number, admin_brand_id()) or abort(404)


def _refund_or_404(found, refund_id: int):
    return next((refund for refund in found.refunds if refund.id == refund_id), None) or abort(404)


def _back(number: str):
    return redirect(url_for("admin.order", number=number), code=303)
