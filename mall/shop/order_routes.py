"""Order pages: buy now from the product page, the order page behind its token, and "my orders"."""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall import unit_of_work
from mall.catalog.listing import brand_stores
from mall.catalog.pages import published_product_by_code
from mall.clock import utcnow
from mall.events import Actor
from mall.extensions import db
from mall.orders import states
from mall.orders.checkout import CheckoutError, CheckoutRequest, place_order
from mall.orders.forms import checkout_form_for, checkout_request, refund_form_for
from mall.orders.models import OrderStatus
from mall.orders.queries import order_by_token, orders_of_user
from mall.orders.quote import quote_for_form
from mall.orders.refunds import RefundError, request_refund
from mall.orders.social_proof import product_page
from mall.payments.provider import provider_available
from mall.payments.redirect import to_payment
from mall.payments.service import PaymentsUnavailable
from mall.ratelimits import ORDER, REFUND, limited
from mall.referral.visitor import get_visitor_key
from mall.shop.order_pages import order_page_context

bp = Blueprint("orders", __name__)
PER_PAGE = 10
MAX_PAGE = 10_000


@bp.post("/p/<code>/buy")
@limited(ORDER)
def buy(code: str):
    product = published_product_by_code(db.session, code, images=False) or abort(404)
    form = checkout_form_for(product, brand_stores(db.session, product.brand_id), formdata=request.form)
    if form.validate():
        try:
            if not provider_available(current_app.config["PAYMENT_PROVIDER"]):
                raise PaymentsUnavailable()  # before the order: no stock held for an order nobody can pay
            order = place_order(db.session, _checkout_request(form), now=utcnow())
        except (CheckoutError, PaymentsUnavailable) as err:
            field = getattr(form, err.field, None) if err.field else None
            (field.errors if field is not None else form.form_errors).append(err.message)
        else:
            # The order and its stock are safe before we talk to the provider, and no row stays locked
            # while it answers; a provider that fails leaves the order to be paid from its page.
            unit_of_work.commit()
            return to_payment(order)
    now = utcnow()
    context = product_page(db.session, product, now=now)
    return render_template("catalog/product.html", **context, form=form,
                           quote=quote_for_form(product, form, now=now)), 422


def _checkout_request(form) -> CheckoutRequest:
    return checkout_request(form, user_id=current_user.id if current_user.is_authenticated else None, visitor_key=get_visitor_key())


@bp.get("/o/<token>")
def show(token: str):
    order = order_by_token(db.session, token) or abort(404)
    context = order_page_context(db.session, order, back_from_payment=request.args.get("paying") == "1",
                                 now=utcnow())
    if request.headers.get("HX-Request"):
        response = make_response(render_template("orders/_status.html", **context))
        if order.status != OrderStatus.PENDING_PAYMENT:
            response.headers["HX-Refresh"] = "true"  # paid: the whole page changes (buttons, refund form)
        return response
    return render_template("orders/show.html", **context, refund_form=refund_form_for(order))


@bp.post("/o/<token>/pay")
def pay(token: str):
    order = order_by_token(db.session, token) or abort(404)
    return to_payment(order)


@bp.post("/o/<token>/cancel")
def cancel(token: str):
    order = order_by_token(db.session, token) or abort(404)
    actor = Actor("buyer", current_user.id if current_user.is_authenticated else None)
    if states.cancel(db.session, order.id, now=utcnow(), actor=actor, reason="buyer_cancelled"):
        flash(_("Your order was cancelled."), "success")
    else:
        flash(_("This order can no longer be cancelled."), "error")
    return redirect(url_for("orders.show", token=token), code=303)


@bp.post("/o/<token>/refunds")
@limited(REFUND)
def refund(token: str):
    order = order_by_token(db.session, token) or abort(404)
    form = refund_form_for(order, formdata=request.form)
    if form.validate():
        try:
            request_refund(db.session, order.id, items=form.items(), reason=form.reason.data, now=utcnow())
        except RefundError as err:
            unit_of_work.rollback()  # the order page is shown again (422): without what the failed call did
            form.form_errors.append(err.message)
        else:
            flash(_("Your refund request was sent. The shop will reply soon."), "success")
            return redirect(url_for("orders.show", token=token), code=303)
    order = order_by_token(db.session, token)
    context = order_page_context(db.session, order, back_from_payment=False, now=utcnow())
    return render_template("orders/show.html", **context, refund_form=form), 422


@bp.get("/orders")
def mine():
    if not current_user.is_authenticated:  # a guest finds their orders by phone (or logs in from there)
        return redirect(url_for("lookup.find"))
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    orders = db.paginate(orders_of_user(current_user.id), page=page, per_page=PER_PAGE, error_out=False)
    return render_template("orders/mine.html", orders=orders)
